"""Log lines: structured by structlog, one line per event, with the request id and the user's id.

Every logger (Django's, Celery's, ours, and structlog's own ``structlog.get_logger``) goes through the
root logger's one handler, formatted here: JSON, one object per line, in production (``DEBUG`` off, or
``NZC_LOG_FORMAT=json``); a readable console line in development. Each line carries ``request_id`` (the
``X-Request-ID`` of the request being served, "-" outside one: ``nongzhuancheng/request_id.py``) and,
once the request's user is known, ``user_id`` — a number, never a name or an ID number.

Lines used to print twice: Django's own ``django`` logger kept its default console handler and also
propagated to ours. ``settings.LOGGING`` now gives it no handler of its own.

A client's error (a 4xx answer: 403, 404, 400, 405) is the client's business, not an operator's:
``ClientErrorsAtInfo`` logs Django's line for it at INFO and without the traceback Django attaches.
"""

from __future__ import annotations

import logging
from typing import Any

import structlog
from django.utils.functional import SimpleLazyObject, empty

from . import request_id

_configured = False


def _user_id(request: Any) -> int | None:
    """The signed-in user's id, if the request has resolved its user already (a log line never makes
    the database query that resolving costs)."""
    user = getattr(request, "user", None) if request is not None else None
    if isinstance(user, SimpleLazyObject):
        wrapped = user._wrapped
        if wrapped is empty:
            return None
        user = wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "pk", None)


def add_request_context(logger: Any, method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    record = event_dict.get("_record")
    request = getattr(record, "request", None) or request_id.current_request()
    rid = getattr(record, "request_id", None) or getattr(request, "id", None) or request_id.current()
    event_dict.setdefault("request_id", rid)
    uid = _user_id(request)
    if uid is not None:
        event_dict.setdefault("user_id", uid)
    status = getattr(record, "status_code", None)
    if isinstance(status, int):
        event_dict.setdefault("status", status)
    return event_dict


def _shared() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        add_request_context,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def configure() -> None:
    """structlog's own loggers hand their events to the standard library (and so to the one handler)."""
    global _configured
    if _configured:
        return
    structlog.configure(
        processors=[*_shared(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    _configured = True


def formatter(style: str = "json") -> logging.Formatter:
    """The formatter of ``settings.LOGGING`` (``style``: "json" or "console")."""
    configure()
    renderer: Any
    if style == "json":
        renderer = structlog.processors.JSONRenderer(ensure_ascii=False)
        tail = [structlog.processors.format_exc_info, renderer]
    else:
        # plain tracebacks: rich's would print every frame's local variables (personal data) and is slow
        tail = [structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *tail],
    )


class ClientErrorsAtInfo(logging.Filter):
    """On ``django.request``: a 4xx answer is logged at INFO without a traceback (and not at all when
    the logger is set above INFO); 5xx answers keep their level and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and record.levelno > logging.INFO:
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info, record.exc_text = None, None
            return logging.getLogger(record.name).isEnabledFor(logging.INFO)
        return True
