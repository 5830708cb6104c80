"""A request id for every request: ``request.id``, the ``X-Request-ID`` response header and every log
line written while the request is served (``RequestIdFilter`` puts it on the record as ``request_id``).

An id sent by the reverse proxy in ``X-Request-ID`` is kept when it looks like one, so that the proxy's
log and ours share it; otherwise a new one is made. The 500 page shows it to the user, so that an
operator can find the exception in the log.
"""

import contextvars
import logging
import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_META_KEY = "HTTP_X_REQUEST_ID"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("request", default=None)


def current() -> str:
    """The id of the request being served ("-" outside a request)."""
    return _current.get()


def current_request() -> HttpRequest | None:
    """The request being served (None outside one): the log lines read its user (``nongzhuancheng.logs``)."""
    return _request.get()


def new_id() -> str:
    return uuid.uuid4().hex[:16]


class RequestIdMiddleware:
    """Sets request.id and X-Request-ID; place it first in MIDDLEWARE so every log line carries it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get(_META_KEY, "")
        request_id = incoming if _VALID.match(incoming) else new_id()
        request.id = request_id  # type: ignore[attr-defined]
        token, request_token = _current.set(request_id), _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
            _request.reset(request_token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record (the current request's, "-" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "id", None) or current()
        return True
