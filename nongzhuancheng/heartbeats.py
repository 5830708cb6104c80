"""Heartbeats of the background parts: is a Celery worker alive, does beat's schedule arrive?

The outbox's dispatcher (a beat task every few seconds, run by a worker) records both; a worker also
records one when it starts. The job pages and the health checks read ``heartbeat_age``."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

WORKER = "worker"
BEAT = "beat"


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
