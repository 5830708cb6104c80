"""The Celery app and the beat schedule."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nongzhuancheng.settings")

app = Celery("nongzhuancheng", task_cls="nongzhuancheng.outbox:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Ten-day bulletins (旬报): after midnight on the 1st, 11th and 21st, for the period just ended.
app.conf.beat_schedule = {
    "bulletin-for-period-just-ended": {
        "task": "reports.tasks.bulletin_issue_for_last_period_task",
        "schedule": crontab(minute=15, hour=0, day_of_month="1,11,21"),
    },
    "completion-rollup-check": {  # the summary tables against the raw rows, repaired if they drift
        "task": "households.tasks.rollup_check_task",
        "schedule": crontab(minute=40, hour=2),
    },
    "entitlement-rollup-check": {  # the records' summary tables against the records, repaired if they drift
        "task": "entitlements.tasks.rollup_check_task",
        "schedule": crontab(minute=50, hour=2),
    },
    "export-files-past-their-time": {
        "task": "households.tasks.export_jobs_expire_task",
        "schedule": crontab(minute=5),
    },
    "quality-scan": {  # data-quality rules and probable duplicates over everyone (quality.services)
        "task": "quality.tasks.quality_scan_task",
        "schedule": crontab(minute=10, hour=3),
    },
    # The transactional outbox: what could not be sent when it was written (the broker was down).
    "outbox-dispatch": {"task": "nongzhuancheng.tasks.outbox_dispatch_task", "schedule": 5.0},
    # Imports, exports and bulletins whose worker died (no heartbeat) are failed with a message the
    # user sees.
    "import-jobs-reap": {"task": "households.tasks.import_jobs_reap_task", "schedule": 20.0},
    "export-jobs-reap": {"task": "households.tasks.export_jobs_reap_task", "schedule": 20.0},
    "bulletins-reap": {"task": "reports.tasks.bulletins_reap_task", "schedule": 20.0},
}
