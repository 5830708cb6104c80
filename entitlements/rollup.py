"""The one writer of the records' summary tables (``GuaranteeDaily``, ``RetentionDaily``, ``DeliveryDays``).

The rule — what a record counts as on a day D (opened on or before D) — is stated once, here, twice
over: in Python for the rows a service writes (``case_state_on``, ``retention_state_on``) and in SQL
for the rebuild (``_case_state_sql``, ``_retention_state_sql``); the tests hold the two and the
records' own counting (``entitlements.selectors``) to the same figures.

* A guarantee case in "not needed", "requested" or "in progress" counts in that state. A case
  delivered or refused counts so from the day it was; before that it counts "in progress" if it had
  been started by then, otherwise "requested". (A case asked again after a refusal counts by its
  latest request.)
* A retention circulated or given up counts so from the day of the change; before it, and whenever
  it is kept, as "kept".

A record's state is a step function of D with steps only on its own dates (opened, started,
delivered or refused, changed), so the tables hold, for each such day, the change in the number of
records in each state: the figures as of D add the rows up to D.

Every service that writes a record calls ``records_opened`` for the records it created, or wraps
its change in ``following(...)``, which reads the contributions of the rows before and after (the
rows locked) and applies the difference, in the service's transaction. ``rollup_drift`` compares
the tables with a count from the records; the scheduled check repairs what it finds."""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Greatest

from nongzhuancheng import bulk

from .models import GuaranteeCase, Retention
from .rollup_models import DeliveryDays, GuaranteeDaily, RetentionDaily

log = logging.getLogger(__name__)

G = GuaranteeCase.State
R = Retention.State

# (day, county_id, kind, state) and (day, county_id, kind, days)
StateKey = tuple[datetime.date, int, str, str]
DaysKey = tuple[datetime.date, int, str, int]
STATE_FIELDS = ("day", "county", "kind", "state")
DAYS_FIELDS = ("day", "county", "kind", "days")

CASE_VALUES = ("pk", "county_id", "kind", "state", "opened_on", "started_on", "delivered_on", "refused_on",
               "days_to_deliver")
RETENTION_VALUES = ("pk", "county_id", "kind", "state", "opened_on", "changed_on")


# The rule, in Python --------------------------------------------------------------------------

def _closed_on(case: Any) -> datetime.date | None:
    if case.state == G.DELIVERED:
        return case.delivered_on
    if case.state == G.REFUSED:
        return case.refused_on
    return None


def case_state_on(case: Any, day: datetime.date) -> str | None:
    """The state a guarantee case counts in on ``day`` (opened by then); None: in none (a closed
    case without its closing date)."""
    if case.state in (G.NOT_NEEDED, G.REQUESTED, G.IN_PROGRESS):
        return case.state
    closed_on = _closed_on(case)
    if closed_on is None:
        return None
    if closed_on <= day:
        return case.state
    return G.IN_PROGRESS if case.started_on is not None and case.started_on <= day else G.REQUESTED


def retention_state_on(retention: Any, day: datetime.date) -> str:
    if retention.state != R.KEPT and retention.changed_on is not None and retention.changed_on <= day:
        return retention.state
    return R.KEPT


def _steps(record: Any, dates: Iterable[datetime.date | None], state_on: Any) -> Iterator[tuple[datetime.date, Any, Any]]:
    """(day, state before, state from then) for each day the record's state changes, from its opening."""
    opened = record.opened_on
    before = None
    for day in sorted({opened, *(d for d in dates if d is not None and d > opened)}):
        now = state_on(record, day)
        if now != before:
            yield day, before, now
            before = now


def case_changes(cases: Iterable[Any]) -> tuple[Counter[StateKey], Counter[DaysKey]]:
    """What guarantee cases (instances, plain records or value rows as objects) add to the tables."""
    states: Counter[StateKey] = Counter()
    days: Counter[DaysKey] = Counter()
    for c in cases:
        for day, before, now in _steps(c, (c.started_on, _closed_on(c)), case_state_on):
            if before is not None:
                states[(day, c.county_id, c.kind, before)] -= 1
            if now is not None:
                states[(day, c.county_id, c.kind, now)] += 1
        if c.state == G.DELIVERED and c.delivered_on is not None:
            days[(max(c.opened_on, c.delivered_on), c.county_id, c.kind, c.days_to_deliver or 0)] += 1
    return states, days


def retention_changes(retentions: Iterable[Any]) -> Counter[StateKey]:
    states: Counter[StateKey] = Counter()
    for r in retentions:
        for day, before, now in _steps(r, (r.changed_on,), retention_state_on):
            if before is not None:
                states[(day, r.county_id, r.kind, before)] -= 1
            states[(day, r.county_id, r.kind, now)] += 1
    return states


# Writing ----------------------------------------------------------------------------------------

def _apply(cases: tuple[Counter[StateKey], Counter[DaysKey]], retentions: Counter[StateKey], sign: int = 1) -> None:
    states, days = cases
    bulk.add_counts(GuaranteeDaily, STATE_FIELDS, {k: sign * n for k, n in states.items()}, count="change",
                    signed=True)
    bulk.add_counts(DeliveryDays, DAYS_FIELDS, {k: sign * n for k, n in days.items()}, count="cases")
    bulk.add_counts(RetentionDaily, STATE_FIELDS, {k: sign * n for k, n in retentions.items()}, count="change",
                    signed=True)


def records_opened(retentions: Iterable[Any], cases: Iterable[Any]) -> None:
    """Count records just written (in the writing transaction)."""
    _apply(case_changes(cases), retention_changes(retentions))


class _Row:
    def __init__(self, names: tuple[str, ...], values: tuple[Any, ...]) -> None:
        self.__dict__.update(zip(names, values, strict=True))


def _rows(qs: QuerySet, names: tuple[str, ...]) -> list[_Row]:
    return [_Row(names, v) for v in qs.values_list(*names)]


@contextmanager
def following(*, cases: QuerySet | None = None, retentions: QuerySet | None = None) -> Iterator[None]:
    """Keep the tables in step with a change of the rows of ``cases`` and ``retentions`` made inside
    the block: the rows are locked and counted before, counted again after (by the same ids), and
    the difference is applied — all in one transaction with the change."""
    with transaction.atomic():
        case_ids = list(cases.select_for_update().order_by("pk").values_list("pk", flat=True)) if cases is not None else []
        ret_ids = (list(retentions.select_for_update().order_by("pk").values_list("pk", flat=True))
                   if retentions is not None else [])

        def count() -> tuple[tuple[Counter[StateKey], Counter[DaysKey]], Counter[StateKey]]:
            c = _rows(GuaranteeCase.objects.filter(pk__in=case_ids), CASE_VALUES) if case_ids else []
            r = _rows(Retention.objects.filter(pk__in=ret_ids), RETENTION_VALUES) if ret_ids else []
            return case_changes(c), retention_changes(r)

        before = count()
        yield
        after = count()
        (bs, bd), br = before
        (as_, ad), ar = after
        _apply((_difference(as_, bs), _difference(ad, bd)), _difference(ar, br))


def _difference(after: Counter, before: Counter) -> Counter:
    out: Counter = Counter()
    for k in after.keys() | before.keys():
        n = after.get(k, 0) - before.get(k, 0)
        if n:
            out[k] = n
    return out


# The rule, in SQL (the rebuild) -----------------------------------------------------------------

def _case_state_sql(day: str, *, before: bool) -> Case:
    """The state a case counts in on the date in field ``day`` (``before``: on the day before it)."""
    on_or_before, after = ("lt", "gte") if before else ("lte", "gt")

    def closed(state: str, field: str, lookup: str) -> Q:
        return Q(state=state, **{f"{field}__{lookup}": F(day)})

    closed_later = closed(G.DELIVERED, "delivered_on", after) | closed(G.REFUSED, "refused_on", after)
    started = Q(started_on__isnull=False, **{f"started_on__{on_or_before}": F(day)})
    return Case(
        When(state__in=[G.NOT_NEEDED, G.REQUESTED, G.IN_PROGRESS], then=F("state")),
        When(closed(G.DELIVERED, "delivered_on", on_or_before), then=Value(G.DELIVERED.value)),
        When(closed(G.REFUSED, "refused_on", on_or_before), then=Value(G.REFUSED.value)),
        When(closed_later & started, then=Value(G.IN_PROGRESS.value)),
        When(closed_later, then=Value(G.REQUESTED.value)),
        default=None, output_field=CharField(),
    )


def _retention_state_sql(day: str, *, before: bool) -> Case:
    lookup = "lt" if before else "lte"
    return Case(When(~Q(state=R.KEPT) & Q(changed_on__isnull=False, **{f"changed_on__{lookup}": F(day)}),
                     then=F("state")), default=Value(R.KEPT.value), output_field=CharField())


def _grouped(qs: QuerySet, day: str, state_sql: Any, before_sql: Any = None) -> Iterator[tuple[Any, ...]]:
    qs = qs.annotate(d=F(day), now=state_sql)
    names = ["d", "county_id", "kind", "now"]
    if before_sql is not None:
        qs = qs.annotate(was=before_sql)
        names.append("was")
    yield from qs.values_list(*names).annotate(n=Count("pk")).order_by().iterator(chunk_size=10_000)


def raw_counts() -> tuple[Counter[StateKey], Counter[DaysKey], Counter[StateKey]]:
    """The tables' contents counted from the records by the database (a few grouped scans)."""
    states: Counter[StateKey] = Counter()
    cases = GuaranteeCase.objects.all()
    for day, county, kind, now, n in _grouped(cases, "opened_on", _case_state_sql("opened_on", before=False)):
        if now is not None:
            states[(day, county, kind, now)] += n
    # later steps: a case started, then delivered or refused; delivered or refused after it was opened
    started = (cases.filter(state__in=[G.DELIVERED, G.REFUSED], started_on__gt=F("opened_on"))
               .exclude(Q(state=G.DELIVERED, delivered_on=F("started_on")) | Q(state=G.REFUSED, refused_on=F("started_on"))))
    steps = [
        (started, "started_on"),
        (cases.filter(state=G.DELIVERED, delivered_on__gt=F("opened_on")), "delivered_on"),
        (cases.filter(state=G.REFUSED, refused_on__gt=F("opened_on")), "refused_on"),
    ]
    for qs, day_field in steps:
        for day, county, kind, now, was, n in _grouped(qs, day_field, _case_state_sql(day_field, before=False),
                                                      _case_state_sql(day_field, before=True)):
            if now is not None:
                states[(day, county, kind, now)] += n
            if was is not None:
                states[(day, county, kind, was)] -= n
    days: Counter[DaysKey] = Counter()
    delivered = (cases.filter(state=G.DELIVERED, delivered_on__isnull=False)
                 .annotate(d=Greatest("opened_on", "delivered_on"), t=Coalesce("days_to_deliver", 0))
                 .values_list("d", "county_id", "kind", "t").annotate(n=Count("pk")).order_by())
    for day, county, kind, took, n in delivered.iterator(chunk_size=10_000):
        days[(day, county, kind, took)] += n
    kept: Counter[StateKey] = Counter()
    rets = Retention.objects.all()
    for day, county, kind, now, n in _grouped(rets, "opened_on", _retention_state_sql("opened_on", before=False)):
        kept[(day, county, kind, now)] += n
    changed = rets.exclude(state=R.KEPT).filter(changed_on__gt=F("opened_on"))
    for day, county, kind, now, was, n in _grouped(changed, "changed_on", _retention_state_sql("changed_on", before=False),
                                                  _retention_state_sql("changed_on", before=True)):
        kept[(day, county, kind, now)] += n
        kept[(day, county, kind, was)] -= n
    return _nonzero(states), _nonzero(days), _nonzero(kept)


def _nonzero(counter: Counter) -> Counter:
    return Counter({k: n for k, n in counter.items() if n})


def _table(model: Any, fields: tuple[str, ...], count: str) -> Counter:
    names = [f"{f}_id" if f == "county" else f for f in fields]
    return Counter({tuple(r[:-1]): r[-1] for r in model.objects.values_list(*names, count).iterator(chunk_size=10_000)})


TABLES: tuple[tuple[Any, tuple[str, ...], str], ...] = (
    (GuaranteeDaily, STATE_FIELDS, "change"), (DeliveryDays, DAYS_FIELDS, "cases"), (RetentionDaily, STATE_FIELDS, "change"))


def rollup_rebuild() -> int:
    """Recompute the three tables from the records, in the current transaction. Returns their rows."""
    written = 0
    counted: tuple[Counter, ...] = raw_counts()
    for (model, fields, count), counts in zip(TABLES, counted, strict=True):
        model.objects.all().delete()
        names = [f"{f}_id" if f == "county" else f for f in fields]
        written += bulk.insert_rows(model, (*names, count), ((*k, n) for k, n in sorted(counts.items())))
    return written


@dataclass
class Drift:
    guarantee_keys: int   # keys of GuaranteeDaily that differ from the records
    delivery_keys: int    # keys of DeliveryDays
    retention_keys: int   # keys of RetentionDaily

    @property
    def any(self) -> bool:
        return bool(self.guarantee_keys or self.delivery_keys or self.retention_keys)


def rollup_drift() -> Drift:
    """Compare the tables with the records."""
    differing: list[int] = []
    counted: tuple[Counter, ...] = raw_counts()
    for (model, fields, count), expected in zip(TABLES, counted, strict=True):
        table = _table(model, fields, count)
        differing.append(sum(1 for k in expected.keys() | table.keys() if expected.get(k, 0) != table.get(k, 0)))
    return Drift(*differing)


def rollup_check(*, repair: bool = True) -> Drift:
    """The scheduled check: log any drift and, with ``repair``, rebuild the tables."""
    drift = rollup_drift()
    if drift.any:
        log.warning("entitlement rollup drift: %s guarantee keys, %s delivery keys, %s retention keys%s",
                    drift.guarantee_keys, drift.delivery_keys, drift.retention_keys, "; rebuilding" if repair else "")
        if repair:
            with transaction.atomic():
                rollup_rebuild()
    else:
        log.info("entitlement rollup exact")
    return drift
