"""Asking a Celery worker for work: the one place services hand a task over.

Services name the task (``"households.tasks.import_run_task"``) instead of importing the tasks
module, so arrows point one way: tasks import services, services never import tasks. The task is
sent after the transaction that needs it commits; with ``CELERY_TASK_ALWAYS_EAGER`` (the embedded
default) it runs in the same process at that moment.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.db import transaction


def enqueue(task_name: str, *args: Any, robust: bool = False, **kwargs: Any) -> None:
    """Run the registered task ``task_name`` with these arguments once the current transaction
    commits (at once outside a transaction). ``robust``: a failure to send is logged, not raised."""
    from nongzhuancheng.celery import app

    importlib.import_module(task_name.rsplit(".", 1)[0])  # registers the task (the worker loads them all)
    task = app.tasks[task_name]

    def send() -> None:
        task.delay(*args, **kwargs)

    transaction.on_commit(send, robust=robust)
