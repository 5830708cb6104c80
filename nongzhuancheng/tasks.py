"""Celery tasks of the core: the outbox's dispatcher (beat runs it every few seconds)."""

from celery import shared_task

from . import outbox


@shared_task(ignore_result=True)
def outbox_dispatch_task() -> tuple[int, int]:
    """Send the outbox's pending messages: ``nongzhuancheng.outbox.outbox_dispatch``."""
    return outbox.outbox_dispatch()
