"""Reads of retentions and guarantee cases. Counts are SQL aggregates.

``delivery_summary`` and ``retention_summary`` are the contract the ten-day bulletin reads.

State as of a date: only records opened (transfer completed) on or before ``as_of`` count, each in
the state ``entitlements.rollup`` says it stood in then (a case delivered or refused after
``as_of`` counts ``in_progress`` if it had been started by then, otherwise ``requested``; a
retention circulated or given up after ``as_of`` counts as ``kept``). The figures add up the
summary tables (``entitlements.rollup_models``); a clerk, who sees one station's records, gets
them counted from the records themselves by the same rule.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from nongzhuancheng.figures import ratio
from nongzhuancheng.models import County
from nongzhuancheng.roles import CLERK
from nongzhuancheng.scoping import assignment_of

from .models import (
    GuaranteeCase,
    GuaranteeEvent,
    GuaranteeKind,
    Retention,
    RetentionEvent,
    RetentionKind,
)
from .rollup_models import DeliveryDays, GuaranteeDaily, RetentionDaily

GState = GuaranteeCase.State
RState = Retention.State


@dataclass
class DeliveryRow:
    county_id: int
    county_name: str
    kind: str
    kind_label: str
    requested: int        # still waiting, not started (at as_of)
    in_progress: int
    delivered: int
    refused: int
    not_needed: int
    delivery_rate: Decimal | None   # delivered ÷ (requested + in_progress + delivered + refused)
    median_days: float | None       # median days from request to delivery of those delivered by as_of

    @property
    def needed(self) -> int:
        return self.requested + self.in_progress + self.delivered + self.refused


@dataclass
class RetentionRow:
    county_id: int
    county_name: str
    kind: str
    kind_label: str
    kept: int
    circulated: int
    given_up: int


def _median_from_histogram(pairs: list[tuple[int, int]]) -> float | None:
    """Median of values given as (value, count) pairs."""
    pairs = sorted(pairs)
    n = sum(c for _, c in pairs)
    if not n:
        return None
    lo_rank, hi_rank = (n - 1) // 2, n // 2
    lo: int | None = None
    hi: int | None = None
    seen = 0
    for value, count in pairs:
        if lo is None and lo_rank < seen + count:
            lo = value
        if hi_rank < seen + count:
            hi = value
            break
        seen += count
    assert lo is not None and hi is not None  # n > 0: both ranks fall within the pairs
    return (lo + hi) / 2


def _counties(user: Any, county: Any) -> list[tuple[int, str]]:
    """(pk, name) of the counties the rows are given for: the user's (all for None, the bulletin)."""
    qs = County.objects.all() if user is None else County.objects.for_user(user)
    if county is not None:
        qs = qs.filter(pk=getattr(county, "pk", county))
    return list(qs.values_list("pk", "name"))


def _visible_kinds(model: Any, user: Any) -> list:
    """The kinds of ``model`` in the user's scope (a member unit's own; every kind for the others)."""
    return list(model.KINDS) if user is None else model.kinds_in_scope(user)


def _from_records(user: Any) -> bool:
    """Whether the user's figures are counted from the records: a clerk's scope (a station) is finer
    than the summary tables' (a county)."""
    assignment = assignment_of(user) if user is not None else None
    return assignment is not None and assignment.role == CLERK and not getattr(user, "is_superuser", False)


def _rollup_rows(model: Any, user: Any, as_of: datetime.date, counties: list[tuple[int, str]],
                 kinds: list) -> QuerySet:
    qs = model.objects.all() if user is None else model.objects.for_user(user)
    return qs.filter(day__lte=as_of, county_id__in=[pk for pk, _ in counties], kind__in=[k.value for k in kinds])


def _delivery_from_rollup(as_of: datetime.date, user: Any, counties: list[tuple[int, str]], kinds: list,
                          ) -> tuple[dict[tuple[int, str], dict[str, int]], dict[tuple[int, str], list[tuple[int, int]]]]:
    counts: dict[tuple[int, str], dict[str, int]] = {}
    for c, k, state, n in (_rollup_rows(GuaranteeDaily, user, as_of, counties, kinds)
                           .values_list("county_id", "kind", "state").annotate(n=Sum("change")).order_by()):
        counts.setdefault((c, k), {})[state] = n
    histograms: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for c, k, days, n in (_rollup_rows(DeliveryDays, user, as_of, counties, kinds)
                          .values_list("county_id", "kind", "days").annotate(n=Sum("cases")).order_by()):
        histograms.setdefault((c, k), []).append((days, n))
    return counts, histograms


def _delivery_from_records(as_of: datetime.date, user: Any, county: Any,
                           ) -> tuple[dict[tuple[int, str], dict[str, int]], dict[tuple[int, str], list[tuple[int, int]]]]:
    qs = GuaranteeCase.objects.all() if user is None else GuaranteeCase.objects.for_user(user)
    qs = qs.filter(opened_on__lte=as_of)
    if county is not None:
        qs = qs.filter(county_id=getattr(county, "pk", county))
    delivered = Q(state=GState.DELIVERED, delivered_on__lte=as_of)
    refused = Q(state=GState.REFUSED, refused_on__lte=as_of)
    closed_later = Q(state=GState.DELIVERED, delivered_on__gt=as_of) | Q(state=GState.REFUSED, refused_on__gt=as_of)
    started = Q(started_on__isnull=False, started_on__lte=as_of)
    counts: dict[tuple[int, str], dict[str, int]] = {
        (r["county_id"], r["kind"]): {s: r[s] for s in GState.values if s in r}  # type: ignore[literal-required]
        for r in qs.values("county_id", "kind").annotate(
            requested=Count("pk", filter=Q(state=GState.REQUESTED) | (closed_later & ~started)),
            in_progress=Count("pk", filter=Q(state=GState.IN_PROGRESS) | (closed_later & started)),
            delivered=Count("pk", filter=delivered),
            refused=Count("pk", filter=refused),
            not_needed=Count("pk", filter=Q(state=GState.NOT_NEEDED)),
        ).order_by()
    }
    histograms: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for c, k, days, n in (
        qs.filter(delivered).values_list("county_id", "kind", "days_to_deliver").annotate(n=Count("pk")).order_by()
    ):
        histograms.setdefault((c, k), []).append((days or 0, n))
    return counts, histograms


def delivery_summary(*, as_of: datetime.date, user: Any = None, county: Any = None) -> list[DeliveryRow]:
    """Guarantee delivery by county and kind at ``as_of`` (one row per county × kind, zeros included).

    ``user`` limits the rows to what the user may see (None: everything, for the bulletin)."""
    counties, kinds = _counties(user, county), _visible_kinds(GuaranteeCase, user)
    if _from_records(user):
        counts, histograms = _delivery_from_records(as_of, user, county)
    else:
        counts, histograms = _delivery_from_rollup(as_of, user, counties, kinds)
    rows = []
    for county_id, county_name in counties:
        for kind in kinds:
            r = counts.get((county_id, kind.value), {})
            requested, in_progress = r.get(GState.REQUESTED, 0), r.get(GState.IN_PROGRESS, 0)
            dlv, ref, nn = r.get(GState.DELIVERED, 0), r.get(GState.REFUSED, 0), r.get(GState.NOT_NEEDED, 0)
            rows.append(DeliveryRow(
                county_id=county_id, county_name=county_name, kind=kind.value, kind_label=str(kind.label),
                requested=requested, in_progress=in_progress, delivered=dlv, refused=ref, not_needed=nn,
                delivery_rate=ratio(dlv, requested + in_progress + dlv + ref),
                median_days=_median_from_histogram(histograms.get((county_id, kind.value), [])),
            ))
    return rows


def delivery_totals(rows: list[DeliveryRow]) -> list[DeliveryRow]:
    """City-wide totals per kind of delivery rows (the medians cannot be summed: None)."""
    totals: dict[str, DeliveryRow] = {}
    for r in rows:
        t = totals.setdefault(r.kind, DeliveryRow(0, "", r.kind, r.kind_label, 0, 0, 0, 0, 0, None, None))
        t.requested += r.requested
        t.in_progress += r.in_progress
        t.delivered += r.delivered
        t.refused += r.refused
        t.not_needed += r.not_needed
    for t in totals.values():
        t.delivery_rate = ratio(t.delivered, t.needed)
    return list(totals.values())


def retention_summary(*, as_of: datetime.date, user: Any = None, county: Any = None) -> list[RetentionRow]:
    """Retentions by county and kind at ``as_of``: kept, circulated, given up (persons)."""
    counties, kinds = _counties(user, county), _visible_kinds(Retention, user)
    counts: dict[tuple[int, str], dict[str, int]] = {}
    if _from_records(user):
        qs = Retention.objects.for_user(user).filter(opened_on__lte=as_of)
        changed_by = Q(changed_on__lte=as_of)
        for r in qs.values("county_id", "kind").annotate(
            kept=Count("pk", filter=Q(state=RState.KEPT) | ~changed_by),
            circulated=Count("pk", filter=Q(state=RState.CIRCULATED) & changed_by),
            given_up=Count("pk", filter=Q(state=RState.GIVEN_UP) & changed_by),
        ).order_by():
            counts[(r["county_id"], r["kind"])] = {s: r[s] for s in RState.values}
    else:
        for c, k, state, n in (_rollup_rows(RetentionDaily, user, as_of, counties, kinds)
                               .values_list("county_id", "kind", "state").annotate(n=Sum("change")).order_by()):
            counts.setdefault((c, k), {})[state] = n
    rows = []
    for county_id, county_name in counties:
        for kind in kinds:
            r = counts.get((county_id, kind.value), {})
            rows.append(RetentionRow(
                county_id=county_id, county_name=county_name, kind=kind.value, kind_label=str(kind.label),
                kept=r.get(RState.KEPT, 0), circulated=r.get(RState.CIRCULATED, 0), given_up=r.get(RState.GIVEN_UP, 0),
            ))
    return rows


def queue_list(*, user: Any, kind: str | None = None, county: int | None = None) -> QuerySet[GuaranteeCase]:
    """Open guarantee cases in the user's scope, oldest request first (the work queue)."""
    qs = (
        GuaranteeCase.objects.for_user(user)
        .filter(state__in=GuaranteeCase.OPEN)
        .select_related("person", "county", "station")
        .order_by("requested_on", "pk")
    )
    if kind:
        qs = qs.filter(kind=kind)
    if county:
        qs = qs.filter(county_id=county)
    return qs


def retention_queue_list(*, user: Any) -> QuerySet[Retention]:
    """Retentions in the user's scope whose particulars (certificate, collective organisation) are not
    recorded yet, oldest first: the work queue of the land, forestry and agriculture units."""
    return (
        Retention.objects.for_user(user)
        .filter(state=RState.KEPT, certificate_no="", organisation="")
        .exclude(kind=RetentionKind.FAMILY_PLANNING)
        .select_related("person", "county", "station")
        .order_by("opened_on", "pk")
    )


def guarantee_kinds_of(user: Any) -> list[GuaranteeKind]:
    """The guarantee kinds the user works or reads."""
    return _visible_kinds(GuaranteeCase, user)


def case_get(*, user: Any, pk: int) -> GuaranteeCase:
    return GuaranteeCase.objects.for_user(user).select_related("person", "county", "station").get(pk=pk)


def retention_get(*, user: Any, pk: int) -> Retention:
    return Retention.objects.for_user(user).select_related("person", "county", "station").get(pk=pk)


def person_entitlements(*, user: Any, person: Any) -> tuple[list[Retention], list[GuaranteeCase]]:
    """The person's retentions and guarantee cases in the user's scope, with their events."""
    retentions = list(Retention.objects.for_user(user).filter(person=person).order_by("pk"))
    cases = list(GuaranteeCase.objects.for_user(user).filter(person=person).order_by("pk"))
    r_events: dict[int, list[RetentionEvent]] = {}
    c_events: dict[int, list[GuaranteeEvent]] = {}
    for re_ in RetentionEvent.objects.filter(retention__in=retentions).select_related("actor"):
        r_events.setdefault(re_.retention_id, []).append(re_)
    for ge in GuaranteeEvent.objects.filter(case__in=cases).select_related("actor"):
        c_events.setdefault(ge.case_id, []).append(ge)
    for r in retentions:
        r.history = r_events.get(r.pk, [])
    for c in cases:
        c.history = c_events.get(c.pk, [])
    return retentions, cases


def transitions_ending(*, user: Any, today: datetime.date | None = None, days: int = 90) -> QuerySet[Retention]:
    """Family-planning transitions (still kept) that end within ``days`` days from today."""
    today = today or timezone.localdate()
    return (
        Retention.objects.for_user(user)
        .filter(kind=RetentionKind.FAMILY_PLANNING, state=RState.KEPT,
                transition_ends_on__gte=today, transition_ends_on__lte=today + datetime.timedelta(days=days))
        .select_related("person", "county", "station")
        .order_by("transition_ends_on", "pk")
    )
