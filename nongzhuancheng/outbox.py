"""Delivering the transactional outbox to Celery.

``nongzhuancheng.queue.enqueue`` writes an ``OutboxMessage`` in the transaction of the change that
needs the task. After that transaction commits it tries to send the message at once; whatever could
not be sent then (the broker unreachable, the web process gone) is sent by ``outbox_dispatch``, which
Celery beat runs every few seconds, until the broker takes it. A message is delivered with its id in
the ``nzc_outbox_id`` header: the task base class (``OutboxTask``) skips a message whose task has
already run to completion and marks it done when it has, so a message sent twice runs once.
"""

from __future__ import annotations

import datetime
import importlib
import logging
from typing import TYPE_CHECKING, Any

from celery import Task
from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from .models import OutboxMessage

logger = logging.getLogger(__name__)

HEADER = "nzc_outbox_id"
BATCH = 200  # messages one dispatch sends at most
MAX_DELAY = datetime.timedelta(minutes=5)  # the longest wait between two tries of one message


def registered_task(task_name: str) -> Task:
    """The Celery task of this name, importing its module first (the worker loads them all)."""
    from .celery import app

    importlib.import_module(task_name.rsplit(".", 1)[0])
    return app.tasks[task_name]


def outbox_send(*, message_id: int) -> bool:
    """Send one pending message to the broker; True when it was sent (or already was). A failure is
    recorded on the message (attempts, error, the next try after a growing delay), never raised."""
    from .models import OutboxMessage

    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, sent_at__isnull=True).first()
        )
        if message is None:  # sent already, or another dispatcher holds it
            return True
        return _send(message, timezone.now())


def _send(message: OutboxMessage, now: datetime.datetime) -> bool:
    message.attempts += 1
    try:
        registered_task(message.task_name).apply_async(
            args=message.args, kwargs=message.kwargs, headers={HEADER: message.pk},
            ignore_result=True, retry=False,
        )
    except Exception as exc:  # the broker is unreachable (or the task unknown): try again later
        delay = min(datetime.timedelta(seconds=5 * 2 ** min(message.attempts - 1, 10)), MAX_DELAY)
        message.available_at = now + delay
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        message.save(update_fields=["attempts", "available_at", "last_error"])
        logger.warning("outbox: could not send %s (attempt %d): %s", message, message.attempts, exc)
        return False
    message.sent_at = now
    message.save(update_fields=["attempts", "sent_at"])
    return True


def outbox_dispatch(*, now: datetime.datetime | None = None, limit: int = BATCH) -> tuple[int, int]:
    """Send the pending messages that are due, oldest first; stop at the first failure (the broker is
    down: the others would fail the same way). Returns (sent, left pending)."""
    from .models import OutboxMessage

    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        due = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, available_at__lte=now).order_by("pk")[:limit]
        )
        for message in due:
            if not _send(message, now):
                break
            sent += 1
    pending = OutboxMessage.objects.filter(sent_at__isnull=True).count()
    return sent, pending


def outbox_done(message_id: int) -> bool:
    """True when the task of this message has already run to completion."""
    from .models import OutboxMessage

    return OutboxMessage.objects.filter(pk=message_id, done_at__isnull=False).exists()


def outbox_mark_done(message_id: int) -> None:
    from .models import OutboxMessage

    OutboxMessage.objects.filter(pk=message_id, done_at__isnull=True).update(
        done_at=timezone.now(), sent_at=timezone.now()
    )


class OutboxTask(Task):
    """The base of every task of the app: a message from the outbox runs at most once to completion."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        message_id = _outbox_id(self.request)
        if message_id is not None and outbox_done(message_id):
            logger.info("outbox: %s #%s has already run, skipped", self.name, message_id)
            return None
        result = super().__call__(*args, **kwargs)
        if message_id is not None:
            outbox_mark_done(message_id)
        return result


def _outbox_id(request: Any) -> int | None:
    value = getattr(request, HEADER, None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get(HEADER)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
