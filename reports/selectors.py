"""Reads for the ten-day bulletins.

``bulletin_data`` gathers every number a bulletin shows through the other apps' selectors (quotas for
targets and progress, entitlements for the five guarantees and five retentions) and formats rates with
``nongzhuancheng.figures`` (cut, not rounded). The result is a plain dataclass; ``as_frozen`` turns it
into JSON-ready data, which is what the bulletin record keeps and what its template reads.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from entitlements import selectors as entitlement_selectors
from nongzhuancheng import figures
from nongzhuancheng.models import County
from nongzhuancheng.periods import Period
from nongzhuancheng.scoping import BULLETIN_REQUEST, BULLETIN_REQUEST_CITY, allows
from quotas import charts
from quotas import selectors as quota_selectors
from quotas.selectors import CityProgress

from .models import Bulletin

if TYPE_CHECKING:
    from nongzhuancheng.scoping import User


@dataclass
class CountyRow:
    county_id: int
    code: str
    name: str
    target: int
    period_done: int
    previous_period_done: int
    change: int                 # period_done − previous_period_done (较上一旬增减)
    cumulative: int
    rate: str                   # 完成率, cut
    pace: str                   # 序时进度, cut
    pace_gap: str               # "+35.5" / "−12.0" percentage points (超/落后序时进度)
    ahead_of_pace: bool
    rank: int
    rank_change: int | None     # positive = moved up since the previous period
    needed_per_period: int | None  # 倒排: still needed per remaining period
    rank_tied: bool = False     # shares its rank with another county (并列)


@dataclass
class CategoryRow:
    code: str
    label: str
    completed: int
    eligible: int
    share: str                  # completed ÷ eligible, cut


@dataclass
class StationRow:
    rank: int                   # by cumulative; stations with the same cumulative share a rank
    name: str
    period_done: int
    cumulative: int
    rank_tied: bool = False


@dataclass
class PivotTable:
    """Counties down, kinds (the five guarantees or retentions) across; cells are short texts. The
    delivery table has a second text per cell, its rate, shown in a column of its own (so that no
    row wraps on the A4 page)."""
    kinds: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)   # {"name": 县区, "cells": [str, ...], "rates": [str, ...]}


@dataclass
class BulletinData:
    period_key: str
    period_label: str
    year: int
    issue_number: int
    as_of: datetime.date
    scope_name: str             # 全市 or the county's name
    county_code: str            # "" for the city bulletin
    doc_number: str
    issuer: str
    target: int
    provincial_target: int | None
    cumulative: int
    period_done: int
    previous_period_done: int
    change: int
    rate: str
    provincial_multiple: str
    pace: str
    opening: str
    notice: str
    counties: list[CountyRow] = field(default_factory=list)
    total: CountyRow | None = None
    categories: list[CategoryRow] = field(default_factory=list)
    stations: list[StationRow] = field(default_factory=list)
    delivery: PivotTable = field(default_factory=PivotTable)
    retention: PivotTable = field(default_factory=PivotTable)
    behind_pace: list[str] = field(default_factory=list)
    last_ranked: list[str] = field(default_factory=list)
    rate_chart_svg: str = ""
    series_chart_svg: str = ""


def doc_number_for(*, year: int, issue_number: int, county: County | None = None) -> str:
    number = settings.NZC_BULLETIN_DOC_NUMBER.format(year=year, issue=issue_number)
    return _("%(number)s（%(county)s）") % {"number": number, "county": county.name} if county is not None else number


def _points(rate: Decimal | None, pace: Decimal) -> str:
    """Percentage points between a completion rate and the pace, cut to one decimal."""
    if rate is None:
        return "—"
    gap = figures.cut((Decimal(rate) - Decimal(str(pace))) * 100, 1)
    return f"+{gap}" if gap >= 0 else f"−{abs(gap)}"


def _day(d: datetime.date) -> str:
    return _("%(month)s月%(day)s日") % {"month": d.month, "day": d.day}


def _change_words(change: int) -> str:
    if change > 0:
        return _("增加%(n)s人") % {"n": change}
    if change < 0:
        return _("减少%(n)s人") % {"n": -change}
    return _("持平")


def _county_rows(progress: CityProgress) -> list[CountyRow]:
    rows = []
    for c in progress.counties:
        rows.append(CountyRow(
            county_id=c.county_id, code=c.county_code, name=c.county_name, target=c.target,
            period_done=c.period_done, previous_period_done=c.previous_period_done,
            change=c.period_done - c.previous_period_done, cumulative=c.cumulative,
            rate=figures.percent_of(c.rate), pace=figures.percent_of(c.pace), pace_gap=_points(c.rate, c.pace),
            ahead_of_pace=bool(c.ahead_of_pace), rank=c.rank, rank_change=c.rank_change,
            needed_per_period=c.needed_per_period, rank_tied=c.rank_tied,
        ))
    rows.sort(key=lambda r: (r.rank, -r.cumulative, r.code))
    return rows


def _total_row(progress: CityProgress, rows: list[CountyRow]) -> CountyRow:
    needed = [r.needed_per_period for r in rows if r.needed_per_period is not None]
    return CountyRow(
        county_id=0, code="", name=_("全市合计"), target=progress.target, period_done=progress.period_done,
        previous_period_done=progress.previous_period_done,
        change=progress.period_done - progress.previous_period_done, cumulative=progress.cumulative,
        rate=figures.percent_of(progress.rate), pace=figures.percent_of(progress.pace),
        pace_gap=_points(progress.rate, progress.pace),
        ahead_of_pace=progress.rate is not None and progress.rate >= Decimal(str(progress.pace)),
        rank=0, rank_change=None, needed_per_period=sum(needed) if needed else None,
    )


def _attr(row: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(row, dict) and name in row:
            return row[name]
        if hasattr(row, name):
            return getattr(row, name)
    return default


def _category_rows(*, year: int, as_of: datetime.date, county: County | None) -> list[CategoryRow]:
    rows = []
    for r in quota_selectors.category_progress(year=year, as_of=as_of, county=county):
        completed = _attr(r, "completed", "cumulative", default=0) or 0
        eligible = _attr(r, "eligible", "pool", "eligible_pool", default=0) or 0
        rows.append(CategoryRow(
            code=str(_attr(r, "category", "code", default="")),
            label=str(_attr(r, "label", "category_label", "name", default="")),
            completed=completed, eligible=eligible, share=figures.percent(completed, eligible),
        ))
    return rows


def _station_rows(*, county: County, year: int, as_of: datetime.date) -> list[StationRow]:
    """The county's stations by cumulative, most first; equal cumulatives share a rank (并列)."""
    rows: list[StationRow] = []
    for position, r in enumerate(quota_selectors.station_progress(county=county, year=year, as_of=as_of), start=1):
        cumulative = _attr(r, "cumulative", "completed", default=0) or 0
        rank = rows[-1].rank if rows and rows[-1].cumulative == cumulative else position
        rows.append(StationRow(
            rank=rank, name=str(_attr(r, "station_name", "name", default="")),
            period_done=_attr(r, "period_done", default=0) or 0, cumulative=cumulative,
        ))
    tied = quota_selectors.tied_ranks(r.rank for r in rows)
    for row in rows:
        row.rank_tied = row.rank in tied
    return rows


def _pivot(rows: Iterable[Any], cell: Callable[[Any], str],
           total_cell: Callable[[str, list[Any]], str] | None = None,
           rate: Callable[[list[Any]], str] | None = None) -> PivotTable:
    table = PivotTable()
    by_county: dict[str, list[Any]] = {}
    for r in rows:
        if r.kind_label not in table.kinds:
            table.kinds.append(r.kind_label)
        by_county.setdefault(r.county_name, []).append(r)
    for name, county_rows in by_county.items():
        row: dict[str, Any] = {"name": name, "cells": [cell(r) for r in county_rows]}
        if rate is not None:
            row["rates"] = [rate([r]) for r in county_rows]
        table.rows.append(row)
    if total_cell is not None and len(by_county) > 1:
        columns = [[rs[i] for rs in by_county.values() if i < len(rs)] for i in range(len(table.kinds))]
        row = {"name": _("全市合计"), "cells": [total_cell(table.kinds[i], c) for i, c in enumerate(columns)]}
        if rate is not None:
            row["rates"] = [rate(c) for c in columns]
        table.rows.append(row)
    return table


def _demand(r: Any) -> int:
    return r.requested + r.in_progress + r.delivered + r.refused


def _delivery_cell(r: Any) -> str:
    return f"{r.delivered:,}/{_demand(r):,}"


def _delivery_total(_kind: str, rows: list[Any]) -> str:
    return f"{sum(r.delivered for r in rows):,}/{sum(_demand(r) for r in rows):,}"


def _delivery_rate(rows: list[Any]) -> str:
    """落实率 of one cell (one row) or of a column's total (cut)."""
    return figures.percent(sum(r.delivered for r in rows), sum(_demand(r) for r in rows))


def _retention_cell(r: Any) -> str:
    return f"{r.kept:,}/{r.circulated:,}/{r.given_up:,}"


def _retention_total(_kind: str, rows: list[Any]) -> str:
    return "/".join(f"{sum(getattr(r, f) for r in rows):,}" for f in ("kept", "circulated", "given_up"))


def _entitlement_tables(*, as_of: datetime.date, county: County | None) -> tuple[PivotTable, PivotTable]:
    """Delivery of the five guarantees and state of the five retentions by county."""
    delivery = _pivot(entitlement_selectors.delivery_summary(as_of=as_of, county=county), _delivery_cell, _delivery_total,
                      _delivery_rate)
    retention = _pivot(entitlement_selectors.retention_summary(as_of=as_of, county=county), _retention_cell,
                       _retention_total)
    return delivery, retention


def _charts(*, progress: CityProgress, year: int, as_of: datetime.date, county: County | None,
            scope_name: str) -> tuple[str, str]:
    """Inline SVG charts drawn by quotas.charts: rates against the pace line, cumulative by period."""
    rate_svg = charts.rate_bars_svg(progress, width=680)
    points = quota_selectors.period_series(year=year, as_of=as_of, county=county)
    series_svg = charts.cumulative_svg(
        points, title=_("%(scope)s%(year)s年各旬累计转户与目标进度") % {"scope": scope_name, "year": year}, width=680, height=260,
    )
    return rate_svg, series_svg


def _opening(*, scope_name: str, as_of: datetime.date, period: Period, cumulative: int, rate: str, multiple: str,
             pace_gap: str, period_done: int, change: int, county: County | None) -> str:
    values = {"day": _day(as_of), "where": scope_name, "cumulative": cumulative, "rate": rate,
              "multiple": multiple, "points": pace_gap.lstrip("+−"), "start": _day(period.start),
              "period_done": period_done, "change": _change_words(change)}
    text = _("截至%(day)s，%(where)s累计转户%(cumulative)s人") % values
    if rate == "—":
        text += _("（年度目标任务尚未下达）")
    elif county is None:
        text += _("，完成市下达任务的%(rate)s") % values
    else:
        text += _("，完成县区下达任务的%(rate)s") % values
    if county is None and multiple != "—":
        text += _("，是省下达任务的%(multiple)s倍") % values
    if pace_gap == "—":
        text += _("。")
    elif pace_gap.startswith("−"):
        text += _("，落后序时进度%(points)s个百分点。") % values
    else:
        text += _("，超序时进度%(points)s个百分点。") % values
    text += _("本旬（%(start)s至%(day)s）%(where)s转户%(period_done)s人，较上一旬%(change)s。") % values
    return text


def _notice(*, rows: list[CountyRow], pace: str, as_of: datetime.date) -> tuple[str, list[str], list[str]]:
    """The 通报 paragraph, and the counties it names (behind pace; last place).

    The practice of the city's report (昭通市人民政府 2012-10-24): the ten-day bulletin reports every
    county's completion of its target (旬报制，每10天通报一次), and criticism is for counties that
    fall short (完不成任务的县区予以通报批评). So the notice names every county behind pace with its
    rate; it names the last place only when that place is behind pace too, and all the counties that
    share it together (并列) — never one of several tied counties picked by a tie-break. Without
    targets there is no pace to compare with, and the notice says so."""
    with_target = [r for r in rows if r.target]
    if not with_target:
        return _("截至%(day)s，各县区年度目标任务尚未下达，不作序时进度比较。") % {"day": _day(as_of)}, [], []
    behind = [r for r in with_target if not r.ahead_of_pace]
    last_rank = max(r.rank for r in with_target)
    last = [r for r in with_target if r.rank == last_rank]
    if len(last) == len(with_target) or not all(r in behind for r in last):
        last = []  # every county shares one rank, or the last place is on pace: nobody to single out
    parts = []
    if behind:
        names = _("、").join(_("%(name)s（%(rate)s）") % {"name": r.name, "rate": r.rate} for r in behind)
        parts.append(_("截至%(day)s，%(names)s完成率低于序时进度（%(pace)s）") % {
            "day": _day(as_of), "names": names, "pace": pace})
    else:
        parts.append(_("截至%(day)s，各县区完成率均达到序时进度（%(pace)s）") % {"day": _day(as_of), "pace": pace})
    if len(with_target) < len(rows):
        missing = _("、").join(r.name for r in rows if not r.target)
        parts.append(_("%(names)s年度目标任务尚未下达") % {"names": missing})
    if len(last) == 1:
        parts.append(_("%(names)s排名末位") % {"names": last[0].name})
    elif last:
        parts.append(_("%(names)s并列排名末位") % {"names": _("、").join(r.name for r in last)})
    text = _("，").join(parts) + _("，予以通报。")
    if behind:
        text += _("请上述县区查找原因，倒排工期、加大力度，于下一旬首个工作日前向市领导组办公室书面说明。")
    return text, [r.name for r in behind], [r.name for r in last]


def bulletin_data(*, period: Period, county: County | None = None, as_of: datetime.date | None = None) -> BulletinData:
    """Every figure of the bulletin for ``period`` (the city's, or ``county``'s with its stations)."""
    as_of = as_of or period.end
    progress = quota_selectors.county_progress(year=period.year, as_of=as_of)
    rows = _county_rows(progress)
    total = _total_row(progress, rows)
    multiple = figures.multiple(progress.cumulative, progress.provincial_target)
    pace = figures.percent_of(progress.pace)

    if county is None:
        own = total
        scope_name = _("全市")
        target = progress.target
    else:
        own = next((r for r in rows if r.county_id == county.pk), None) or CountyRow(
            county_id=county.pk, code=county.code, name=county.name, target=0, period_done=0,
            previous_period_done=0, change=0, cumulative=0, rate="—", pace=pace, pace_gap="—",
            ahead_of_pace=False, rank=0, rank_change=None, needed_per_period=None,
        )
        scope_name = county.name
        target = own.target

    delivery, retention = _entitlement_tables(as_of=as_of, county=county)
    notice, behind, last = _notice(rows=rows, pace=pace, as_of=as_of)
    rate_svg, series_svg = _charts(progress=progress, year=period.year, as_of=as_of, county=county,
                                   scope_name=scope_name)
    return BulletinData(
        period_key=period.key, period_label=period.label, year=period.year, issue_number=period.index,
        as_of=as_of, scope_name=scope_name, county_code=county.code if county else "",
        doc_number=doc_number_for(year=period.year, issue_number=period.index, county=county),
        issuer=settings.NZC_BULLETIN_ISSUER,
        target=target, provincial_target=progress.provincial_target if county is None else None,
        cumulative=own.cumulative, period_done=own.period_done, previous_period_done=own.previous_period_done,
        change=own.change, rate=own.rate, provincial_multiple=multiple if county is None else "—", pace=pace,
        opening=_opening(
            scope_name=scope_name, as_of=as_of, period=period, cumulative=own.cumulative, rate=own.rate,
            multiple=multiple, pace_gap=own.pace_gap, period_done=own.period_done, change=own.change,
            county=county,
        ),
        notice=notice, counties=rows, total=total,
        categories=_category_rows(year=period.year, as_of=as_of, county=county),
        stations=_station_rows(county=county, year=period.year, as_of=as_of) if county is not None else [],
        delivery=delivery, retention=retention, behind_pace=behind, last_ranked=last,
        rate_chart_svg=rate_svg, series_chart_svg=series_svg,
    )


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def as_frozen(data: BulletinData) -> dict[str, Any]:
    """The dataclass as JSON-ready data (what a bulletin record keeps)."""
    return _json_ready(dataclasses.asdict(data))


# Labels of the figures compared between revisions (the charts are drawn from them, so not compared).
_HEADLINE = [
    ("target", _lazy("目标任务")), ("cumulative", _lazy("累计完成")), ("period_done", _lazy("本旬完成")),
    ("rate", _lazy("完成率")), ("provincial_multiple", _lazy("为省下达任务倍数")), ("pace", _lazy("序时进度")),
]
_COUNTY = [
    ("target", _lazy("目标任务")), ("period_done", _lazy("本旬完成")), ("cumulative", _lazy("累计完成")),
    ("rate", _lazy("完成率")), ("rank", _lazy("排名")), ("change", _lazy("较上一旬增减（人）")),
    ("needed_per_period", _lazy("每旬还需完成")),
]


def bulletin_diff(*, old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """What changed between two frozen figure sets: a list of (what, before, after)."""
    changes = []
    for key, label in _HEADLINE:
        if old.get(key) != new.get(key):
            changes.append((f"{new.get('scope_name', '')}{label}", old.get(key), new.get(key)))
    old_rows = {r["code"]: r for r in old.get("counties", [])}
    for row in new.get("counties", []):
        before = old_rows.pop(row["code"], None)
        if before is None:
            changes.append((row["name"], "—", _("新增")))
            continue
        for key, label in _COUNTY:
            if before.get(key) != row.get(key):
                changes.append((f"{row['name']}{label}", before.get(key), row.get(key)))
    for row in old_rows.values():
        changes.append((row["name"], "—", _("删除")))
    old_cats = {r["code"]: r for r in old.get("categories", [])}
    for row in new.get("categories", []):
        before = old_cats.get(row["code"])
        if before and before.get("completed") != row.get("completed"):
            changes.append((_("%(label)s转户人数") % {"label": row["label"]}, before.get("completed"),
                            row.get("completed")))
    return changes


def bulletin_list(*, user: User) -> QuerySet[Bulletin]:
    return Bulletin.objects.for_user(user).select_related("county", "requested_by")


def bulletin_get(*, user: User, pk: int) -> Bulletin:
    return Bulletin.objects.for_user(user).select_related("county", "requested_by").get(pk=pk)


def bulletin_previous_revision(*, bulletin: Bulletin) -> Bulletin | None:
    """The latest issued revision before this one, of the same period and scope, or None."""
    return (
        Bulletin.objects.for_period(bulletin.period)
        .filter(scope=bulletin.scope, revision__lt=bulletin.revision, state=Bulletin.State.ISSUED)
        .order_by("-revision")
        .first()
    )


def period_of(bulletin: Bulletin) -> Period:
    return Period(bulletin.year, bulletin.month, bulletin.part)


# Who may ask for which bulletin: written here once, for the service, the pages and the API -------

def bulletin_counties_requestable(*, user: User) -> QuerySet[County]:
    """Counties whose bulletin the user may ask for: the policy's BULLETIN_REQUEST over the user's
    place (every county for the city office, their own for a county officer, none for the others)."""
    return County.objects.for_user(user, BULLETIN_REQUEST)


def bulletin_city_requestable(*, user: User) -> bool:
    """Whether the user may ask for the city bulletin (BULLETIN_REQUEST_CITY)."""
    return allows(user, BULLETIN_REQUEST_CITY)


def bulletin_scopes_requestable(*, user: User) -> list[County | None]:
    """The scopes the user may ask a bulletin for, as the request form offers them: None stands for
    the city bulletin, then the counties."""
    city: list[County | None] = [None] if bulletin_city_requestable(user=user) else []
    return [*city, *bulletin_counties_requestable(user=user)]


def bulletin_scope_requestable(*, user: User, county: County | None) -> bool:
    """Whether the user may ask for the bulletin of ``county`` (None: the city's)."""
    if county is None:
        return bulletin_city_requestable(user=user)
    return bulletin_counties_requestable(user=user).filter(pk=county.pk).exists()
