"""The whole path of a file (``import_file``) and the ImportJob that runs it for an upload.

A job is kept at upload (``import_job_create``), its check is started (``import_job_start`` with
``run=False``: the preview, which writes nothing) and, once checked, the user confirms the import
(``run=True``). Small files run in the request; larger ones in a Celery task, asked for by name
(``nongzhuancheng.queue.enqueue``), so that this package never imports ``households.tasks``.
Every change of the job's state is a move of ``ImportJob.WORKFLOW`` made by ``job_move``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nongzhuancheng.queue import enqueue
from nongzhuancheng.roles import CLERK, COUNTY_OFFICER
from nongzhuancheng.scoping import IMPORT_RUN, assignment_of, require, role_of
from nongzhuancheng.workflow import Move, TransitionNotAllowed, transition

from ..import_models import ImportJob
from ..models import TransferApplication
from ..signals import applications_imported
from ..validation import duplicate_message
from . import validated
from .limits import ImportRefused, import_file_check, inline_bytes, size_check
from .reading import read_rows
from .validation import Result, import_validate
from .workbooks import error_rows_file, preview_of
from .writer import import_write, timed

State = ImportJob.State
PREVIEW_ERROR_ROWS = 500  # error rows the preview lists whole; it counts the rest (the error file has all)
logger = logging.getLogger(__name__)


# The whole path -----------------------------------------------------------------------------------

def import_file(*, actor: Any, name: str, data: bytes, mode: str, dry_run: bool = False,
                progress: Callable[..., None] | None = None) -> Result:
    """Check, read, validate and (unless ``dry_run``) write a file. Returns a Result.

    Raises ImportRefused for a problem with the file as a whole, PermissionDenied for a read-only role."""
    require(actor, IMPORT_RUN)
    fmt = import_file_check(name=name, data=data)
    t0 = time.perf_counter()
    headers, rows, estimate = read_rows(fmt, data)
    if progress:
        progress(rows_total=estimate, phase="checking")
    result = Result()
    result.timings["read"] += time.perf_counter() - t0
    result, groups = import_validate(actor=actor, headers=headers, rows=rows, progress=progress, result=result)
    result.groups = groups
    if dry_run:
        return result
    _write_checked(actor=actor, name=name, mode=mode, groups=groups, result=result, progress=progress)
    return result


def import_validated(*, actor: Any, name: str, mode: str, groups: list, result: Result,
                     progress: Callable[..., None] | None = None) -> Result:
    """Write what a preview validated (``validated.load``), re-checking only what can have changed
    since: households registered meanwhile, and claims on the ID numbers (inside the writing
    transaction: a claim made since refuses the import, ImportRefused)."""
    require(actor, IMPORT_RUN)
    t0 = time.perf_counter()
    validated.households_since(groups)
    result.households_new = sum(1 for g in groups if g.household["id"] is None)
    result.timings["validate"] += time.perf_counter() - t0
    _write_checked(actor=actor, name=name, mode=mode, groups=groups, result=result, progress=progress,
                   recheck_claims=True)
    return result


def _write_checked(*, actor: Any, name: str, mode: str, groups: list, result: Result,
                   progress: Callable[..., None] | None, recheck_claims: bool = False) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        if result.rows_error and mode == ImportJob.Mode.ALL_OR_NOTHING:
            result.refused = True
            result.message = _("有 %(n)d 行错误。按“全部或全不”方式，本次没有导入任何数据；请改正错误行后重新上传。") % {
                "n": result.rows_error}
            return
        if not groups:
            result.message = _("没有需要导入的新数据。")
            return
        _write(actor=actor, name=name, groups=groups, result=result, progress=progress,
               recheck_claims=recheck_claims)


def _claims_refusal(holders: list) -> ImportRefused:
    return ImportRefused(
        _("检查之后，文件中有 %(n)s 个身份号码已被登记（%(first)s），本次没有导入任何数据。请重新上传检查。") % {
            "n": f"{len(holders)}" if len(holders) < 10 else _("至少 10"), "first": duplicate_message(holders[0])}
    )


def _write(*, actor: Any, name: str, groups: list, result: Result, progress: Callable[..., None] | None,
           recheck_claims: bool = False) -> None:
    """Write the good rows in one transaction; announce the completed applications after the commit."""
    note = _("表格导入：%(f)s") % {"f": name}
    t0 = time.perf_counter()
    if progress:
        progress(phase="writing")
    completed_ids: list[int] = []
    try:
        with timed(result.timings, "write_commit"), transaction.atomic():
            if recheck_claims:  # what a preview validated: only the claims can have changed since
                with timed(result.timings, "claims_recheck"):
                    holders = validated.claims_since(groups)
                if holders:
                    raise _claims_refusal(holders)
            result.rows_written = import_write(actor=actor, groups=groups, note=note[:200], progress=progress,
                                               timings=result.timings, completed_ids=completed_ids)
            if completed_ids:
                # inside the import's transaction: the receivers' work (entitlements: Celery tasks)
                # is written to the outbox with the rows, so a worker dying after the commit loses none
                with timed(result.timings, "announce"):
                    _announce(actor, completed_ids)
            if progress:  # the last report before the commit: a job cancelled meanwhile rolls back
                progress(rows_written=result.rows_written)
    except IntegrityError:
        raise ImportRefused(
            _("导入期间有其他人员登记了相同的身份号码或户号，本次没有导入任何数据。请重新上传检查。")
        ) from None
    result.timings["write"] = time.perf_counter() - t0
    result.written = True
    result.message = _("已导入 %(p)d 人（%(a)d 份申请，新建 %(h)d 户）。") % {
        "p": result.rows_written, "a": result.applications_new, "h": result.households_new}


def _announce(actor: Any, completed_ids: list[int]) -> None:
    """applications_imported, sent inside the import's transaction. The receivers only queue their
    work (``nongzhuancheng.queue.enqueue``: an outbox row in this transaction, sent after the commit);
    a receiver that cannot queue it fails the import, which then writes nothing: the rows are never
    kept without the work they need."""
    applications_imported.send(sender=TransferApplication, application_ids=completed_ids, actor=actor)


# The job's state ----------------------------------------------------------------------------------

def job_move(job: ImportJob | int, move: str, *, actor: Any = None,
             apply: Callable[[ImportJob], Iterable[str]] | None = None) -> ImportJob:
    """Make a move of ``ImportJob.WORKFLOW``: the one writer of a job's state. ``apply(job)`` sets
    what the move changes besides the state and returns those fields' names. System moves have no
    actor; the user's moves (start, confirm) check the policy and fetch the job through the scope."""

    def applied(row: ImportJob, _move: Move) -> Iterable[str]:
        return apply(row) if apply is not None else ()

    return transition(workflow=ImportJob.WORKFLOW, move=move, obj=job, queryset=ImportJob.objects,
                      actor=actor, apply=applied)


def _progress_reset(job: ImportJob) -> list[str]:
    job.phase = ""
    job.rows_read = job.rows_written = 0
    job.heartbeat_at = None  # waiting for a worker again
    job.queued_at = timezone.now()
    return ["phase", "rows_read", "rows_written", "heartbeat_at", "queued_at"]


# Jobs ---------------------------------------------------------------------------------------------

def import_job_create(*, actor: Any, upload: Any, mode: str) -> ImportJob:
    """Keep an uploaded file as a job (refuses a bad file at once with ImportRefused)."""
    require(actor, IMPORT_RUN)
    if mode not in ImportJob.Mode.values:
        raise ImportRefused(_("请选择导入方式。"))
    size_check(upload.size)
    data = upload.read()
    name = (upload.name or "upload").rsplit("/", 1)[-1][:200]
    fmt = import_file_check(name=name, data=data)
    # the place the job belongs to (who else sees it): a clerk's station, a county officer's county
    role, assignment = role_of(actor), assignment_of(actor)
    job = ImportJob(
        created_by=actor, original_name=name, file_format=fmt, mode=mode,
        county_id=assignment.county_id if assignment and role in (CLERK, COUNTY_OFFICER) else None,
        station_id=assignment.station_id if assignment and role == CLERK else None,
    )
    job.file.save(f"upload.{fmt}", ContentFile(data), save=False)
    job.save()
    return job


def import_job_start(*, job: ImportJob, actor: Any, run: bool) -> ImportJob:
    """Start the check of a new job (``run=False``) or confirm the import of a checked one
    (``run=True``): small files at once, large ones in a Celery task enqueued on commit. Returns the job.
    Both are the user's moves: the policy (IMPORT_RUN) and the job's scope are checked by the move."""
    if run and job.state == State.CHECKED and not job.confirmable:
        # all-or-nothing with an error row can only refuse: nothing to confirm
        raise ValidationError(_preview_message(job))
    try:
        job = job_move(job, "confirm" if run else "start", actor=actor, apply=_progress_reset)
    except TransitionNotAllowed:
        if run:
            raise ValidationError(_("只有检查完成的文件可以导入。")) from None
        raise
    if job.file.size <= inline_bytes():
        (import_job_run if run else import_job_check)(job_id=job.pk)
        job.refresh_from_db()
        return job
    enqueue("households.tasks.import_job_run_task" if run else "households.tasks.import_job_check_task", job.pk)
    return job


def import_job_check(*, job_id: int) -> ImportJob:
    """The preview: read and validate everything, write nothing. Safe to run twice."""
    return _job_execute(job_id, dry_run=True)


def import_job_run(*, job_id: int) -> ImportJob:
    """The import itself: what the preview validated (only the claims on ID numbers are checked
    again, in the writing transaction), then the write. Safe to run twice: a finished job is left
    alone, and rows already imported are skipped."""
    return _job_execute(job_id, dry_run=False)


class ImportCancelled(Exception):
    """The user cancelled the job while it ran: the import stops and its transaction rolls back."""


class _JobProgress:
    """Writes a job's counters and heartbeat where other connections can read them, even from inside
    the import's transaction (a second connection on PostgreSQL; on SQLite, which has one writer, only
    outside it), and stops the job (ImportCancelled) once the user has cancelled it."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.side: BaseDatabaseWrapper | None = None

    def __call__(self, **fields: Any) -> None:
        fields["heartbeat_at"] = timezone.now()
        table = connection.ops.quote_name(ImportJob._meta.db_table)
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(**fields)
            state = ImportJob.objects.filter(pk=self.job_id).values_list("state", flat=True).first()
        elif connection.vendor != "postgresql":  # one writer: read the state only
            state = ImportJob.objects.filter(pk=self.job_id).values_list("state", flat=True).first()
        else:
            if self.side is None:
                self.side = connection.copy()
            sets = ", ".join(f"{connection.ops.quote_name(k)} = %s" for k in fields)
            with self.side.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET {sets} WHERE id = %s RETURNING state",
                               [*fields.values(), self.job_id])
                row = cursor.fetchone()
            # read committed: the import's own connection sees a cancel committed by another
            state = row[0] if row else ImportJob.objects.filter(pk=self.job_id).values_list("state", flat=True).first()
        if state == State.CANCELLED:
            raise ImportCancelled

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def _job_execute(job_id: int, *, dry_run: bool) -> ImportJob:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state not in ((State.QUEUED, State.CHECKING) if dry_run else (State.IMPORTING,)):
        return job  # already done (a task delivered twice)
    if dry_run:
        job_move(job, "check", apply=_beat)
    else:
        ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    progress = _JobProgress(job.pk)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            checked = None if dry_run else _validated_of(job)
            if checked is not None:  # the confirm writes what the preview validated
                result = import_validated(actor=job.created_by, name=job.original_name, mode=job.mode,
                                          groups=checked[0], result=checked[1], progress=progress)
            else:
                with job.file.open("rb") as f:
                    data = f.read()
                result = import_file(
                    actor=job.created_by, name=job.original_name, data=data, mode=job.mode, dry_run=dry_run,
                    progress=progress,
                )
        except (ImportRefused, PermissionDenied) as exc:
            return _final_move(job, "fail", apply=partial(_failed, message=str(exc)))
        except ImportCancelled:
            job.refresh_from_db()
            return job
        except Exception:
            _fail_quietly(job)
            raise
        finally:
            progress.close()
        if dry_run:
            return _final_move(job, "checked", apply=partial(_outcome, result=result, final=False))
        return _final_move(job, "refuse" if result.refused else "finish",
                           apply=partial(_outcome, result=result, final=True))


def _validated_of(job: ImportJob) -> tuple[list, Result] | None:
    """What the job's preview validated (``validated.load``), or None (validate the file again)."""
    if not job.validated_file:
        return None
    t0 = time.perf_counter()
    with job.validated_file.open("rb") as f:
        checked = validated.load(f.read())
    if checked is not None:
        checked[1].timings["read"] += time.perf_counter() - t0
    return checked


def _final_move(job: ImportJob, move: str, *, apply: Callable[[ImportJob], Iterable[str]]) -> ImportJob:
    """The worker's last move; a job cancelled (or reaped) meanwhile is left as it is."""
    try:
        return job_move(job, move, apply=apply)
    except TransitionNotAllowed:
        job.refresh_from_db()
        logger.warning("import job %s: %s refused in state %s", job.pk, move, job.state)
        return job


def _beat(job: ImportJob) -> list[str]:
    job.heartbeat_at = timezone.now()
    return ["heartbeat_at"]


def import_job_cancel(*, job: ImportJob, actor: Any) -> ImportJob:
    """The user stops a job that waits or runs: a queued task finds it cancelled and does nothing,
    a running one stops at its next progress report and its transaction rolls back."""
    def cancelled(row: ImportJob) -> list[str]:
        row.phase, row.finished_at = "", timezone.now()
        row.message = _("已取消，没有导入任何数据。")
        return ["phase", "finished_at", "message", *_drop_validated(row)]

    return job_move(job, "cancel", actor=actor, apply=cancelled)


def import_jobs_reap(*, now: Any = None) -> list[int]:
    """Fail the running jobs whose worker died (no heartbeat for NZC_JOB_STALE_SECONDS), with a
    message the user sees. A job waiting for a worker (never started) is left waiting."""
    import datetime

    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.NZC_JOB_STALE_SECONDS)
    dead = list(ImportJob.objects.filter(
        state__in=(State.CHECKING, State.IMPORTING), heartbeat_at__lt=stale).values_list("pk", flat=True))
    reaped = []
    for pk in dead:
        with translation.override(settings.LANGUAGE_CODE):
            message = _("处理该文件的后台进程意外中止，没有导入任何数据。请重新上传该文件。")
            job = _final_move(ImportJob.objects.get(pk=pk), "fail", apply=partial(_failed, message=message))
        if job.state == State.FAILED:
            reaped.append(pk)
            logger.warning("import job %s: no heartbeat since %s, failed", pk, job.heartbeat_at)
    return reaped


def _failed(job: ImportJob, *, message: str) -> list[str]:
    job.message, job.phase, job.finished_at = message, "", timezone.now()
    return ["message", "phase", "finished_at", *_drop_validated(job)]


def _drop_validated(job: ImportJob) -> list[str]:
    """A job that ends (done, failed, cancelled) no longer needs what its preview validated."""
    if not job.validated_file:
        return []
    job.validated_file.delete(save=False)
    return ["validated_file"]


def _fail_quietly(job: ImportJob) -> None:
    """An unexpected error: the job fails with a plain message; the error itself goes on up."""
    try:
        job_move(job, "fail", apply=partial(_failed, message=_("导入时发生内部错误，没有导入任何数据。请联系管理员。")))
    except Exception:
        logger.exception("import job %s: could not record the failure", job.pk)


def _outcome(job: ImportJob, *, result: Result, final: bool) -> list[str]:
    """A job's counters, errors and message from the Result of its check (or of its import, ``final``)."""
    job.rows_total = result.rows_read
    job.rows_read, job.rows_error, job.rows_skipped = result.rows_read, result.rows_error, result.rows_skipped
    job.rows_written = result.rows_written
    job.households_new, job.people_new = result.households_new, result.people_new
    job.applications_new = result.applications_new
    job.errors = [e.as_dict() for e in result.errors]
    job.preview_rows, job.error_rows = preview_of(result, error_rows=PREVIEW_ERROR_ROWS)
    job.timings = {k: round(v, 3) for k, v in result.timings.items()}
    job.phase = ""
    fields = ["rows_total", "rows_read", "rows_error", "rows_skipped", "rows_written", "households_new",
              "people_new", "applications_new", "errors", "preview_rows", "error_rows", "timings", "phase", "message"]
    if result.bad_rows:
        job.error_file.save(f"errors-{job.pk}.xlsx", ContentFile(error_rows_file(result)), save=False)
        fields.append("error_file")
    if final:
        job.message = result.message
        job.finished_at = timezone.now()
        fields.append("finished_at")
        fields += _drop_validated(job)  # written (or refused): not needed any more
    else:
        job.message = _preview_message(job)
        if job.people_new and not (job.rows_error and job.mode == ImportJob.Mode.ALL_OR_NOTHING):
            # what the confirm will write, so that it need not validate again
            job.validated_file.save(f"validated-{job.pk}.json.gz", ContentFile(validated.dump(result.groups, result)),
                                    save=False)
            fields.append("validated_file")
    return fields


def _preview_message(job: ImportJob) -> str:
    if job.rows_error and job.mode == ImportJob.Mode.ALL_OR_NOTHING:
        return _("有 %(n)d 行错误。按“全部或全不”方式导入将不会写入任何数据；请下载错误行，改正后重新上传。") % {
            "n": job.rows_error}
    if not job.people_new:
        return _("没有需要导入的新数据。")
    return _("可以导入：将新建 %(h)d 户、%(a)d 份申请、%(p)d 人。") % {
        "h": job.households_new, "a": job.applications_new, "p": job.people_new}
