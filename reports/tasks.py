"""Thin Celery tasks: they take ids or dates and call a service. Both are safe to run twice.

The services hand work over by these tasks' names (``nongzhuancheng.queue.enqueue``): arrows point
from the tasks to the services only."""

import datetime

from celery import shared_task

from nongzhuancheng.periods import Period

from . import services
from .models import Bulletin


@shared_task(
    bind=True, autoretry_for=(Exception,), retry_backoff=5, retry_backoff_max=300, retry_jitter=True,
    max_retries=3, acks_late=True,
)
def bulletin_render_task(self, bulletin_id: int) -> int:
    bulletin = Bulletin.objects.filter(pk=bulletin_id).first()
    if bulletin is None or bulletin.is_issued:
        return bulletin_id
    services.bulletin_render(bulletin=bulletin)
    return bulletin_id


@shared_task
def bulletin_issue_for_last_period_task(period: str | None = None, today: str | None = None) -> list[int]:
    """Beat's entry: the bulletins of the period just ended (city + one per county).

    ``period`` ("2012-10-2") or ``today`` (ISO date) may be given to issue those of a past period.
    """
    day = datetime.date.fromisoformat(today) if today else None
    if period:
        made = services.bulletin_issue_for_period(period=Period.parse(period), today=day)
    else:
        made = services.bulletin_request_for_today(today=day)
    return [b.pk for b in made]


@shared_task(ignore_result=True)
def bulletins_reap_task() -> list[int]:
    """Beat's entry: fail the bulletins whose rendering worker died: ``services.bulletins_reap``."""
    return services.bulletins_reap()
