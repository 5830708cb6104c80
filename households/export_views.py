"""Exports of the applications and people lists (.xlsx or .csv): the list page's filters, the
user's scope, ID numbers masked unless the role may see them, formula cells neutralised.

Up to ``settings.NZC_EXPORT_INLINE_ROWS`` rows the file is built within the request; a larger export
becomes an ExportJob streamed by the exports worker, and the user is sent to its progress page."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from nongzhuancheng import params
from nongzhuancheng.exports import FORMATS, export_response
from nongzhuancheng.pagination import bounded_count
from nongzhuancheng.scoping import ID_EXPORT_WHOLE, require, scoped_view

from . import export_jobs
from .export_lists import APPLICATION_COLUMNS, PERSON_COLUMNS, export_rows
from .export_models import ExportJob
from .forms import ApplicationExportParams

__all__ = ["APPLICATION_COLUMNS", "PERSON_COLUMNS"]


def _params(request):
    """(filters for application_list, format) read through the list page's form: a bad one is a 400."""
    form = ApplicationExportParams(request.GET, user=request.user)
    params.cleaned(form)
    filters = form.filters()
    return filters, filters.pop("format", None) or "xlsx"


def _export(request, kind, *, whole_reason=""):
    """Small exports in the request; large ones (over NZC_EXPORT_INLINE_ROWS) become a background job
    for the user who asked. Whole-ID exports (a reason typed) are always made in the request, logged."""
    filters, fmt = _params(request)
    rows, columns = export_rows(user=request.user, kind=kind, filters=filters)
    if not whole_reason and fmt in FORMATS and not bounded_count(rows, settings.NZC_EXPORT_INLINE_ROWS)[1]:
        raw = {k: v for k, v in request.GET.items() if k != "format"}  # checked above
        job = export_jobs.export_job_create(user=request.user, kind=kind, file_format=fmt, filters=raw)
        return redirect("imports:export_job", pk=job.pk)
    return export_response(rows.iterator(chunk_size=2000), columns, fmt=fmt, filename=kind, user=request.user,
                           sheet_title=kind, request=request, count=rows.count(), whole_reason=whole_reason)



@scoped_view
@login_required
@require_GET
def export_applications(request):
    return _export(request, "applications")


@scoped_view
@login_required
@require_http_methods(["GET", "POST"])
def export_people(request):
    """Masked by GET; whole ID numbers by POST with a reason typed, for roles granted ID_EXPORT_WHOLE."""
    reason = ""
    if request.method == "POST":
        require(request.user, ID_EXPORT_WHOLE)
        reason = (request.POST.get("reason") or "").strip()
        if len(reason) < 4:
            return HttpResponseBadRequest(_("导出完整身份号码须填写事由。"), content_type="text/plain; charset=utf-8")
    return _export(request, "people", whole_reason=reason)


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
