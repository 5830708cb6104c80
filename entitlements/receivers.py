"""Opening and following the records from the households signals.

application_completed and application_corrected are sent inside the move's transaction: the records
change with it. applications_imported is sent inside an import's transaction: the records of its completed
applications are opened in Celery tasks queued in that transaction (the outbox: neither a broker outage
nor a worker dying after the commit loses them), so that the import does not wait for them; in eager
mode (no broker) a failure of the opening is logged, never turned into a failed import."""

from django.dispatch import receiver

from households.signals import (
    application_completed,
    application_corrected,
    applications_imported,
    completion_withdrawn,
)
from nongzhuancheng.queue import enqueue

from . import services

OPEN_BULK_TASK = "entitlements.tasks.entitlements_open_bulk_task"

IMPORTED_PER_TASK = 2000  # applications (about 8,000 people, 80,000 records) a task opens


@receiver(application_completed, dispatch_uid="entitlements_open_on_completion")
def open_on_completion(sender, application, actor=None, **kwargs):
    services.entitlements_open(application=application, actor=actor)


@receiver(application_corrected, dispatch_uid="entitlements_follow_correction")
def follow_correction(sender, application, actor=None, changed=None, **kwargs):
    services.entitlements_follow_correction(application=application, actor=actor, changed=changed)


@receiver(applications_imported, dispatch_uid="entitlements_open_imported")
def open_imported(sender, application_ids, actor=None, **kwargs):
    ids = sorted(application_ids)
    actor_id = actor.pk if actor is not None else None
    for i in range(0, len(ids), IMPORTED_PER_TASK):
        enqueue(OPEN_BULK_TASK, ids[i:i + IMPORTED_PER_TASK], actor_id, robust=True)


@receiver(completion_withdrawn, dispatch_uid="entitlements_close_withdrawn")
def close_withdrawn(sender, application, actor=None, **kwargs):
    services.entitlements_close_withdrawn(application=application, actor=actor)
