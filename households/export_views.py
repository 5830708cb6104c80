"""Exports of the applications and people lists (.xlsx or .csv): the list page's filters, the
user's scope, ID numbers masked unless the role may see them, formula cells neutralised.

Up to ``settings.NZC_EXPORT_INLINE_ROWS`` rows the file is built within the request; a larger export
becomes an ExportJob streamed by the exports worker, and the user is sent to its progress page."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from nongzhuancheng.exports import FORMATS, export_response
from nongzhuancheng.pagination import bounded_count
from nongzhuancheng.scoping import scoped_view

from . import export_jobs
from .export_lists import APPLICATION_COLUMNS, PERSON_COLUMNS, export_rows
from .export_models import ExportJob

__all__ = ["APPLICATION_COLUMNS", "PERSON_COLUMNS"]


def _format(request):
    return request.GET.get("format", "xlsx")


def _export(request, kind):
    fmt = _format(request)
    rows, columns = export_rows(user=request.user, kind=kind, filters=request.GET)
    if fmt in FORMATS and not bounded_count(rows, settings.NZC_EXPORT_INLINE_ROWS)[1]:
        filters = {k: v for k, v in request.GET.items() if k != "format"}
        job = export_jobs.export_job_create(user=request.user, kind=kind, file_format=fmt, filters=filters)
        return redirect("imports:export_job", pk=job.pk)
    return export_response(rows.iterator(chunk_size=2000), columns, fmt=fmt,
                           filename=kind, user=request.user, sheet_title=kind)


@scoped_view
@login_required
@require_GET
def export_applications(request):
    return _export(request, "applications")


@scoped_view
@login_required
@require_GET
def export_people(request):
    return _export(request, "people")


def _job(request, pk):
    job = ExportJob.objects.for_user(request.user).filter(pk=pk).first()
    if job is None:  # someone else's export answers like one that does not exist
        raise Http404
    return job


@scoped_view
@login_required
@require_GET
def export_job_detail(request, pk):
    return render(request, "households/export_job.html", {"job": _job(request, pk)})


@scoped_view
@login_required
@require_GET
def export_job_status(request, pk):
    """What the progress bar polls."""
    job = _job(request, pk)
    return JsonResponse({
        "state": job.state, "state_label": job.get_state_display(), "running": job.is_running,
        "percent": job.percent, "rows_total": job.rows_total, "rows_written": job.rows_written,
        "message": job.message, "ready": export_jobs.export_job_ready(job=job),
    })


@scoped_view
@login_required
@require_GET
def export_job_download(request, pk):
    job = _job(request, pk)
    if not export_jobs.export_job_ready(job=job):
        raise Http404
    stamp = job.finished_at.strftime("%Y%m%d-%H%M")
    return FileResponse(job.file.open("rb"), as_attachment=True, content_type=FORMATS[job.file_format],
                        filename=f"{job.kind}-{stamp}.{job.file_format}")
