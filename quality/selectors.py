"""Reads of the quality app, always scoped (``for_user``): the queues and their counts."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from nongzhuancheng.scoping import QUALITY_VIEW

from .models import DuplicatePair, Finding
from .rules import RULES, SEVERITY_LABELS


def findings_open(*, user: Any, county_id: int | None = None) -> QuerySet:
    qs = Finding.objects.for_user(user, QUALITY_VIEW).filter(resolved_at__isnull=True)
    return qs.filter(county_id=county_id) if county_id else qs


def rule_counts(*, user: Any, county_id: int | None = None) -> list[dict[str, Any]]:
    """Each rule with its open findings in the user's scope: to fix, and let stand with a reason."""
    got = {r["rule"]: r for r in findings_open(user=user, county_id=county_id).values("rule").annotate(
        n=Count("id"), overridden=Count("id", filter=~Q(override_reason=""))).order_by()}
    return [{"rule": rule, "severity": SEVERITY_LABELS[rule.severity], "open": got.get(rule.code, {}).get("n", 0),
             "overridden": got.get(rule.code, {}).get("overridden", 0)} for rule in RULES]


def findings_list(*, user: Any, rule: str = "", county_id: int | None = None, overridden: bool = False) -> QuerySet:
    qs = findings_open(user=user, county_id=county_id)
    if rule:
        qs = qs.filter(rule=rule)
    qs = qs.exclude(override_reason="") if overridden else qs.filter(override_reason="")
    return qs.select_related("person", "application", "household", "station", "county").order_by("-found_at", "-id")


def pairs_open(*, user: Any, county_id: int | None = None) -> QuerySet:
    qs = DuplicatePair.objects.for_user(user, QUALITY_VIEW).filter(state=DuplicatePair.State.OPEN,
                                                                   resolved_at__isnull=True)
    if county_id:
        qs = qs.filter(Q(county_a_id=county_id) | Q(county_b_id=county_id))
    return qs


def basis_counts(*, user: Any, county_id: int | None = None) -> list[dict[str, Any]]:
    got = dict(pairs_open(user=user, county_id=county_id).values_list("basis").annotate(n=Count("id")).order_by())
    return [{"basis": value, "label": label, "open": got.get(value, 0)} for value, label in DuplicatePair.Basis.choices]


def pairs_list(*, user: Any, basis: str = "", county_id: int | None = None) -> QuerySet:
    qs = pairs_open(user=user, county_id=county_id)
    if basis:
        qs = qs.filter(basis=basis)
    return qs.select_related("person_a", "person_b", "station_a", "station_b", "county_a", "county_b").order_by("pk")


def pair_get(*, user: Any, pk: int) -> DuplicatePair:
    return DuplicatePair.objects.for_user(user, QUALITY_VIEW).select_related(
        "person_a__application", "person_b__application", "person_a__household", "person_b__household",
        "station_a", "station_b", "county_a", "county_b", "kept", "decided_by").get(pk=pk)


def tile(*, user: Any, county_id: int | None = None) -> dict[str, int]:
    """The dashboard's counts: findings to fix (not let stand) and pairs waiting for a decision."""
    return {"findings": findings_open(user=user, county_id=county_id).filter(override_reason="").count(),
            "pairs": pairs_open(user=user, county_id=county_id).count()}
