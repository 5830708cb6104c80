"""Heartbeats of the background parts: is a Celery worker alive, does beat's schedule arrive?

The outbox's dispatcher (a beat task every few seconds, run by a worker) records both; a worker also
records one when it starts. The job pages and the health checks read ``heartbeat_age``. A job's own
heartbeat (``beating``) is written on its row while a worker runs it; each app's reaper fails a job
whose heartbeat stopped."""

from __future__ import annotations

import contextlib
import datetime
import logging
import threading
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils import timezone

WORKER = "worker"
BEAT = "beat"
logger = logging.getLogger(__name__)


def heartbeat_record(name: str, *, at: datetime.datetime | None = None) -> None:
    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name=name, defaults={"at": at or timezone.now()})


def heartbeat_age(name: str, *, now: datetime.datetime | None = None) -> datetime.timedelta | None:
    """How long ago ``name`` was last seen (None: never)."""
    from .models import Heartbeat

    at = Heartbeat.objects.filter(name=name).values_list("at", flat=True).first()
    return None if at is None else (now or timezone.now()) - at


def worker_absent(*, now: datetime.datetime | None = None) -> bool:
    """True when tasks go to a broker and no worker has been seen for NZC_WORKER_STALE_SECONDS."""
    from .celery import app

    if app.conf.task_always_eager:
        return False
    age = heartbeat_age(WORKER, now=now)
    return age is None or age > datetime.timedelta(seconds=settings.NZC_WORKER_STALE_SECONDS)


@contextlib.contextmanager
def beating(queryset: Any) -> Iterator[None]:
    """A job's heartbeat while the block runs: ``queryset`` (the job's row) gets ``heartbeat_at`` now,
    and again every quarter of NZC_JOB_STALE_SECONDS from a thread of its own (its own database
    connection), so that a long step without progress reports (a PDF rendered, a file written) is not
    taken for a dead worker, and a killed worker's job stops beating at once.

    The thread only beats on PostgreSQL outside a caller's transaction (inside one, or on SQLite's
    single writer, the row is not the thread's to update): then only the first beat is written."""
    from django.db import connection

    queryset.update(heartbeat_at=timezone.now())
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    every = max(0.5, settings.NZC_JOB_STALE_SECONDS / 4)
    stop = threading.Event()

    def beat() -> None:
        from django.db import connection as own

        try:
            while not stop.wait(every):
                queryset.update(heartbeat_at=timezone.now())
        except Exception:  # a heartbeat never breaks the job; the reaper judges its absence
            logger.warning("heartbeat of %s stopped", queryset.model._meta.label, exc_info=True)
        finally:
            own.close()

    thread = threading.Thread(target=beat, name="job-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(every + 5)
