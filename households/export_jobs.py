"""Background exports: ask, stream into a file on the exports worker, offer it, expire it.

The worker reads the rows in the asker's scope, always masked (whole ID numbers leave only by the POST
export with a reason, made in the request and logged), through a server-side cursor and without model instances
(``nongzhuancheng.exports.stream_table``; a CSV on PostgreSQL by ``COPY … TO STDOUT`` with the cells
computed in SQL, ``exports.copy_csv``), so a county's 360,000 people take seconds, not minutes, and no
request waits for them.
"""

from __future__ import annotations

import datetime
import logging
import os
import tempfile
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from nongzhuancheng.exports import FORMATS, copy_csv, stream_table, write_file
from nongzhuancheng.heartbeats import beating
from nongzhuancheng.queue import enqueue
from nongzhuancheng.workflow import Move, TransitionNotAllowed, transition

from .export_lists import export_rows
from .export_models import ExportJob

RUN_TASK = "households.tasks.export_job_run_task"
logger = logging.getLogger(__name__)


def export_job_create(*, user: Any, kind: str, file_format: str, filters: dict[str, Any]) -> ExportJob:
    """Record the export a user asks for and hand it to the exports worker."""
    if kind not in ExportJob.Kind.values or file_format not in FORMATS:
        raise ValueError(f"unknown export {kind!r}.{file_format!r}")
    job = ExportJob.objects.create(created_by=user, kind=kind, file_format=file_format, filters=dict(filters))
    enqueue(RUN_TASK, job.pk)
    return job


def _move(job: ExportJob | int, move: str, apply: Any = None) -> ExportJob:
    def applied(row: ExportJob, _move: Move) -> list[str]:
        return list(apply(row)) if apply is not None else []

    return transition(workflow=ExportJob.WORKFLOW, move=move, obj=job, queryset=ExportJob.objects, apply=applied)


class _SideProgress:
    """Writes a job's ``rows_written`` through a second database connection (opened at the first
    report): while PostgreSQL streams a ``COPY … TO STDOUT``, the job's own connection can run
    nothing else. Outside a transaction (the worker) the count is seen at once by the job's page."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.side: Any = None

    def __call__(self, written: int) -> None:
        if self.side is None:
            self.side = connection.copy()
        table = connection.ops.quote_name(ExportJob._meta.db_table)
        with self.side.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET rows_written = %s WHERE id = %s", [written, self.job_id])

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Write the job's file (safe to run twice: a finished job is left alone)."""
    job = ExportJob.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None or not job.is_running:
        return job
    user = job.created_by
    rows, columns = export_rows(user=user, kind=job.kind, filters=job.filters)
    total = rows.order_by().count()

    def started(row: ExportJob) -> list[str]:
        row.rows_total, row.rows_written, row.message = total, 0, ""
        row.heartbeat_at = timezone.now()
        return ["rows_total", "rows_written", "message", "heartbeat_at"]

    job = _move(job, "start", started)

    side = _SideProgress(job.pk)

    def progress(written: int) -> None:
        if job.file_format == "csv":  # the job's connection is busy streaming COPY: a second one writes
            side(written)
        else:
            ExportJob.objects.filter(pk=job.pk).update(rows_written=written, heartbeat_at=timezone.now())

    handle, path = tempfile.mkstemp(suffix="." + job.file_format)
    os.close(handle)
    try:
        # background exports are always masked; a CSV on PostgreSQL is written by COPY (the cells in SQL)
        with beating(ExportJob.objects.filter(pk=job.pk)):
            written = copy_csv(path, rows, columns, full_ids=False, progress=progress) if job.file_format == "csv" else None
            if written is None:
                table = stream_table(rows, columns, full_ids=False)
                written = write_file(path, table, job.file_format, sheet_title=job.kind, progress=progress)
        now = timezone.now()

        def finished(row: ExportJob) -> list[str]:
            with open(path, "rb") as fh:
                row.file.save(f"{row.kind}-{row.pk}.{row.file_format}", File(fh), save=False)
            row.rows_written, row.rows_total = written, max(written, row.rows_total)
            row.finished_at = now
            row.expires_at = now + datetime.timedelta(hours=settings.NZC_EXPORT_KEEP_HOURS)
            return ["file", "rows_written", "rows_total", "finished_at", "expires_at"]

        return _move(job, "finish", finished)
    except Exception as exc:
        reason = exc.__class__.__name__

        def failed(row: ExportJob) -> list[str]:
            row.message, row.finished_at = _("导出失败：%(e)s") % {"e": reason}, timezone.now()
            return ["message", "finished_at"]

        _move(job, "fail", failed)
        raise
    finally:
        side.close()
        os.unlink(path)


def export_jobs_reap(*, now: datetime.datetime | None = None) -> list[int]:
    """Fail the running exports whose worker died (no heartbeat for NZC_JOB_STALE_SECONDS), with a
    message the user sees; the export page offers to ask again. A job still waiting for a worker is
    left waiting. Returns the ids failed."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.NZC_JOB_STALE_SECONDS)
    reaped = []
    for pk in ExportJob.objects.filter(state=ExportJob.State.RUNNING, heartbeat_at__lt=stale).values_list(
            "pk", flat=True):
        def failed(row: ExportJob) -> list[str]:
            row.message = _("处理该导出的后台进程意外中止，没有生成文件。请重新导出。")
            row.finished_at = now
            return ["message", "finished_at"]

        try:
            _move(pk, "fail", failed)
        except TransitionNotAllowed:
            continue  # finished meanwhile
        reaped.append(pk)
        logger.warning("export job %s: no heartbeat, failed", pk)
    return reaped


def export_job_ready(*, job: ExportJob, now: datetime.datetime | None = None) -> bool:
    """The file may be downloaded (by its asker: callers fetch the job through ``for_user``)."""
    now = now or timezone.now()
    return bool(job.state == ExportJob.State.DONE and job.file and job.expires_at and job.expires_at > now)


def export_jobs_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of exports past their time and mark them expired; returns how many."""
    now = now or timezone.now()
    done = 0
    for job in ExportJob.objects.filter(state__in=[ExportJob.State.DONE, ExportJob.State.FAILED],
                                        expires_at__lte=now):
        def expired(row: ExportJob) -> list[str]:
            if row.file:
                row.file.delete(save=False)
            return ["file"]

        _move(job, "expire", expired)
        done += 1
    return done
