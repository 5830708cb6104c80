"""Spreadsheet import pages: template, upload, preview, progress, import, error file.

Thin: every write goes through ``households.imports.jobs``; every job is fetched through
``ImportJob.objects.for_user`` (a job outside the user's scope answers 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nongzhuancheng.audit import AccessEvent, record
from nongzhuancheng.heartbeats import worker_absent
from nongzhuancheng.scoping import IMPORT_RUN, allows, require, scoped_view
from nongzhuancheng.workflow import TransitionNotAllowed

from .import_models import ImportJob
from .imports import jobs, limits
from .imports.waiting import import_job_waiting
from .imports.workbooks import import_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _job(request, pk):
    return get_object_or_404(ImportJob.objects.for_user(request.user).select_related("created_by"), pk=pk)


@scoped_view
@login_required
def start(request):
    """The upload form (writers) and the user's recent jobs (in scope)."""
    writer = allows(request.user, IMPORT_RUN)
    error = None
    if request.method == "POST":
        require(request.user, IMPORT_RUN)
        upload = request.FILES.get("file")
        if upload is None:
            error = _("请选择要上传的文件。")
        else:
            try:
                job = jobs.import_job_create(
                    actor=request.user, upload=upload, mode=request.POST.get("mode", ImportJob.Mode.ALL_OR_NOTHING)
                )
                jobs.import_job_start(job=job, actor=request.user, run=False)
                record(AccessEvent.Kind.IMPORT, request=request, subject=job.original_name,
                       detail={"job": job.pk, "step": "upload", "mode": job.mode})
                return redirect("imports:job", pk=job.pk)
            except limits.ImportRefused as exc:
                error = str(exc)
    recent = ImportJob.objects.for_user(request.user).select_related("created_by")[:20]
    return render(request, "households/import_start.html", {
        "writer": writer, "error": error, "jobs": recent, "modes": ImportJob.Mode.choices,
        "max_mb": round(limits.max_bytes() / 1048576, 1), "max_rows": limits.max_rows(),
    }, status=400 if error else 200)


@scoped_view  # the stations listed in the template are the user's (for_user)
@login_required
@require_GET
def template(request):
    body = import_template(user=request.user)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="nongzhuancheng-import-template.xlsx"'
    return response


@scoped_view
@login_required
@require_GET
def job_detail(request, pk):
    job = _job(request, pk)
    first = job.preview_rows or []
    has_header = bool(first) and first[0].get("header")
    return render(request, "households/import_job.html", {
        "job": job, "headers": first[0]["cells"] if has_header else [], "preview": first[1:] if has_header else first, "writer": allows(request.user, IMPORT_RUN), "waiting": import_job_waiting(job),
        "cancellable": job.state in ImportJob.WORKFLOW.moves["cancel"].sources,
        "worker_absent": job.is_running and worker_absent(),
    })


@scoped_view
@login_required
@require_GET
def job_status(request, pk):
    """What the progress bar polls."""
    job = _job(request, pk)
    waiting = import_job_waiting(job)
    return JsonResponse({
        "waiting": waiting.reason if waiting else "", "queue_place": waiting.place if waiting else None,
        "state": job.state, "state_label": job.get_state_display(), "phase": job.phase,
        "running": job.is_running, "percent": job.percent, "rows_total": job.rows_total,
        "rows_read": job.rows_read, "rows_written": job.rows_written, "rows_error": job.rows_error,
        "rows_skipped": job.rows_skipped, "message": job.message,
        "worker_absent": job.is_running and worker_absent(),
    })


@scoped_view
@login_required
@require_POST
def job_run(request, pk):
    job = _job(request, pk)
    try:
        jobs.import_job_start(job=job, actor=request.user, run=True)
        record(AccessEvent.Kind.IMPORT, request=request, subject=job.original_name,
               detail={"job": job.pk, "step": "run", "rows": job.rows_total})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise
    return redirect("imports:job", pk=job.pk)


@scoped_view
@login_required
@require_POST
def job_cancel(request, pk):
    job = _job(request, pk)
    try:
        jobs.import_job_cancel(job=job, actor=request.user)
    except TransitionNotAllowed:
        messages.error(request, _("该导入任务已经结束，不能取消。"))
    return redirect("imports:job", pk=job.pk)


@scoped_view
@login_required
@require_GET
def job_errors(request, pk):
    job = _job(request, pk)
    if not job.error_file:
        raise Http404
    record(AccessEvent.Kind.EXPORT, request=request, subject=f"import-errors-{job.pk}",
           detail={"job": job.pk, "rows": job.rows_error, "whole": True, "reason": "import errors"})
    return FileResponse(job.error_file.open("rb"), as_attachment=True, filename=f"errors-{job.pk}.xlsx",
                        content_type=XLSX)
