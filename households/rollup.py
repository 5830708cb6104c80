"""The one writer of the completion summary tables (``CompletionRollup``, ``CompletionDaily`` and
``CompletionStationDaily``).

Every service that changes a completion (completing an application, correcting its date, correcting
a completed person's category, sex or birth date, withdrawing a completed application as a duplicate,
importing completed rows, loading the demo year)
calls ``rollup_apply`` — or ``rollup_rebuild`` for a range of days it wrote in bulk — inside its own
transaction, so the counts move with the rows or not at all. ``rollup_drift`` compares the tables
with the raw rows (the scheduled check repairs what it finds).

Counts are added with one UPSERT a key (``nongzhuancheng.bulk.add_counts``), which two concurrent
completions cannot lose. Keys whose count falls to zero are deleted."""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, DateField, F, Func, IntegerField, Q, Sum, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import GreaterThan

from nongzhuancheng import bulk

from .models import Person
from .rollup_models import AgeBand, CompletionDaily, CompletionRollup, CompletionStationDaily

log = logging.getLogger(__name__)

# (completed_on, county_id, station_id, category, sex, age_band)
Key = tuple[datetime.date, int, int, str, str, str]
KEY_FIELDS = ("completed_on", "county_id", "station_id", "category", "sex", "age_band")
DAILY_FIELDS = ("completed_on", "county_id", "category")
STATION_FIELDS = ("completed_on", "county_id", "station_id")
_BANDS = ((18, AgeBand.UNDER_18), (35, AgeBand.AGE_18_34), (60, AgeBand.AGE_35_59))


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_band(birth_date: datetime.date, day: datetime.date) -> str:
    age = age_on(birth_date, day)
    for upper, band in _BANDS:
        if age < upper:
            return band.value
    return AgeBand.AGE_60_UP.value


def completion_key(completed_on: datetime.date, county_id: int, station_id: int, category: str, sex: str,
                   birth_date: datetime.date) -> Key:
    """The rollup key of a completed person given its values (for rows written without instances)."""
    return (completed_on, county_id, station_id, category, sex, age_band(birth_date, completed_on))


def person_key(person: Any) -> Key | None:
    """The rollup key of a person (a Person or anything with its attributes); None if not completed."""
    if person.completed_on is None:
        return None
    return completion_key(person.completed_on, person.county_id, person.station_id, person.category, person.sex,
                          person.birth_date)


def keys_of(people: Iterable[Any]) -> Counter[Key]:
    """{key: persons} of the completed ones among ``people``."""
    out: Counter[Key] = Counter()
    for p in people:
        key = person_key(p)
        if key is not None:
            out[key] += 1
    return out


def application_keys(application_id: int) -> Counter[Key]:
    """{key: persons} of an application's completed members, read from the rows now (one query)."""
    return keys_of(_Row(*r) for r in Person.objects.filter(application_id=application_id).values_list(
        "completed_on", "county_id", "station_id", "category", "sex", "birth_date"))


@dataclass
class _Row:
    completed_on: datetime.date | None
    county_id: int
    station_id: int
    category: str
    sex: str
    birth_date: datetime.date


def rollup_change(before: Counter[Key], after: Counter[Key]) -> None:
    """Apply the difference between two countings of the same rows (before and after a change)."""
    rollup_apply({k: after.get(k, 0) - before.get(k, 0) for k in before.keys() | after.keys()})


def rollup_apply(deltas: Counter[Key] | dict[Key, int]) -> None:
    """Add (or, with negative counts, subtract) persons to the summary tables, in the current
    transaction. Zero deltas are skipped; rows that fall to zero are deleted."""
    fine = {k: n for k, n in deltas.items() if n}
    if not fine:
        return
    daily: Counter[tuple[datetime.date, int, str]] = Counter()
    stations: Counter[tuple[datetime.date, int, int]] = Counter()
    for (day, county_id, station_id, category, _sex, _band), n in fine.items():
        daily[(day, county_id, category)] += n
        stations[(day, county_id, station_id)] += n
    _upsert(CompletionRollup, KEY_FIELDS, fine)
    _upsert(CompletionDaily, DAILY_FIELDS, {k: n for k, n in daily.items() if n})
    _upsert(CompletionStationDaily, STATION_FIELDS, {k: n for k, n in stations.items() if n})


def _upsert(model: Any, fields: tuple[str, ...], deltas: dict[Any, int]) -> None:
    bulk.add_counts(model, fields, deltas, count="persons")


class _YearsBefore(Func):
    """``day`` minus whole years (PostgreSQL: ``day - interval 'n years'``, 29 February to the 28th)."""

    output_field = DateField()

    def __init__(self, day: str, years: int) -> None:
        super().__init__(F(day), Value(f"{int(years)} years"))

    def as_sql(self, compiler: Any, connection: Any, function: Any = None, template: Any = None,
               arg_joiner: Any = None, **extra_context: Any) -> Any:
        day, day_params = compiler.compile(self.source_expressions[0])
        years, years_params = compiler.compile(self.source_expressions[1])
        return f"({day} - CAST({years} AS interval))", [*day_params, *years_params]


def age_band_expression() -> tuple[Case, Any]:
    """(band, age): the age band at completion in SQL and the age it reads (annotate ``age`` first).

    On PostgreSQL the band compares the birth date with the completion day minus 18, 35 and 60 years
    (three date comparisons a row: about three times faster than the age from its year, month and
    day parts, and the same band: a birth date after ``day - n years`` is an age below n, 29 February
    included); elsewhere it computes the age."""
    age = (ExtractYear("completed_on") - ExtractYear("birth_date")
           - Case(When(Q(completed_on__month__lt=ExtractMonth("birth_date"))
                       | Q(completed_on__month=ExtractMonth("birth_date"), completed_on__day__lt=ExtractDay("birth_date")),
                       then=Value(1)), default=Value(0), output_field=IntegerField()))
    if connection.vendor == "postgresql":
        whens = [When(GreaterThan(F("birth_date"), _YearsBefore("completed_on", upper)), then=Value(band.value))
                 for upper, band in _BANDS]
        return Case(*whens, default=Value(AgeBand.AGE_60_UP.value), output_field=CharField()), age
    whens = [When(Q(age__lt=upper), then=Value(band.value)) for upper, band in _BANDS]
    return Case(*whens, default=Value(AgeBand.AGE_60_UP.value)), age


def _raw_query(since: datetime.date | None, until: datetime.date | None) -> Any:
    """The people rows grouped by key: (completed_on, county_id, station_id, category, sex, band, n)."""
    band, age = age_band_expression()
    qs = Person.objects.filter(completed_on__isnull=False)
    if since is not None:
        qs = qs.filter(completed_on__gte=since)
    if until is not None:
        qs = qs.filter(completed_on__lte=until)
    return (qs.annotate(age=age).annotate(band=band)
            .values_list("completed_on", "county_id", "station_id", "category", "sex", "band")
            .annotate(n=Count("id")).order_by())


def raw_counts(*, since: datetime.date | None = None, until: datetime.date | None = None) -> Iterator[tuple[Key, int]]:
    """(key, persons) grouped from the raw people rows (one query)."""
    for *key, n in _raw_query(since, until):
        yield tuple(key), n


def _in_range(model: Any, since: datetime.date | None, until: datetime.date | None) -> Any:
    qs = model.objects.all()
    if since is not None:
        qs = qs.filter(completed_on__gte=since)
    if until is not None:
        qs = qs.filter(completed_on__lte=until)
    return qs


def rollup_rebuild(*, since: datetime.date | None = None, until: datetime.date | None = None,
                   station_table: bool = True) -> int:
    """Recompute the summary tables from the raw rows for the days in [since, until] (all days by
    default), in the current transaction. Returns the persons counted. (``station_table=False``: for
    the migration that created the first two tables, before the day × station table existed.)"""
    _in_range(CompletionRollup, since, until).delete()
    _in_range(CompletionDaily, since, until).delete()
    if station_table:
        _in_range(CompletionStationDaily, since, until).delete()
    qn = connection.ops.quote_name
    select, select_params = _raw_query(since, until).query.sql_with_params()
    with connection.cursor() as cur:  # one statement: the database groups and writes
        cur.execute(f"INSERT INTO {qn(CompletionRollup._meta.db_table)} "
                    f"({', '.join(qn(f) for f in (*KEY_FIELDS, 'persons'))}) {select}", select_params)
    where, params = [], []
    if since is not None:
        where.append("completed_on >= %s")
        params.append(connection.ops.adapt_datefield_value(since))
    if until is not None:
        where.append("completed_on <= %s")
        params.append(connection.ops.adapt_datefield_value(until))
    fine = qn(CompletionRollup._meta.db_table)
    range_sql = f"{'WHERE ' + ' AND '.join(where) if where else ''}"
    with connection.cursor() as cur:  # the coarser tables from the fine one
        cur.execute(
            f"INSERT INTO {qn(CompletionDaily._meta.db_table)} (completed_on, county_id, category, persons) "
            f"SELECT completed_on, county_id, category, SUM(persons) FROM {fine} {range_sql} "
            "GROUP BY completed_on, county_id, category", params)
        if station_table:
            cur.execute(
                f"INSERT INTO {qn(CompletionStationDaily._meta.db_table)} (completed_on, county_id, station_id, "
                f"persons) SELECT completed_on, county_id, station_id, SUM(persons) FROM {fine} {range_sql} "
                "GROUP BY completed_on, county_id, station_id", params)
    return _in_range(CompletionDaily, since, until).aggregate(n=Sum("persons"))["n"] or 0


@dataclass
class Drift:
    keys: int            # keys whose count differs between the fine table and the raw rows
    persons: int         # the sum of the absolute differences
    daily_keys: int      # keys of the daily table that differ from the fine table
    station_keys: int = 0  # keys of the day × station table that differ from the fine table

    @property
    def any(self) -> bool:
        return bool(self.keys or self.daily_keys or self.station_keys)


def rollup_drift() -> Drift:
    """Compare the summary tables with the raw rows (and the daily table with the fine one)."""
    raw = dict(raw_counts())
    fine = {tuple(r[:-1]): r[-1] for r in CompletionRollup.objects.values_list(*KEY_FIELDS, "persons").iterator()}
    diff = {k: raw.get(k, 0) - fine.get(k, 0) for k in raw.keys() | fine.keys()}
    diff = {k: d for k, d in diff.items() if d}
    daily_raw: Counter[tuple[Any, ...]] = Counter()
    station_raw: Counter[tuple[Any, ...]] = Counter()
    for (day, county_id, station_id, category, _x, _b), n in raw.items():
        daily_raw[(day, county_id, category)] += n
        station_raw[(day, county_id, station_id)] += n

    def differing(model: Any, fields: tuple[str, ...], expected: Counter[tuple[Any, ...]]) -> int:
        table = {tuple(r[:-1]): r[-1] for r in model.objects.values_list(*fields, "persons").iterator()}
        return sum(1 for k in expected.keys() | table.keys() if expected.get(k, 0) != table.get(k, 0))

    return Drift(keys=len(diff), persons=sum(abs(d) for d in diff.values()),
                 daily_keys=differing(CompletionDaily, DAILY_FIELDS, daily_raw),
                 station_keys=differing(CompletionStationDaily, STATION_FIELDS, station_raw))


def rollup_check(*, repair: bool = True) -> Drift:
    """The scheduled check: log any drift and, with ``repair``, rebuild the tables."""
    drift = rollup_drift()
    if drift.any:
        log.warning("completion rollup drift: %s keys (%s persons), %s daily keys, %s station keys%s", drift.keys,
                    drift.persons, drift.daily_keys, drift.station_keys, "; rebuilding" if repair else "")
        if repair:
            with transaction.atomic():
                rollup_rebuild()
    else:
        log.info("completion rollup exact")
    return drift
