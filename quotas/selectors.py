"""Reads of targets and progress. Every figure is an SQL aggregate.

The dataclasses below are the contract the dashboard, the API and the ten-day bulletin read.

Counting reads the summary tables of completed transfers (households.rollup_models: CompletionDaily,
day × county × category, for the city, the counties, the categories and the series;
CompletionStationDaily, day × county × station, for the station drill-down), with conditional SUMs grouped by county,
station, category or day. Every service that changes a completion keeps them in its transaction
(households.rollup), so the figures are those of the raw rows; the cost grows with the days and
counties, not with the people (bench/progress_bench.py gives the figures).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear

from households.models import CompletionDaily, CompletionStationDaily
from households.reference import SURVEY_ELIGIBLE_2012, Category
from nongzhuancheng.figures import cut, ratio
from nongzhuancheng.models import County, MemberUnit, PoliceStation
from nongzhuancheng.periods import Period, days_elapsed, days_in_year, periods_of_year, remaining_periods

from .models import Level, SurveyPool, Target, TargetRevision

if TYPE_CHECKING:
    from nongzhuancheng.scoping import User

CountyRef = County | int  # a county or its pk
History = list[tuple[datetime.date, int]]  # (effective_on, amount) of a target's revisions, by date

# The city's goal: 1,550,000 new urban-registered residents by 2020 (report of 2012-10-24).
GOAL_TOTAL = 1_550_000
GOAL_YEAR = 2020


@dataclass
class CountyProgress:
    county_id: int
    county_code: str
    county_name: str
    target: int                      # annual target in force at as_of (0 if none)
    period_done: int                 # completed in the ten-day period containing as_of, up to as_of
    month_done: int                  # completed in as_of's month up to as_of
    cumulative: int                  # completed from 1 January to as_of
    rate: Decimal | None             # cumulative ÷ target (None if no target)
    pace: Decimal                    # 序时进度, the share of the year elapsed at as_of
    ahead_of_pace: bool              # rate >= pace
    rank: int                        # 1 = highest rate among the counties
    previous_rank: int | None        # rank at the end of the previous period
    rank_change: int | None          # previous_rank - rank (positive = moved up)
    remaining: int                   # max(target - cumulative, 0)
    periods_left: int                # ten-day periods left in the year after as_of
    needed_per_period: int | None    # ceil(remaining ÷ periods_left); 0 if met; None if no periods left and not met
    projected_date: datetime.date | None  # date the target is met at the current daily rate, None if not this year
    previous_period_done: int = 0    # completed in the previous ten-day period
    rank_tied: bool = False          # another county shows the same rate and shares the rank (并列)


@dataclass
class CityProgress:
    year: int
    as_of: datetime.date
    target: int
    provincial_target: int | None
    cumulative: int
    period_done: int
    previous_period_done: int
    month_done: int
    rate: Decimal | None
    provincial_multiple: Decimal | None
    pace: Decimal
    counties: list[CountyProgress] = field(default_factory=list)
    # the rows cover every county the user may see and that is the whole city (always without a
    # user): figures that add up several counties (member units) are shown only then
    whole_city: bool = True


@dataclass
class StationProgress:
    station_id: int
    station_code: str
    station_name: str
    cumulative: int
    period_done: int
    month_done: int
    share: Decimal | None  # of the county's cumulative


@dataclass
class CategoryProgress:
    category: str
    label: str
    cumulative: int
    period_done: int
    eligible: int | None            # the survey's pool (调查摸底), None if not surveyed
    pool_rate: Decimal | None       # cumulative ÷ eligible
    share: Decimal | None           # of all transfers counted


@dataclass
class PeriodPoint:
    period: Period
    done: int | None          # completed in the period (up to as_of); None for periods after as_of
    cumulative: int | None    # from 1 January to the end of the period (or as_of)
    target: int               # target in force at the period's end (or as_of, whichever is earlier)
    target_path: int          # target × share of the year elapsed at the period's end, cut to a whole person


@dataclass
class YearProgress:
    year: int
    target: int | None
    done: int | None                 # None for years after as_of
    cumulative: int | None           # since the first planned year
    planned_cumulative: int          # sum of the targets since the first planned year


@dataclass
class MultiYearProgress:
    as_of: datetime.date
    goal: int
    goal_year: int
    planned_total: int
    cumulative: int
    goal_rate: Decimal | None
    years: list[YearProgress] = field(default_factory=list)


# ---------------------------------------------------------------- helpers

def clamp(year: int, as_of: datetime.date) -> datetime.date:
    """as_of inside ``year`` (a later date means the whole year, an earlier one 1 January)."""
    return min(max(as_of, datetime.date(year, 1, 1)), datetime.date(year, 12, 31))


def _persons(**when: Any) -> Coalesce:
    """The persons of the summary rows (those matching ``when``), 0 when there are none."""
    return Coalesce(Sum("persons", filter=Q(**when) if when else None), 0)


def _county_id(county: CountyRef) -> int:
    return county.pk if isinstance(county, County) else county


def _revisions(year: int, levels: Iterable[str]) -> dict[tuple[str, int | None], History]:
    """{(level, county_id): [(effective_on, amount), ...]} ordered by date: one query."""
    rows = (
        TargetRevision.objects.filter(target__year=year, target__level__in=levels)
        .order_by("effective_on", "id")
        .values_list("target__level", "target__county_id", "effective_on", "amount")
    )
    out: dict[tuple[str, int | None], History] = {}
    for level, county_id, effective_on, amount in rows:
        out.setdefault((level, county_id), []).append((effective_on, amount))
    return out


def _in_force(history: History | None, day: datetime.date) -> int | None:
    """The amount of the latest revision effective on or before ``day`` (None if none yet)."""
    amount = None
    for effective_on, value in history or ():
        if effective_on > day:
            break
        amount = value
    return amount


def target_in_force(*, year: int, day: datetime.date, level: str = Level.CITY,
                    county: CountyRef | None = None) -> int | None:
    """The amount of one target in force at ``day`` (None if not set yet)."""
    history = _revisions(year, [level]).get((level, None if county is None else _county_id(county)))
    return _in_force(history, day)


def visible_counties(user: User | None) -> QuerySet[County]:
    """Counties whose drill-down the user may open: scoped through PoliceStation.for_user."""
    qs = County.objects.all()
    if user is None:
        return qs
    return qs.filter(pk__in=PoliceStation.objects.for_user(user).values("county_id"))


def _rank(rows: Iterable[County], rate_of: Callable[[County], Decimal | None],
          cumulative_of: Callable[[County], int]) -> dict[int, int]:
    """{county_id: rank} by completion rate as shown (cut to 0.1%), highest first; counties without a
    target after the others. Counties showing the same rate share a rank (并列, standard competition
    ranking: 1, 2, 2, 4); the listing order within a tie (higher cumulative, then code) decides no rank."""
    def shown(c: County) -> tuple[bool, Decimal]:
        rate = rate_of(c)
        return (rate is None, -(cut(rate * 100, 1) if rate is not None else Decimal(0)))

    ordered = sorted(rows, key=lambda c: (*shown(c), -cumulative_of(c), c.code))
    ranks: dict[int, int] = {}
    previous: tuple[bool, Decimal] | None = None
    rank = 0
    for position, c in enumerate(ordered, start=1):
        key = shown(c)
        if key != previous:
            rank, previous = position, key
        ranks[c.pk] = rank
    return ranks


def tied_ranks(ranks: Iterable[int]) -> set[int]:
    """The ranks held by more than one county (shown as 并列)."""
    seen: set[int] = set()
    tied: set[int] = set()
    for r in ranks:
        (tied if r in seen else seen).add(r)
    return tied


def _pace(as_of: datetime.date) -> Decimal:
    pace = ratio(days_elapsed(as_of), days_in_year(as_of.year))
    assert pace is not None  # a year has days
    return pace


def _projected_date(*, target: int, cumulative: int, as_of: datetime.date) -> datetime.date | None:
    """The day the target is met at the average daily rate so far, None if not within the year."""
    if not target or not cumulative:
        return None
    elapsed = days_elapsed(as_of)
    days_needed = -(-target * elapsed // cumulative)  # ceil(target ÷ (cumulative ÷ elapsed))
    day = datetime.date(as_of.year, 1, 1) + datetime.timedelta(days=days_needed - 1)
    return day if day.year == as_of.year else None


def _needed(remaining: int, periods_left: int, target: int) -> int | None:
    if not target:
        return None
    if remaining == 0:
        return 0
    if periods_left == 0:
        return None
    return math.ceil(remaining / periods_left)


# ---------------------------------------------------------------- selectors

def county_progress(*, year: int, as_of: datetime.date, user: User | None = None) -> CityProgress:
    """The city and its 11 counties at ``as_of`` (three queries).

    Ranks are computed among all counties; with ``user`` the county rows are those the user may
    see (a county officer or clerk gets their own county), the city totals stay city-wide as in
    the circulated bulletin."""
    as_of = clamp(year, as_of)
    jan1 = datetime.date(year, 1, 1)
    period = Period.containing(as_of)
    previous = period.previous()
    month_start = as_of.replace(day=1)

    county_rows = County.objects.all()
    if user is not None:
        county_rows = county_rows.annotate(
            visible=Exists(PoliceStation.objects.for_user(user).filter(county_id=OuterRef("pk"))),
            in_scope=Exists(County.objects.for_user(user).filter(pk=OuterRef("pk"))),
        )
    counties: list[Any] = list(county_rows)  # Counties, annotated with visible / in_scope given a user

    history = _revisions(year, [Level.PROVINCE, Level.CITY, Level.COUNTY])
    counts: dict[int, Any] = {  # {county_id: its counts}
        row["county_id"]: row
        for row in CompletionDaily.objects.filter(completed_on__gte=min(jan1, previous.start), completed_on__lte=as_of)
        .values("county_id")
        .annotate(
            cumulative=_persons(completed_on__gte=jan1),
            period_done=_persons(completed_on__gte=period.start),
            month_done=_persons(completed_on__gte=month_start),
            previous_period_done=_persons(completed_on__gte=previous.start, completed_on__lte=previous.end),
            previous_cumulative=_persons(completed_on__gte=jan1, completed_on__lte=previous.end),
        )
        .order_by()
    }
    empty = {"cumulative": 0, "period_done": 0, "month_done": 0, "previous_period_done": 0, "previous_cumulative": 0}

    def count(c: County, name: str) -> int:
        return counts.get(c.pk, empty)[name]

    def target_at(c: County, day: datetime.date) -> int:
        return _in_force(history.get((Level.COUNTY, c.pk)), day) or 0

    pace = _pace(as_of)
    periods_left = len(remaining_periods(as_of))
    rank = _rank(counties, lambda c: ratio(count(c, "cumulative"), target_at(c, as_of)),
                 lambda c: count(c, "cumulative"))
    previous_rank = None
    if previous.year == year:
        previous_rank = _rank(counties, lambda c: ratio(count(c, "previous_cumulative"), target_at(c, previous.end)),
                              lambda c: count(c, "previous_cumulative"))

    rows = []
    for c in counties:
        if user is not None and not c.visible:
            continue
        target = target_at(c, as_of)
        cumulative = count(c, "cumulative")
        rate = ratio(cumulative, target)
        remaining = max(target - cumulative, 0)
        prev = previous_rank[c.pk] if previous_rank else None
        rows.append(CountyProgress(
            county_id=c.pk, county_code=c.code, county_name=c.name, target=target,
            period_done=count(c, "period_done"), month_done=count(c, "month_done"), cumulative=cumulative,
            rate=rate, pace=pace, ahead_of_pace=rate is not None and rate >= pace,
            rank=rank[c.pk], previous_rank=prev, rank_change=(prev - rank[c.pk]) if prev else None,
            remaining=remaining, periods_left=periods_left,
            needed_per_period=_needed(remaining, periods_left, target),
            projected_date=_projected_date(target=target, cumulative=cumulative, as_of=as_of),
            previous_period_done=count(c, "previous_period_done"),
        ))
    rows.sort(key=lambda r: (r.rank, -r.cumulative, r.county_code))
    tied = tied_ranks(rank.values())
    for r in rows:
        r.rank_tied = r.rank in tied

    city_target = _in_force(history.get((Level.CITY, None)), as_of) or 0
    provincial = _in_force(history.get((Level.PROVINCE, None)), as_of)
    cumulative = sum(r["cumulative"] for r in counts.values())
    return CityProgress(
        year=year, as_of=as_of, target=city_target, provincial_target=provincial, cumulative=cumulative,
        period_done=sum(r["period_done"] for r in counts.values()),
        previous_period_done=sum(r["previous_period_done"] for r in counts.values()),
        month_done=sum(r["month_done"] for r in counts.values()),
        rate=ratio(cumulative, city_target), provincial_multiple=ratio(cumulative, provincial),
        pace=pace, counties=rows, whole_city=user is None or all(c.in_scope for c in counties),
    )


def station_progress(*, county: CountyRef, year: int, as_of: datetime.date) -> list[StationProgress]:
    """The county's police stations at ``as_of``, most transfers first (two queries)."""
    as_of = clamp(year, as_of)
    jan1 = datetime.date(year, 1, 1)
    period = Period.containing(as_of)
    counts = {
        row["station_id"]: row
        for row in CompletionStationDaily.objects.filter(county_id=_county_id(county), completed_on__gte=jan1,
                                                         completed_on__lte=as_of)
        .values("station_id")
        .annotate(
            cumulative=_persons(),
            period_done=_persons(completed_on__gte=period.start),
            month_done=_persons(completed_on__gte=as_of.replace(day=1)),
        )
        .order_by()
    }
    total = sum(r["cumulative"] for r in counts.values())
    rows = []
    for s in PoliceStation.objects.filter(county_id=_county_id(county)).order_by("code"):
        r = counts.get(s.pk, {"cumulative": 0, "period_done": 0, "month_done": 0})
        rows.append(StationProgress(
            station_id=s.pk, station_code=s.code, station_name=s.name, cumulative=r["cumulative"],
            period_done=r["period_done"], month_done=r["month_done"], share=ratio(r["cumulative"], total),
        ))
    rows.sort(key=lambda r: (-r.cumulative, r.station_code))
    return rows


def survey_pools(*, year: int, county: CountyRef | None = None) -> dict[str, int]:
    """{category: eligible} from the latest survey up to ``year`` (one query).

    City-wide without imported pools, the report's own counts (SURVEY_ELIGIBLE_2012) are used."""
    qs = SurveyPool.objects.filter(survey_year__lte=year)
    if county is not None:
        qs = qs.filter(county_id=_county_id(county))
    latest = qs.order_by("-survey_year").values("survey_year")[:1]
    pools = {
        row["category"]: row["eligible"]
        for row in qs.filter(survey_year__in=latest).values("category").annotate(eligible=Sum("eligible")).order_by()
    }
    if not pools and county is None and year >= 2012:
        pools = dict(SURVEY_ELIGIBLE_2012)
    return pools


def category_progress(*, year: int, as_of: datetime.date,
                      county: CountyRef | None = None) -> list[CategoryProgress]:
    """Transfers by category against the survey's eligible pool (two queries)."""
    as_of = clamp(year, as_of)
    period = Period.containing(as_of)
    qs = CompletionDaily.objects.filter(completed_on__gte=datetime.date(year, 1, 1), completed_on__lte=as_of)
    if county is not None:
        qs = qs.filter(county_id=_county_id(county))
    counts = {
        row["category"]: row
        for row in qs.values("category").annotate(
            cumulative=_persons(),
            period_done=_persons(completed_on__gte=period.start),
        ).order_by()
    }
    pools = survey_pools(year=year, county=county)
    total = sum(r["cumulative"] for r in counts.values())
    rows = []
    for value, label in Category.choices:
        r = counts.get(value, {"cumulative": 0, "period_done": 0})
        eligible = pools.get(value)
        rows.append(CategoryProgress(
            category=value, label=str(label), cumulative=r["cumulative"], period_done=r["period_done"],
            eligible=eligible, pool_rate=ratio(r["cumulative"], eligible), share=ratio(r["cumulative"], total),
        ))
    return rows


def period_series(*, year: int, as_of: datetime.date, county: CountyRef | None = None) -> list[PeriodPoint]:
    """The 36 ten-day periods of ``year``: done and cumulative against the target path (two queries)."""
    as_of = clamp(year, as_of)
    qs = CompletionDaily.objects.filter(completed_on__gte=datetime.date(year, 1, 1), completed_on__lte=as_of)
    if county is not None:
        qs = qs.filter(county_id=_county_id(county))
    by_day = qs.values("completed_on").annotate(n=_persons()).order_by()
    per_period: dict[Period, int] = {}
    for row in by_day:
        assert row["completed_on"] is not None  # filtered on it above
        key = Period.containing(row["completed_on"])
        per_period[key] = per_period.get(key, 0) + row["n"]
    if county is None:
        history = _revisions(year, [Level.CITY]).get((Level.CITY, None))
    else:
        history = _revisions(year, [Level.COUNTY]).get((Level.COUNTY, _county_id(county)))
    total_days = days_in_year(year)
    points = []
    cumulative = 0
    for p in periods_of_year(year):
        target = _in_force(history, min(p.end, as_of)) or 0
        path = target * days_elapsed(p.end) // total_days
        if p.start > as_of:
            points.append(PeriodPoint(period=p, done=None, cumulative=None, target=target, target_path=path))
            continue
        n = per_period.get(p, 0)
        cumulative += n
        points.append(PeriodPoint(period=p, done=n, cumulative=cumulative, target=target, target_path=path))
    return points


def multi_year_progress(*, as_of: datetime.date | None = None) -> MultiYearProgress:
    """The city's path against the goal of 1,550,000 by 2020: one row per planned year (two queries)."""
    as_of = as_of or datetime.date.today()
    finals = {}
    for year, effective_on, amount in (
        TargetRevision.objects.filter(target__level=Level.CITY)
        .order_by("effective_on", "id")
        .values_list("target__year", "effective_on", "amount")
    ):
        if year < as_of.year or effective_on <= as_of:
            finals[year] = amount  # the last revision of a past year; the one in force for this year
        else:
            finals.setdefault(year, amount)  # a future year's plan
    if not finals:
        return MultiYearProgress(as_of=as_of, goal=GOAL_TOTAL, goal_year=GOAL_YEAR, planned_total=0,
                                 cumulative=0, goal_rate=ratio(0, GOAL_TOTAL), years=[])
    first = min(finals)
    last = max(max(finals), GOAL_YEAR)
    done_by_year = dict(
        CompletionDaily.objects.filter(completed_on__gte=datetime.date(first, 1, 1), completed_on__lte=as_of)
        .annotate(y=ExtractYear("completed_on"))
        .values("y")
        .annotate(n=_persons())
        .order_by()
        .values_list("y", "n")
    )
    years = []
    cumulative = planned = 0
    for year in range(first, last + 1):
        planned += finals.get(year, 0)
        if year <= as_of.year:
            done = done_by_year.get(year, 0)
            cumulative += done
            years.append(YearProgress(year=year, target=finals.get(year), done=done, cumulative=cumulative,
                                      planned_cumulative=planned))
        else:
            years.append(YearProgress(year=year, target=finals.get(year), done=None, cumulative=None,
                                      planned_cumulative=planned))
    return MultiYearProgress(as_of=as_of, goal=GOAL_TOTAL, goal_year=GOAL_YEAR, planned_total=planned,
                             cumulative=cumulative, goal_rate=ratio(cumulative, GOAL_TOTAL), years=years)


def target_list(*, user: User, year: int | None = None) -> QuerySet[Target]:
    """Targets the user may see, with their revisions."""
    qs = Target.objects.for_user(user).select_related("county", "member_unit").prefetch_related("revisions")
    if year:
        qs = qs.filter(year=year)
    return qs


def target_years() -> list[int]:
    """The years with any target (city, county or member unit), oldest first (one query)."""
    return list(Target.objects.values_list("year", flat=True).distinct().order_by("year"))


def latest_target_year() -> int | None:
    """The latest year with a city target (the dashboard offers it when the current year has none)."""
    return Target.objects.filter(level=Level.CITY).order_by("-year").values_list("year", flat=True).first()


@dataclass
class MemberUnitProgress:
    member_unit_id: int
    code: str
    name: str
    county_names: list[str]
    target: int
    cumulative: int                 # transfers of the linked counties (挂钩县区)
    rate: Decimal | None


def member_unit_progress(*, year: int, as_of: datetime.date,
                         counties: list[CountyProgress]) -> list[MemberUnitProgress]:
    """Member units against their targets, counting the transfers of the counties they are linked to.

    ``counties`` are the CountyProgress rows of county_progress (all counties). Three queries."""
    as_of = clamp(year, as_of)
    by_county = {c.county_id: c for c in counties}
    history: dict[int, History] = {}
    for unit_id, effective_on, amount in (
        TargetRevision.objects.filter(target__year=year, target__level=Level.MEMBER_UNIT)
        .order_by("effective_on", "id")
        .values_list("target__member_unit_id", "effective_on", "amount")
    ):
        history.setdefault(unit_id, []).append((effective_on, amount))
    rows = []
    for unit in MemberUnit.objects.prefetch_related("linked_counties").order_by("code"):
        linked = [c for c in unit.linked_counties.all() if c.pk in by_county]
        target = _in_force(history.get(unit.pk), as_of) or 0
        cumulative = sum(by_county[c.pk].cumulative for c in linked)
        rows.append(MemberUnitProgress(
            member_unit_id=unit.pk, code=unit.code, name=unit.name, county_names=[c.name for c in linked],
            target=target, cumulative=cumulative, rate=ratio(cumulative, target),
        ))
    return rows
