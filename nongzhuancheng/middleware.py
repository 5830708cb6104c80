"""Refusals go to the access log: a signed-in user answered 403, or 404 for an object that is not in
their scope (or does not exist: the two look the same on purpose, and both are worth a line)."""

from typing import Callable

from django.http import HttpRequest, HttpResponse

from .audit import AccessEvent, record


class AccessRefusalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (403, 404) and getattr(request, "user", None) is not None \
                and request.user.is_authenticated:
            record(AccessEvent.Kind.REFUSED, request=request, detail={"status": response.status_code})
        return response
