"""What the exports of the applications and people lists hold: their columns and their rows, the
list page's filters in the user's scope. Shared by the exports built in the request
(``export_views``) and those streamed by the worker (``export_jobs``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from nongzhuancheng.exports import Column, visible_columns
from nongzhuancheng.scoping import APPLICATION, HOUSEHOLD, PERSON

from .models import Person
from .selectors import APPLICATION_SORTS, application_list, member_count, sort_of

APPLICATION_COLUMNS = [
    Column(_("申请编号"), "number", field=(APPLICATION, "number")),
    Column(_("县区"), "county.name"),
    Column(_("受理派出所"), "station.name"),
    Column(_("派出所编号"), "station.code"),
    Column(_("户号"), "household.number", field=(HOUSEHOLD, "number")),
    Column(_("户主姓名"), "household.head_name", field=(HOUSEHOLD, "head_name")),
    Column(_("人数"), "member_count"),
    Column(_("状态"), "get_status_display", field=(APPLICATION, "status")),
    Column(_("受理日期"), "received_on", field=(APPLICATION, "received_on")),
    Column(_("办结时限"), "due_on", field=(APPLICATION, "due_on")),
    Column(_("办结日期"), "completed_on", field=(APPLICATION, "completed_on")),
]

# The same headers as the import template, so an export of people can be fixed and imported again.
PERSON_COLUMNS = [
    Column(_("县区"), "county.name"),
    Column(_("派出所编号"), "station.code"),
    Column(_("户号"), "household.number", field=(HOUSEHOLD, "number")),
    Column(_("户别"), "household.get_kind_display", field=(HOUSEHOLD, "kind")),
    Column(_("户主姓名"), "household.head_name", field=(HOUSEHOLD, "head_name")),
    Column(_("乡镇"), "household.township", field=(HOUSEHOLD, "township")),
    Column(_("村（社区）"), "household.village", field=(HOUSEHOLD, "village")),
    Column(_("住址"), "household.address", field=(HOUSEHOLD, "address")),
    Column(_("家庭年收入（元）"), "household.annual_income", field=(HOUSEHOLD, "annual_income")),
    Column(_("主要收入来源"), "household.get_income_source_display", field=(HOUSEHOLD, "income_source")),
    Column(_("姓名"), "name", field=(PERSON, "name")),
    Column(_("公民身份号码"), "id_number", id_number=True, field=(PERSON, "id_number")),
    Column(_("性别"), "get_sex_display", field=(PERSON, "sex")),
    Column(_("出生日期"), "birth_date", birth_date=True, field=(PERSON, "birth_date")),
    Column(_("民族"), "get_ethnicity_display", field=(PERSON, "ethnicity")),
    Column(_("文化程度"), "get_education_display", field=(PERSON, "education")),
    Column(_("婚姻状况"), "get_marital_status_display", field=(PERSON, "marital_status")),
    Column(_("与户主关系"), "get_relation_display", field=(PERSON, "relation")),
    Column(_("联系电话"), "phone", field=(PERSON, "phone")),
    Column(_("职业"), "occupation", field=(PERSON, "occupation")),
    Column(_("就业状况"), "get_employment_display", field=(PERSON, "employment")),
    Column(_("转户类别"), "get_category_display", field=(PERSON, "category")),
    Column(_("迁入城镇地址"), "destination_address", field=(PERSON, "destination_address")),
    Column(_("办理状态"), "application.get_status_display", field=(APPLICATION, "status")),
    Column(_("受理日期"), "application.received_on", field=(APPLICATION, "received_on")),
    Column(_("办结日期"), "application.completed_on", field=(APPLICATION, "completed_on")),
    Column(_("申请编号"), "application.number", field=(APPLICATION, "number")),
]



def export_rows(*, user: Any, kind: str, filters: Any) -> tuple[QuerySet[Any], list[Column]]:
    """The rows and columns of the export of ``kind`` ("applications" or "people"): the columns
    of the fields the user may see (need-to-know), for the request and the worker alike."""
    if kind == "applications":
        rows = application_list(user=user, filters=filters).annotate(member_count=member_count(user))
        if filters.get("sort"):  # the list page's order (the list and its export read one form)
            key, descending = sort_of(filters["sort"], APPLICATION_SORTS, "-id")
            rows = rows.order_by(*([f"-{key.field}", "-id"] if descending else [key.field, "id"]))
        return rows, visible_columns(APPLICATION_COLUMNS, user)
    if kind != "people":
        raise ValueError(f"unknown export {kind!r}")
    applications = application_list(user=user, filters=filters)
    people = (
        Person.objects.for_user(user)
        .filter(application__in=applications.values("pk"))
        .select_related("application", "household", "station", "county")
        .order_by("application_id", "id")
    )
    if filters.get("category"):
        people = people.filter(category=filters["category"])
    return people, visible_columns(PERSON_COLUMNS, user)
