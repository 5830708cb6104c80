"""Celery tasks of the entitlements app: thin, they take ids and call a service."""

from celery import shared_task
from django.contrib.auth import get_user_model

from . import services


@shared_task(acks_late=True)
def entitlements_open_bulk_task(application_ids, actor_id=None):
    """Open the records of the people of imported completed applications:
    ``entitlements.services.entitlements_open_bulk``. Safe to run twice."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    services.entitlements_open_bulk(application_ids=application_ids, actor=actor)


@shared_task
def rollup_check_task(repair=True):
    """Compare the records' summary tables with the records, log any drift and repair it; returns
    the number of keys that differed (``entitlements.rollup.rollup_check``)."""
    from .rollup import rollup_check

    drift = rollup_check(repair=repair)
    return drift.guarantee_keys + drift.delivery_keys + drift.retention_keys
