"""Asking a Celery worker for work: the one place services hand a task over.

Services name the task (``"households.tasks.import_run_task"``) instead of importing the tasks
module, so arrows point one way: tasks import services, services never import tasks.

With a broker (``REDIS_URL``) the task is written to the transactional outbox (``OutboxMessage``) in
the current transaction, so it is kept exactly when the change that needs it is kept; after commit it
is sent at once, and if the broker is unreachable then, ``nongzhuancheng.outbox.outbox_dispatch``
(Celery beat, every few seconds) sends it once the broker is back. With ``CELERY_TASK_ALWAYS_EAGER``
(the embedded default) the task runs in the same process once the transaction commits.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction

from .outbox import outbox_send, registered_task


def enqueue(task_name: str, *args: Any, robust: bool = False, **kwargs: Any) -> None:
    """Run the registered task ``task_name`` with these arguments (JSON values: ids, dates as text)
    once the current transaction commits. ``robust`` (eager mode only): a failure of the task is
    logged, not raised; with a broker a failure to send is never raised (the outbox keeps it)."""
    from .celery import app
    from .models import OutboxMessage

    task = registered_task(task_name)
    if app.conf.task_always_eager:
        transaction.on_commit(partial(task.delay, *args, **kwargs), robust=robust)
        return
    message = OutboxMessage.objects.create(task_name=task_name, args=list(args), kwargs=kwargs)
    transaction.on_commit(partial(outbox_send, message_id=message.pk), robust=True)
