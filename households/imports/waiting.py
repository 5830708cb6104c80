"""Why an import job waits, and its place in the imports queue (the job page and its status poll).

Imports have a Celery queue and worker of their own (``CELERY_TASK_ROUTES``), so a job waits only
behind other imports. A job waits from its upload (queued) or its confirmation (importing, nothing
written yet) until the worker picks it up and sets its phase. The counts cover every county: they
name no other job, only how many are ahead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from ..import_models import ImportJob

State = ImportJob.State
WAITING = Q(state=State.QUEUED) | Q(state__in=[State.CHECKING, State.IMPORTING], phase="")
WORKING = Q(state__in=[State.CHECKING, State.IMPORTING]) & ~Q(phase="")


@dataclass(frozen=True)
class Waiting:
    ahead: int  # jobs uploaded or confirmed earlier that the worker has not picked up yet
    working: int  # jobs the imports worker is working on now
    reason: str

    @property
    def place(self) -> int:
        """1 = the next job the worker picks up."""
        return self.ahead + 1


def import_job_waiting(job: ImportJob) -> Waiting | None:
    """None unless the job waits for the imports worker."""
    waits = job.state == State.QUEUED or (job.state in (State.CHECKING, State.IMPORTING) and not job.phase)
    if not waits:  # no query for a job the worker has taken or finished
        return None
    ahead = ImportJob.objects.filter(WAITING, pk__lt=job.pk).count()
    working = ImportJob.objects.filter(WORKING).count()
    if ahead:
        reason = _("导入队列中排在第 %(place)d 位：前面还有 %(ahead)d 个导入任务等待处理。") % {
            "place": ahead + 1, "ahead": ahead}
    elif working:
        reason = _("排在导入队列第 1 位：导入工作进程正在处理另外 %(n)d 个任务，完成后即处理本任务。") % {"n": working}
    else:
        reason = _("排在导入队列第 1 位，等待导入工作进程接手（导入有专用队列，不会排在其他种类的任务之后）。")
    return Waiting(ahead=ahead, working=working, reason=reason)
