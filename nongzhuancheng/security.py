"""Response headers that browsers enforce (the Content-Security-Policy itself is django-csp's)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` (settings.NZC_PERMISSIONS_POLICY): no page uses the camera,
    the microphone, the location or payments, so a script that got in cannot either."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.NZC_PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.NZC_PERMISSIONS_POLICY
        return response


def safe_next(request: HttpRequest, candidate: str | None, fallback: str) -> str:
    """``candidate`` when it is a URL of this site (Django's ``url_has_allowed_host_and_scheme``,
    which refuses ``//evil``, ``/\\evil`` and other hosts), else ``fallback``."""
    from django.utils.http import url_has_allowed_host_and_scheme

    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def client_address(request: HttpRequest, *args: object) -> str | None:
    """The client's address for sign-in lockouts (django-axes): the proxy's header when one is
    configured (settings.NZC_CLIENT_ADDRESS_HEADER), else REMOTE_ADDR; None when neither is there."""
    header = settings.NZC_CLIENT_ADDRESS_HEADER
    value = request.META.get(header, "") if header else ""
    value = value.split(",")[0].strip() if value else ""
    return value or request.META.get("REMOTE_ADDR") or None
