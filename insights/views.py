"""The statistics page (a cross-table, its chart and its export) and the people of a cell.

Built only from ``insights.selectors`` given the user (ScopedSelectorsMixin); parameters through the
declared forms of ``insights.forms`` (a county or station outside the user's scope: 400)."""

import datetime
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from households.rollup_models import CompletionDaily
from nongzhuancheng import params
from nongzhuancheng.exports import Column, export_response
from nongzhuancheng.scoping import VIEW_STATISTICS, ScopedSelectorsMixin

from . import charts, selectors
from .forms import StatisticsParams, StatisticsPeopleParams

PAGE_SIZE = 50


def _query_value(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def people_url(filters: dict[str, Any], cell: dict[str, str]) -> str:
    """The people list of one cell (or of a row, a column, the whole table)."""
    query = {k: _query_value(v) for k, v in filters.items()}
    query.update(cell)
    return reverse("insights:people") + "?" + urlencode(query)


def default_year(user: Any) -> int:
    """The latest year with a completion in the user's scope (today's year when there is none)."""
    latest = CompletionDaily.objects.for_user(user, VIEW_STATISTICS).aggregate(day=Max("completed_on"))["day"]
    return latest.year if latest else datetime.date.today().year


def _nth(i: int) -> Any:
    return lambda row: row[i]


class StatisticsView(ScopedSelectorsMixin, TemplateView):
    required_action = VIEW_STATISTICS
    template_name = "insights/table.html"

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        form = StatisticsParams(request.GET, user=request.user)
        params.cleaned(form)
        filters = form.filters()
        if not any(filters.get(k) for k in ("year", "completed_from", "completed_to")):
            filters["year"] = default_year(request.user)
        rows, cols = form.cleaned_data["rows"], form.cleaned_data["cols"]
        table = selectors.cross_table(user=request.user, rows=rows, cols=cols, filters=filters)
        if form.cleaned_data.get("format"):
            return self.export(table, form.cleaned_data["format"])
        ctx = self.get_context_data(form=form, table=table, filters=filters, **self.links(table, filters))
        ctx["chart"] = mark_safe(charts.stacked_bars_svg(table))  # noqa: S308  (escaped by the chart code)
        ctx["level"] = selectors.region_level(request.user, filters) if "region" in (rows, cols) else ""
        query = {k: _query_value(v) for k, v in filters.items()}
        ctx["export_query"] = urlencode({**query, "rows": rows, "cols": cols})
        return self.render_to_response(ctx)

    @staticmethod
    def links(table: selectors.Table, filters: dict[str, Any]) -> dict[str, Any]:
        r, c = table.rows.key, table.cols.key
        body = [
            {"label": label, "total": total, "total_url": people_url(filters, {r: code}),
             "cells": [(n, people_url(filters, {r: code, c: col})) for col, n in counts]}
            for code, label, counts, total in table.matrix()
        ]
        foot = [(table.col_totals.get(col, 0), people_url(filters, {c: col})) for col, _l in table.col_values]
        return {"body": body, "foot": foot, "total_url": people_url(filters, {})}

    def export(self, table: selectors.Table, fmt: str) -> HttpResponse:
        headers = [table.rows.label, *(label for _c, label in table.col_values), _("合计")]
        columns = [Column(h, _nth(i)) for i, h in enumerate(headers)]
        lines = [[label, *(n for _c, n in counts), total] for _code, label, counts, total in table.matrix()]
        lines.append([_("合计"), *(table.col_totals.get(c, 0) for c, _l in table.col_values), table.total])
        return export_response(lines, columns, fmt=fmt, filename="statistics", user=self.request.user,
                               sheet_title=_("转户人员统计"), request=self.request, count=len(lines))


class StatisticsPeopleView(ScopedSelectorsMixin, TemplateView):
    """The people behind a cell: the same filters and dimension values, the same count."""

    required_action = VIEW_STATISTICS
    template_name = "insights/people.html"

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        form = StatisticsPeopleParams(request.GET, user=request.user)
        params.cleaned(form)
        filters = form.filters()
        cell = form.cell()
        people = (selectors.people_of(user=request.user, filters=filters, cell=cell)
                  .select_related("county", "station", "application").order_by("id"))
        page = Paginator(people, PAGE_SIZE).get_page(form.cleaned_data.get("page") or 1)
        described = []
        for key, code in cell.items():
            dim = selectors.dimension(key, user=request.user, filters=filters)
            described.append((dim.label, selectors.label_of(dim, code)))
        start, end = selectors.period_of(filters)
        query = urlencode({k: _query_value(v) for k, v in {**filters, **cell}.items()})
        return self.render_to_response(self.get_context_data(
            form=form, page=page, people=page.object_list, described=described, start=start, end=end,
            query=query))
