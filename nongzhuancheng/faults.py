"""The database is unreachable for a moment (a restart, a dropped connection): say so, never a 500.

``DatabaseUnavailableMiddleware`` answers an ``OperationalError`` or ``InterfaceError`` raised by a
view with 503 and ``Retry-After``: a plain page asking to try again, or JSON for the API. A safe read
(GET, HEAD) is first tried once more on a fresh connection, so that a connection the database dropped
costs the user nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
DATABASE_ERRORS = (OperationalError, InterfaceError)


def _drop_broken_connections() -> None:
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    message = _("数据库暂时无法连接，您的操作没有完成。请稍候几秒钟再试一次。")
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse({"detail": message, "code": "database_unavailable"}, status=503)
    else:
        # a page that needs no database (no user, no context processors)
        response = HttpResponse(render_to_string("retry.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Before the session or the user is read (middleware below this one touch the database before
        # any view): a persistent connection the database dropped is noticed and replaced now, as
        # CONN_HEALTH_CHECKS does at a request's first query.
        for conn in connections.all(initialized_only=True):
            if conn.connection is not None and not conn.in_atomic_block:
                conn.health_check_done = False  # type: ignore[attr-defined]
                conn.close_if_health_check_failed()
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        _drop_broken_connections()
        if request.method in ("GET", "HEAD") and not getattr(request, "_nzc_db_retried", False):
            request._nzc_db_retried = True  # type: ignore[attr-defined]
            retried = self._retry(request)
            if retried is not None:
                return retried
        logger.warning("database unavailable on %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response(request)

    @staticmethod
    def _retry(request: HttpRequest) -> HttpResponse | None:
        match = request.resolver_match
        if match is None:
            return None
        try:
            response: Any = match.func(request, *match.args, **match.kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            return response
        except DATABASE_ERRORS:
            _drop_broken_connections()
            return None
