"""Sign-in, sign-out and failed sign-ins go to the access log (Django's auth signals)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import AccessEvent, record


@receiver(user_logged_in, dispatch_uid="nzc-access-sign-in")
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(AccessEvent.Kind.SIGN_IN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="nzc-access-sign-out")
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(AccessEvent.Kind.SIGN_OUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="nzc-access-sign-in-failed")
def _sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    record(AccessEvent.Kind.SIGN_IN_FAILED, request=request, user=None,
           username=str(credentials.get("username", "")))
