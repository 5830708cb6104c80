"""Celery tasks of the core: the outbox's dispatcher (beat runs it every few seconds), which is also
the heartbeat of the workers and of beat."""

from celery import shared_task
from celery.signals import worker_ready

from . import heartbeats, outbox


@shared_task(ignore_result=True)
def outbox_dispatch_task() -> tuple[int, int]:
    """Send the outbox's pending messages: ``nongzhuancheng.outbox.outbox_dispatch``."""
    heartbeats.heartbeat_record(heartbeats.WORKER)
    heartbeats.heartbeat_record(heartbeats.BEAT)
    return outbox.outbox_dispatch()


@worker_ready.connect(dispatch_uid="nzc_worker_ready_heartbeat")
def _worker_started(**kwargs: object) -> None:
    heartbeats.heartbeat_record(heartbeats.WORKER)
