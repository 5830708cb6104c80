"""The ID check's rules, shared by the entry page's live check and the API.

A typed number is answered with its validity and what it encodes (the clerk typed it whole). Where
and when it is already claimed is told only to a clerk (the policy's ID_CLAIM_SEE) and only for a
whole, valid number: a prefix or a wrong guess tells nothing. Every use is rate-limited per user
(``NZC_ID_CHECK_RATE``) and written to the access log, with the number masked.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_ratelimit.core import is_ratelimited

from nongzhuancheng.audit import AccessEvent, record
from nongzhuancheng.masking import mask
from nongzhuancheng.scoping import ID_CLAIM_SEE, allows

from . import selectors
from .models import Person


def id_check_limited(request: Any) -> bool:
    """True when the user has used up the ID checks of the current window (counts this use)."""
    return is_ratelimited(request, group="households.id_check", key=lambda g, r: str(r.user.pk),
                          rate=settings.NZC_ID_CHECK_RATE, method="POST", increment=True)


def id_check_claim(request: Any, number: str | None) -> Person | None:
    """The claim of a whole, valid number (``number`` is None when it was not), for a clerk only;
    logs the check either way."""
    claim = None
    if number and allows(request.user, ID_CLAIM_SEE):
        claim = selectors.claim_find(number)
    record(AccessEvent.Kind.ID_CHECK, request=request, person_id=claim.pk if claim else None,
           subject=mask(number) if number else "",
           detail={"valid": bool(number), "claim_shown": claim is not None})
    return claim
