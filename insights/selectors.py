"""Statistics of the transferred: the dimensions, the cross-table of any two, the people of a cell.

Counted people are the completed ones (``Person.completed_on`` set) in the user's scope
(``for_user(user, VIEW_STATISTICS)``), in the period asked (a year or completion dates) and the
place asked (county, station, township). Every figure is one SQL ``GROUP BY``: read from the
completion rollup (``households.rollup_models.CompletionRollup``) when both dimensions and every
filter are among its columns (sex, age band, category, county, station), otherwise from the people
rows (joined to their household for income, to one kind of entitlement case for its state).

**Age** is the age in whole years on the day of completion (the rollup's age band,
``households.rollup.age_band``): a person's band never moves afterwards, so a table of 2012 reads
the same next year. The list of a cell (``people_of``) applies exactly the same conditions, so its
count is the cell's.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from entitlements.models import GuaranteeCase, GuaranteeKind, Retention, RetentionKind
from households.income import income_band_expression, income_band_filter
from households.models import Person
from households.reference import Category, Education, Employment, Ethnicity, IncomeBand, IncomeSource, Sex
from households.rollup import age_band_expression
from households.rollup_models import AgeBand, CompletionDaily, CompletionRollup
from nongzhuancheng.models import County, PoliceStation
from nongzhuancheng.scoping import VIEW_STATISTICS

NONE = "none"  # the code of "not filled in" and of "no case of this kind"
NONE_LABEL = _("未填")
NO_CASE_LABEL = _("无此项")


@dataclass(frozen=True)
class Dimension:
    """One way of dividing the transferred people.

    ``group`` is what the query groups by (a Person field path, or an annotation named ``key``
    made by ``annotate``); ``condition(code)`` is the filter of one value, for the people list;
    ``rollup`` the CompletionRollup column when the rollup holds this dimension."""

    key: str
    label: Any
    choices: tuple[tuple[str, Any], ...]
    group: str
    condition: Callable[[str], Any]  # a Q or an Exists
    annotate: Callable[[], dict[str, Any]] | None = None
    rollup: str | None = None
    blank_is_none: bool = False  # the field's blank value counts as NONE
    show_empty: bool = True  # values with no people are shown (not for the long lists)

    def code_of(self, value: Any) -> str:
        if value is None or (self.blank_is_none and value == ""):
            return NONE
        return str(value)


def _field(path: str, *, blank: bool = False) -> Callable[[str], Q]:
    def condition(code: str) -> Q:
        return Q(**{path: "" if blank and code == NONE else code})
    return condition


def _with_none(choices: Any, label: Any = NONE_LABEL) -> tuple[tuple[str, Any], ...]:
    return (*((str(v), lab) for v, lab in choices), (NONE, label))


def _age_annotations() -> dict[str, Any]:
    band, age = age_band_expression()
    return {"age": age, "age_band": band}


def _age_condition(code: str) -> Q:
    return Q(age_band=code)


def _case_dimension(kind: str, label: Any, model: Any, relation: str, prefix: str) -> Dimension:
    """The state of one kind of guarantee or retention; NONE when the person has no case of it."""
    key = f"{prefix}_{kind}"

    def annotate() -> dict[str, Any]:
        alias = f"_{key}"
        return {alias: FilteredRelation(relation, condition=Q(**{f"{relation}__kind": kind})),
                key: Coalesce(F(f"{alias}__state"), Value(NONE))}

    def condition(code: str) -> Any:
        cases = model.objects.filter(person_id=OuterRef("pk"), kind=kind)
        if code == NONE:
            return ~Exists(cases)
        return Exists(cases.filter(state=code))

    return Dimension(key, label, _with_none(model.State.choices, NO_CASE_LABEL), key, condition, annotate=annotate)


def _dimensions() -> dict[str, Dimension]:
    dims = [
        Dimension("sex", _("性别"), tuple((str(v), lab) for v, lab in Sex.choices), "sex", _field("sex"), rollup="sex"),
        Dimension("age_band", _("年龄段（办结时）"), tuple((str(v), lab) for v, lab in AgeBand.choices), "age_band",
                  _age_condition, annotate=_age_annotations, rollup="age_band"),
        Dimension("ethnicity", _("民族"), tuple((str(v), lab) for v, lab in Ethnicity.choices), "ethnicity",
                  _field("ethnicity"), show_empty=False),
        Dimension("education", _("文化程度"), _with_none(Education.choices), "education",
                  _field("education", blank=True), blank_is_none=True),
        Dimension("income_band", _("家庭年收入"), tuple((str(v), lab) for v, lab in IncomeBand.choices), "income_band",
                  lambda code: income_band_filter(code, "household__annual_income"),
                  annotate=lambda: {"income_band": income_band_expression("household__annual_income")}),
        Dimension("income_source", _("主要收入来源"), _with_none(IncomeSource.choices), "household__income_source",
                  _field("household__income_source", blank=True), blank_is_none=True),
        Dimension("employment", _("就业状况"), _with_none(Employment.choices), "employment",
                  _field("employment", blank=True), blank_is_none=True),
        Dimension("category", _("转户类别"), tuple((str(v), lab) for v, lab in Category.choices), "category",
                  _field("category"), rollup="category"),
        Dimension("region", _("区域"), (), "region", lambda code: Q(), show_empty=False),  # see region_level
    ]
    for kind in GuaranteeKind:
        dims.append(_case_dimension(kind.value, _("保障：%(k)s") % {"k": kind.label}, GuaranteeCase, "guarantees",
                                    "guarantee"))
    for retention in RetentionKind:
        dims.append(_case_dimension(retention.value, _("保留：%(k)s") % {"k": retention.label}, Retention, "retentions",
                                    "retention"))
    return {d.key: d for d in dims}


DIMENSIONS = _dimensions()


# The region: its level follows the place already chosen --------------------------------------

COUNTY, STATION, TOWNSHIP = "county", "station", "township"


def _stations_in_scope(user: Any) -> int:
    return PoliceStation.objects.for_user(user, VIEW_STATISTICS).count()


def region_level(user: Any, filters: dict[str, Any]) -> str:
    """Counties for a city-wide view, the stations of one county, the townships of one station: a
    station or county chosen, or the only one in the user's scope (a clerk's, a county officer's)."""
    if filters.get("station") or _stations_in_scope(user) == 1:
        return TOWNSHIP
    if filters.get("county") or County.objects.for_user(user, VIEW_STATISTICS).count() == 1:
        return STATION
    return COUNTY


def _region(level: str, user: Any, filters: dict[str, Any]) -> Dimension:
    label = {COUNTY: _("县区"), STATION: _("派出所"), TOWNSHIP: _("乡镇")}[level]
    if level == COUNTY:
        choices = tuple((str(c.pk), c.name) for c in County.objects.for_user(user, VIEW_STATISTICS).order_by("code"))
        return Dimension("region", label, choices, "county_id", lambda code: Q(county_id=_int(code)),
                         rollup="county_id", show_empty=True)
    if level == STATION:
        stations = PoliceStation.objects.for_user(user, VIEW_STATISTICS).order_by("code")
        if filters.get("county"):
            stations = stations.filter(county_id=filters["county"])
        choices = tuple((str(s.pk), s.name) for s in stations)
        return Dimension("region", label, choices, "station_id", lambda code: Q(station_id=_int(code)),
                         rollup="station_id", show_empty=False)
    return Dimension("region", label, (), "household__township", lambda code: Q(household__township=code),
                     show_empty=False)


def _int(code: str) -> int:
    try:
        return int(code)
    except ValueError:
        return 0


def dimension(key: str, *, user: Any, filters: dict[str, Any]) -> Dimension:
    """The dimension named ``key`` (the region at the level the filters give)."""
    if key == "region":
        return _region(region_level(user, filters), user, filters)
    return DIMENSIONS[key]


# The people counted ------------------------------------------------------------------------

def period_of(filters: dict[str, Any]) -> tuple[datetime.date | None, datetime.date | None]:
    """The completion dates [from, to] of ``year`` / ``completed_from`` / ``completed_to``."""
    start, end = filters.get("completed_from"), filters.get("completed_to")
    year = filters.get("year")
    if year:
        start = max(start, datetime.date(year, 1, 1)) if start else datetime.date(year, 1, 1)
        end = min(end, datetime.date(year, 12, 31)) if end else datetime.date(year, 12, 31)
    return start, end


def _place_and_period(qs: QuerySet[Any], filters: dict[str, Any]) -> QuerySet[Any]:
    start, end = period_of(filters)
    qs = qs.filter(completed_on__isnull=False)
    if start:
        qs = qs.filter(completed_on__gte=start)
    if end:
        qs = qs.filter(completed_on__lte=end)
    if filters.get("county"):
        qs = qs.filter(county_id=filters["county"])
    if filters.get("station"):
        qs = qs.filter(station_id=filters["station"])
    return qs


def people_counted(*, user: Any, filters: dict[str, Any]) -> QuerySet[Person]:
    """The transferred people of the period and place, in the user's scope."""
    qs = _place_and_period(Person.objects.for_user(user, VIEW_STATISTICS), filters)
    if filters.get("township"):
        qs = qs.filter(household__township=filters["township"])
    return qs


def people_of(*, user: Any, filters: dict[str, Any], cell: dict[str, str]) -> QuerySet[Person]:
    """The people behind one cell: ``cell`` maps dimension keys to a value code each."""
    qs = people_counted(user=user, filters=filters)
    for key, code in cell.items():
        dim = dimension(key, user=user, filters=filters)
        if dim.key in ("age_band", "income_band"):  # their condition reads the annotation
            qs = _annotated(qs, dim)
        qs = qs.filter(dim.condition(code))
    return qs


# The cross-table ---------------------------------------------------------------------------

@dataclass
class Table:
    rows: Dimension
    cols: Dimension
    row_values: list[tuple[str, str]]  # (code, label)
    col_values: list[tuple[str, str]]
    counts: dict[tuple[str, str], int]
    source: str  # "rollup", "daily rollup" or "people"
    row_totals: dict[str, int] = field(default_factory=dict)
    col_totals: dict[str, int] = field(default_factory=dict)
    total: int = 0

    def count(self, row: str, col: str) -> int:
        return self.counts.get((row, col), 0)

    def matrix(self) -> list[tuple[str, str, list[tuple[str, int]], int]]:
        """[(row code, row label, [(col code, count)], row total)] in display order."""
        return [(r, label, [(c, self.count(r, c)) for c, _l in self.col_values], self.row_totals.get(r, 0))
                for r, label in self.row_values]


def _annotated(qs: QuerySet[Any], dim: Dimension) -> QuerySet[Any]:
    """``qs`` with the dimension's annotations, one at a time (a later one may read an earlier)."""
    for name, expression in (dim.annotate() if dim.annotate is not None else {}).items():
        qs = qs.annotate(**{name: expression})
    return qs


DAILY_COLUMNS = {"county_id", "category"}


def _rollup_fits(rows: Dimension, cols: Dimension, filters: dict[str, Any]) -> bool:
    return bool(rows.rollup and cols.rollup and not filters.get("township"))


def _grouped(user: Any, rows: Dimension, cols: Dimension, filters: dict[str, Any]) -> tuple[list[tuple[Any, Any, int]], str]:
    if rows.rollup and cols.rollup and _rollup_fits(rows, cols, filters):
        # county and category only, no station chosen or in scope (the daily table has no station
        # column): the daily table, about 25 times fewer rows
        daily = ({rows.rollup, cols.rollup} <= DAILY_COLUMNS and not filters.get("station")
                 and _stations_in_scope(user) != 1)
        model = CompletionDaily if daily else CompletionRollup
        summary = _place_and_period(model.objects.for_user(user, VIEW_STATISTICS), filters)
        got = summary.values_list(rows.rollup, cols.rollup).annotate(n=Sum("persons")).order_by()
        return [(r, c, int(n)) for r, c, n in got], "daily rollup" if daily else "rollup"
    qs: QuerySet[Any] = people_counted(user=user, filters=filters)
    for dim in (rows, cols):
        qs = _annotated(qs, dim)
    got = qs.values_list(rows.group, cols.group).annotate(n=Count("pk")).order_by()
    return [(r, c, int(n)) for r, c, n in got], "people"


def cross_table(*, user: Any, rows: str, cols: str, filters: dict[str, Any]) -> Table:
    """The counts of people by two dimensions, with row and column totals (one GROUP BY)."""
    row_dim, col_dim = dimension(rows, user=user, filters=filters), dimension(cols, user=user, filters=filters)
    grouped, source = _grouped(user, row_dim, col_dim, filters)
    counts: dict[tuple[str, str], int] = {}
    for r, c, n in grouped:
        key = (row_dim.code_of(r), col_dim.code_of(c))
        counts[key] = counts.get(key, 0) + n
    row_totals: dict[str, int] = {}
    col_totals: dict[str, int] = {}
    for (r, c), n in counts.items():
        row_totals[r] = row_totals.get(r, 0) + n
        col_totals[c] = col_totals.get(c, 0) + n
    return Table(rows=row_dim, cols=col_dim, row_values=_values(row_dim, row_totals),
                 col_values=_values(col_dim, col_totals), counts=counts, source=source,
                 row_totals=row_totals, col_totals=col_totals, total=sum(counts.values()))


def _values(dim: Dimension, totals: dict[str, int]) -> list[tuple[str, str]]:
    """The values shown: the dimension's in order (those without people only where it shows them),
    then any others the data holds (free-text townships)."""
    out = [(code, str(label)) for code, label in dim.choices if dim.show_empty or totals.get(code)]
    known = {code for code, _l in dim.choices}
    extra = sorted(code for code in totals if code not in known)
    out += [(code, NONE_LABEL if code == NONE else code) for code in extra]  # type: ignore[misc]
    return [(code, str(label)) for code, label in out]


def label_of(dim: Dimension, code: str) -> str:
    for value, label in dim.choices:
        if value == code:
            return str(label)
    return str(NONE_LABEL) if code == NONE else code


CHOICES = [(d.key, d.label) for d in DIMENSIONS.values()]
