"""Progress pages: the city dashboard, a county's drill-down and the multi-year path.

Built only from the scoped selectors given the user (ScopedSelectorsMixin): a county outside the
user's scope answers 404. Every figure of people links to the list of those people (scoped again).
"""

import datetime
from urllib.parse import urlencode

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.generic import TemplateView

from households import selectors as household_selectors
from nongzhuancheng import params
from nongzhuancheng.exports import Column, export_response
from nongzhuancheng.figures import multiple, percent, percent_of
from nongzhuancheng.models import PoliceStation
from nongzhuancheng.pagination import bounded_count
from nongzhuancheng.periods import Period
from nongzhuancheng.scoping import TARGET_EDIT, ScopedSelectorsMixin, allows
from nongzhuancheng.templatetags.nzc import who

from . import charts, selectors
from .models import Level, Target

REPORT_LINK = "?year=2012&as_of=2012-10-20"


class ProgressParams(params.ParamsForm):
    """The query parameters of the progress pages, their exports and the progress API."""

    year = params.YearParam(label=_l("年度"))
    as_of = params.DateParam(label=_l("截至日期"))
    format = params.FormatParam()


def parse_params(data, *, api=False):
    """(year, as_of) from ?year=&as_of= (BadParameters when one is bad; for the API, ``api``, an empty
    one too: params.read_api); defaults: today and its year."""
    cleaned = (params.read_api if api else params.read)(ProgressParams, data)
    as_of, year = cleaned.get("as_of"), cleaned.get("year")
    if as_of is None:
        today = timezone.localdate()
        as_of = today if year in (None, today.year) else datetime.date(year, 12, 31)
    year = year or as_of.year
    return year, as_of


def people_url(*, start, end, county_id=None, station_id=None, category=None):
    """The list of the people a figure counts (completed in the window, by county, station, category):
    a figure of people opens a list of the same number of people."""
    params = {"completed_from": start.isoformat(), "completed_to": end.isoformat()}
    if county_id:
        params["county"] = county_id
    if station_id:
        params["station"] = station_id
    if category:
        params["category"] = category
    return reverse("households:person_list") + "?" + urlencode(params)


class ProgressMixin(ScopedSelectorsMixin):
    def dates(self):
        return parse_params(self.request.GET)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year, as_of = self.dates()
        ctx.update(nav_year=year, nav_as_of=selectors.clamp(year, as_of), report_link=REPORT_LINK)
        return ctx

    def windows(self, as_of):
        """(start, end) of the figures' windows: year to date, this period, this month, previous period."""
        period = Period.containing(as_of)
        previous = period.previous()
        return {
            "cumulative": (datetime.date(as_of.year, 1, 1), as_of),
            "period": (period.start, as_of),
            "month": (as_of.replace(day=1), as_of),
            "previous": (previous.start, previous.end),
        }

    def links(self, windows, **scope):
        return {name: people_url(start=a, end=b, **scope) for name, (a, b) in windows.items()}

    def render_to_response(self, context, **kwargs):
        fmt = params.read(ProgressParams, self.request.GET).get("format")
        if fmt:
            rows, columns, name = self.export_rows(context)
            return export_response(rows, columns, fmt=fmt, filename=name, user=self.request.user, sheet_title=name,
                                   request=self.request)
        return super().render_to_response(context, **kwargs)


def county_columns():
    return [
        Column(_("排名"), "rank"), Column(_("县区"), "county_name"), Column(_("目标任务"), "target"),
        Column(_("本旬完成"), "period_done"), Column(_("本月完成"), "month_done"), Column(_("累计完成"), "cumulative"),
        Column(_("完成率"), lambda r: percent_of(r.rate)), Column(_("序时进度"), lambda r: percent_of(r.pace)),
        Column(_("进度"), lambda r: _("超序时") if r.ahead_of_pace else _("滞后")),
        Column(_("排名变化"), "rank_change"), Column(_("尚需完成"), "remaining"),
        Column(_("剩余旬数"), "periods_left"), Column(_("每旬需完成"), "needed_per_period"),
        Column(_("预计完成日期"), "projected_date"),
    ]


class DashboardView(ProgressMixin, TemplateView):
    template_name = "quotas/dashboard.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year, as_of = self.dates()
        city = selectors.county_progress(year=year, as_of=as_of, user=self.request.user)
        windows = self.windows(city.as_of)
        rows = [{"p": c, "links": self.links(windows, county_id=c.county_id), "rate": percent_of(c.rate),
                 "bar": min(float(c.rate or 0), 1.0) * 100} for c in city.counties]
        ctx.update(
            city=city, rows=rows, period=Period.containing(city.as_of), links=self.links(windows),
            city_rate=percent(city.cumulative, city.target), pace=percent_of(city.pace),
            pace_at=float(city.pace) * 100,
            provincial_multiple=multiple(city.cumulative, city.provincial_target),
            chart=mark_safe(charts.rate_bars_svg(city)),
            series_chart=mark_safe(charts.cumulative_svg(
                selectors.period_series(year=year, as_of=city.as_of),
                title=_("%(y)s年全市累计转户与目标序时进度") % {"y": year})),
            categories=self.category_rows(year, city.as_of, windows, None),
            has_target=bool(city.target),
            member_units=self.member_unit_rows(year, city),
        )
        return ctx

    def member_unit_rows(self, year, city):
        """Only for a user who sees the whole city: a member unit's figures add up its linked counties."""
        if not city.whole_city:
            return []
        return [{"m": m, "rate": percent_of(m.rate)}
                for m in selectors.member_unit_progress(year=year, as_of=city.as_of, counties=city.counties)
                if m.target]

    def category_rows(self, year, as_of, windows, county_id):
        return [
            {"c": c, "link": people_url(start=windows["cumulative"][0], end=as_of, county_id=county_id,
                                              category=c.category),
             "pool_rate": percent_of(c.pool_rate), "share": percent_of(c.share)}
            for c in selectors.category_progress(year=year, as_of=as_of, county=county_id)
        ]

    def export_rows(self, ctx):
        return ctx["city"].counties, county_columns(), f"progress-{ctx['city'].as_of}"


class CountyView(DashboardView):
    template_name = "quotas/county.html"

    def get_context_data(self, **kwargs):
        ctx = super(DashboardView, self).get_context_data(**kwargs)  # skip the city figures
        county = get_object_or_404(selectors.visible_counties(self.request.user), code=self.kwargs["code"])
        year, as_of = self.dates()
        city = selectors.county_progress(year=year, as_of=as_of, user=self.request.user)
        row = next((c for c in city.counties if c.county_id == county.pk), None)
        if row is None:
            raise Http404
        windows = self.windows(city.as_of)
        stations = [
            {"s": s, "links": self.links(windows, county_id=county.pk, station_id=s.station_id), "share": percent_of(s.share)}
            for s in selectors.station_progress(county=county, year=year, as_of=city.as_of)
        ]
        ctx.update(
            county=county, city=city, row=row, rate=percent_of(row.rate), pace=percent_of(row.pace),
            links=self.links(windows, county_id=county.pk), stations=stations,
            categories=self.category_rows(year, city.as_of, windows, county.pk),
            series_chart=mark_safe(charts.cumulative_svg(
                selectors.period_series(year=year, as_of=city.as_of, county=county),
                title=_("%(y)s年%(c)s累计转户与目标序时进度") % {"y": year, "c": county.name})),
            targets=Target.objects.for_user(self.request.user).filter(year=year, county=county, level=Level.COUNTY)
            .prefetch_related("revisions"),
        )
        return ctx

    def export_rows(self, ctx):
        columns = [Column(_("派出所编号"), "s.station_code"), Column(_("派出所"), "s.station_name"),
                   Column(_("本旬完成"), "s.period_done"), Column(_("本月完成"), "s.month_done"),
                   Column(_("累计完成"), "s.cumulative"), Column(_("占县区比例"), "share")]
        return ctx["stations"], columns, f"progress-{ctx['county'].code}-{ctx['city'].as_of}"


class StationView(ProgressMixin, TemplateView):
    """One police station: its figures from the completion rollup (this year, this period, this month,
    its share of and rank in its county, beside the county's), its clerks' work and its overdue
    applications. Scoped: a clerk opens their own station, a county office its county's, the city
    every station; any other answers 404."""

    template_name = "quotas/station.html"
    overdue_shown = 10

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        station = get_object_or_404(PoliceStation.objects.for_user(user).select_related("county"),
                                    code=self.kwargs["code"])
        year, as_of = self.dates()
        as_of = selectors.clamp(year, as_of)
        rows = selectors.station_progress(county=station.county, year=year, as_of=as_of)
        row = next(r for r in rows if r.station_id == station.pk)
        ranked = sorted(rows, key=lambda r: (-r.cumulative, r.station_code))
        county_total = {"cumulative": sum(r.cumulative for r in rows), "period_done": sum(r.period_done for r in rows),
                        "month_done": sum(r.month_done for r in rows)}
        windows = self.windows(as_of)
        filters = {"station": station.pk}
        today = timezone.localdate()
        overdue = household_selectors.application_overdue_list(user=user, today=today, filters=filters)
        returned = household_selectors.application_returned_list(user=user, today=today, filters=filters)
        ctx.update(
            station=station, county=station.county, year=year, as_of=as_of, row=row, share=percent_of(row.share),
            rank=ranked.index(row) + 1, stations_in_county=len(rows), county_total=county_total,
            links=self.links(windows, county_id=station.county_id, station_id=station.pk),
            county_links=self.links(windows, county_id=station.county_id),
            clerks=household_selectors.station_clerk_work(station=station, start=datetime.date(year, 1, 1), end=as_of),
            overdue=list(overdue.annotate(member_count=Count("members"))[: self.overdue_shown]),
            overdue_count=bounded_count(overdue)[0], returned_count=bounded_count(returned)[0],
            overdue_url=reverse("households:overdue") + "?" + urlencode({"station": station.pk}),
            county_visible=selectors.visible_counties(user).filter(pk=station.county_id).exists(),
        )
        return ctx

    def export_rows(self, ctx):
        columns = [Column(_("民警"), lambda r: who(r["user"])), Column(_("受理件数"), "received"),
                   Column(_("办结件数"), "completed")]
        return ctx["clerks"], columns, f"station-{ctx['station'].code}-{ctx['as_of']}"


class MultiYearView(ProgressMixin, TemplateView):
    template_name = "quotas/multi_year.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        _year, as_of = parse_params(self.request.GET)
        progress = selectors.multi_year_progress(as_of=as_of)
        ctx.update(progress=progress, goal_rate=percent_of(progress.goal_rate),
                   rows=[{"y": y, "rate": percent(y.done, y.target) if y.done is not None else "—"} for y in progress.years],
                   chart=mark_safe(charts.multi_year_svg(progress)) if progress.years else "")
        return ctx

    def export_rows(self, ctx):
        columns = [Column(_("年度"), "y.year"), Column(_("目标任务"), "y.target"), Column(_("完成"), "y.done"),
                   Column(_("完成率"), "rate"), Column(_("累计完成"), "y.cumulative"),
                   Column(_("累计规划"), "y.planned_cumulative")]
        return ctx["rows"], columns, "progress-multi-year"


class TargetListView(ProgressMixin, TemplateView):
    """All targets of a year with their revision history (editing is in the admin)."""

    template_name = "quotas/targets.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year, _as_of = parse_params(self.request.GET)
        ctx.update(year=year, targets=selectors.target_list(user=self.request.user, year=year),
                   can_edit=allows(self.request.user, TARGET_EDIT))
        return ctx

    def render_to_response(self, context, **kwargs):
        return TemplateView.render_to_response(self, context, **kwargs)
