"""Exports of the applications and people lists (.xlsx or .csv): the list page's filters, the
user's scope, ID numbers masked unless the role may see them, formula cells neutralised."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from nongzhuancheng import params
from nongzhuancheng.exports import Column, export_response
from nongzhuancheng.scoping import ID_EXPORT_WHOLE, require, scoped_view

from .forms import ApplicationExportParams
from .models import Person
from .selectors import application_list

APPLICATION_COLUMNS = [
    Column(_("申请编号"), "number"),
    Column(_("县区"), "county.name"),
    Column(_("受理派出所"), lambda a: str(a.station.name)),
    Column(_("派出所编号"), "station.code"),
    Column(_("户号"), "household.number"),
    Column(_("户主姓名"), "household.head_name"),
    Column(_("人数"), "member_count"),
    Column(_("状态"), "get_status_display"),
    Column(_("受理日期"), "received_on"),
    Column(_("办结时限"), "due_on"),
    Column(_("办结日期"), "completed_on"),
]

# The same headers as the import template, so an export of people can be fixed and imported again.
PERSON_COLUMNS = [
    Column(_("县区"), "county.name"),
    Column(_("派出所编号"), "station.code"),
    Column(_("户号"), "household.number"),
    Column(_("户别"), "household.get_kind_display"),
    Column(_("户主姓名"), "household.head_name"),
    Column(_("乡镇"), "household.township"),
    Column(_("村（社区）"), "household.village"),
    Column(_("住址"), "household.address"),
    Column(_("姓名"), "name"),
    Column(_("公民身份号码"), "id_number", id_number=True),
    Column(_("性别"), "get_sex_display"),
    Column(_("出生日期"), "birth_date", birth_date=True),
    Column(_("民族"), "get_ethnicity_display"),
    Column(_("文化程度"), "get_education_display"),
    Column(_("婚姻状况"), "get_marital_status_display"),
    Column(_("与户主关系"), "get_relation_display"),
    Column(_("联系电话"), "phone"),
    Column(_("职业"), "occupation"),
    Column(_("转户类别"), "get_category_display"),
    Column(_("迁入城镇地址"), "destination_address"),
    Column(_("办理状态"), "application.get_status_display"),
    Column(_("受理日期"), "application.received_on"),
    Column(_("办结日期"), "application.completed_on"),
    Column(_("申请编号"), "application.number"),
]


def _params(request):
    """(filters for application_list, format) read through the list page's form: a bad one is a 400."""
    form = ApplicationExportParams(request.GET, user=request.user)
    params.cleaned(form)
    filters = form.filters()
    return filters, filters.pop("format", None) or "xlsx"


@scoped_view
@login_required
@require_GET
def export_applications(request):
    filters, fmt = _params(request)
    rows = application_list(user=request.user, filters=filters).annotate(member_count=Count("members"))
    return export_response(rows.iterator(chunk_size=2000), APPLICATION_COLUMNS, fmt=fmt,
                           filename="applications", user=request.user, sheet_title="applications",
                           request=request, count=rows.count())


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
    filters, fmt = _params(request)
    applications = application_list(user=request.user, filters=filters)
    rows = (
        Person.objects.for_user(request.user)
        .filter(application__in=applications.values("pk"))
        .select_related("application", "household", "station", "county")
        .order_by("application_id", "id")
    )
    if filters.get("category"):
        rows = rows.filter(category=filters["category"])
    return export_response(rows.iterator(chunk_size=2000), PERSON_COLUMNS, fmt=fmt,
                           filename="people", user=request.user, sheet_title="people",
                           request=request, count=rows.count(), whole_reason=reason)
