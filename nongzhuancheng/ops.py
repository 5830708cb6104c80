"""Who may read the operator's pages (the health report's details, the metrics).

Two ways in: the operator's token (``NZC_OPS_TOKEN``, sent as ``Authorization: Bearer <token>``:
the monitoring system's) or a signed-in user the policy grants ``OPS_VIEW`` (administrators, and the
city office's staff users). The metrics also admit the addresses of ``NZC_METRICS_ALLOW`` (addresses
or networks, e.g. the Prometheus server's). Nobody else: no anonymous scrape of internals."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest

from .scoping import OPS_VIEW, allows
from .security import client_address


def ops_token_given(request: HttpRequest) -> bool:
    token = str(settings.NZC_OPS_TOKEN or "")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not token or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer "):].strip().encode(), token.encode())


def may_see_details(request: HttpRequest) -> bool:
    """The health report's details: the ops token, or a user granted OPS_VIEW."""
    return ops_token_given(request) or allows(getattr(request, "user", None), OPS_VIEW)


def address_allowed(request: HttpRequest) -> bool:
    address = client_address(request)
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in settings.NZC_METRICS_ALLOW:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def may_scrape(request: HttpRequest) -> bool:
    """The metrics: an allowed address, the ops token, or a user granted OPS_VIEW."""
    return address_allowed(request) or may_see_details(request)
