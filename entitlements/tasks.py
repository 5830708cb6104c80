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
