"""The QR code on the receipt: it opens the progress lookup with the application number filled in
(never any ID digits)."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse


def lookup_url(number: str) -> str:
    """The lookup page's full address for this application number."""
    return f"{settings.NZC_SITE_URL}{reverse('public:lookup')}?{urlencode({'n': number})}"


def qr_code(content: str) -> segno.QRCode:
    return segno.make(content, error="m", micro=False)


def qr_svg(content: str, scale: int = 3) -> str:
    """The QR code of ``content`` as an inline <svg> element (no XML declaration, no external file)."""
    return qr_code(content).svg_inline(scale=scale, title=content)
