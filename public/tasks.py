"""Thin Celery tasks: they take ids and call services."""

from celery import shared_task
from django.conf import settings


@shared_task(bind=True, max_retries=None, acks_late=True)
def notice_send_task(self, notice_id):
    """Send one notice; on a backend failure try again later (1, 2, 4 … minutes, at most an hour)
    until settings.NZC_NOTICE_MAX_ATTEMPTS. Safe to run twice: a sent notice is not sent again."""
    from .services import NoticeSendFailed, notice_send

    try:
        notice_send(notice_id=notice_id)
    except NoticeSendFailed as exc:
        if exc.attempts >= settings.NZC_NOTICE_MAX_ATTEMPTS:
            return "failed"
        if self.request.is_eager:  # no broker to come back through (embedded runs, tests): again at once
            return self.run(notice_id)
        raise self.retry(exc=exc, countdown=min(60 * 2 ** (exc.attempts - 1), 3600)) from None
    return "done"
