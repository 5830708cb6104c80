"""Reads of the supervision work: rankings, a correction's differences, totals, open problems.

``problem_open_list`` and ``problem_overdue_list`` are the contract other apps' dashboards call.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from nongzhuancheng.scoping import ASSESSMENT_EDIT, allows

from .models import (
    Assessment,
    AssessmentRevision,
    AssessmentScheme,
    FundingEntry,
    FundingKind,
    FundingProject,
    Grade,
    Problem,
    PublicityRecord,
    SchemeItem,
    Score,
)

RState = AssessmentRevision.State


@dataclass
class RankRow:
    assessment_id: int
    revision_id: int
    holder_name: str
    number: int           # the revision ranked
    state: str
    state_label: str
    total: Decimal
    grade: str
    grade_label: str
    rank: int             # competition ranking: equal totals share a rank (并列), the next rank skips
    scores: list[Decimal] = field(default_factory=list)  # in the order of Ranking.items


@dataclass
class Ranking:
    scheme: AssessmentScheme
    published_only: bool
    items: list[SchemeItem] = field(default_factory=list)
    rows: list[RankRow] = field(default_factory=list)
    grade_counts: dict[str, int] = field(default_factory=dict)


def share_ranks(totals: list[Decimal]) -> list[int]:
    """Ranks of totals already sorted high to low: equal totals share a rank, the next one skips (1, 1, 3)."""
    ranks: list[int] = []
    for i, total in enumerate(totals):
        ranks.append(ranks[-1] if i and total == totals[i - 1] else i + 1)
    return ranks


def assessment_ranking(*, scheme: AssessmentScheme, user: Any = None, published_only: bool | None = None) -> Ranking:
    """The ranking of one group: each holder's latest revision (only published ones unless the user
    is the city office), highest total first, ties sharing a rank. Ranks are computed among all the
    holders; a county or member unit is given its own row only."""
    if published_only is None:
        published_only = user is not None and not allows(user, ASSESSMENT_EDIT)
    revisions = AssessmentRevision.objects.filter(assessment__scheme=scheme).select_related(
        "assessment__county", "assessment__member_unit")
    if published_only:
        revisions = revisions.filter(state=RState.PUBLISHED)
    latest: dict[int, AssessmentRevision] = {}
    for r in revisions.order_by("assessment_id", "number"):
        latest[r.assessment_id] = r
    def order(r: AssessmentRevision) -> tuple:
        county, unit = r.assessment.county, r.assessment.member_unit
        if county is not None:
            return (-r.total, county.ordering, county.code)
        assert unit is not None  # an assessment is held by a county or by a member unit
        return (-r.total, 0, unit.code)

    ordered = sorted(latest.values(), key=order)  # equal totals: in the official order of the holders
    ranks = share_ranks([r.total for r in ordered])
    visible = None
    if user is not None:
        visible = set(Assessment.objects.for_user(user).values_list("pk", flat=True))
    rows = [
        RankRow(assessment_id=r.assessment_id, revision_id=r.pk, holder_name=str(r.assessment.holder),
                number=r.number, state=r.state, state_label=r.get_state_display(), total=r.total, grade=r.grade,
                grade_label=str(Grade(r.grade).label) if r.grade else "", rank=rank)
        for r, rank in zip(ordered, ranks, strict=True)
        if visible is None or r.assessment_id in visible
    ]
    items = list(scheme.items.all())
    by_revision: dict[int, dict[int, Decimal]] = {}
    for revision_id, item_id, score in Score.objects.filter(
            revision_id__in=[r.revision_id for r in rows]).values_list("revision_id", "item_id", "score"):
        by_revision.setdefault(revision_id, {})[item_id] = score
    for row in rows:
        got = by_revision.get(row.revision_id, {})
        row.scores = [got.get(item.pk, Decimal("0")) for item in items]
    counts = {g.value: 0 for g in Grade}
    for row in rows:
        if row.grade:
            counts[row.grade] += 1
    return Ranking(scheme=scheme, published_only=published_only, items=items, rows=rows, grade_counts=counts)


@dataclass
class ScoreDiff:
    label: str
    before: Decimal | None
    after: Decimal
    changed: bool


def revision_diff(*, revision: AssessmentRevision) -> list[ScoreDiff]:
    """A correction against the revision it corrects, item by item (empty for a first revision)."""
    if revision.corrects_id is None:
        return []
    before = {s.item_id: s.score for s in Score.objects.filter(revision_id=revision.corrects_id)}
    return [
        ScoreDiff(label=s.item.label, before=before.get(s.item_id), after=s.score,
                  changed=before.get(s.item_id) != s.score)
        for s in revision.scores.select_related("item")
    ]


def scheme_list(*, user: Any) -> QuerySet[AssessmentScheme]:
    schemes = AssessmentScheme.objects.for_user(user).annotate(n=Count("assessments"))
    return cast("QuerySet[AssessmentScheme]", schemes)  # for_user keeps the model; its type does not say so


def revision_get(*, user: Any, pk: int) -> AssessmentRevision:
    """One revision in the user's scope (counties and member units: published ones of their own)."""
    return AssessmentRevision.objects.for_user(user).select_related(
        "assessment__scheme", "assessment__county", "assessment__member_unit", "corrects").get(pk=pk)


# Publicity and funding ------------------------------------------------------------------------

@dataclass
class PublicityTotal:
    holder_name: str
    media_campaigns: int
    onsite_events: int
    leaflets: int


def publicity_totals(*, user: Any, start: datetime.date, end: datetime.date) -> tuple[list[PublicityTotal], PublicityTotal]:
    """Publicity by county and member unit between two dates (inclusive), and the total (one query)."""
    qs = PublicityRecord.objects.for_user(user).filter(held_on__gte=start, held_on__lte=end)
    rows = []
    for r in (qs.values("county__name", "county__ordering", "member_unit__name", "member_unit__code")
              .annotate(m=Sum("media_campaigns"), e=Sum("onsite_events"), leaf=Sum("leaflets"))
              .order_by("county__ordering", "member_unit__code")):
        rows.append(PublicityTotal(r["county__name"] or r["member_unit__name"], r["m"], r["e"], r["leaf"]))
    total = PublicityTotal("", sum(r.media_campaigns for r in rows), sum(r.onsite_events for r in rows),
                           sum(r.leaflets for r in rows))
    return rows, total


@dataclass
class FundingTotal:
    holder_name: str
    kind: str
    kind_label: str
    planned: Decimal
    spent: Decimal
    output: int
    output_unit: str


def funding_totals(*, user: Any, year: int, as_of: datetime.date) -> list[FundingTotal]:
    """Planned and spent money (to ``as_of``) and what was built, by county (or unit) and kind (two queries)."""
    projects = FundingProject.objects.for_user(user).filter(year=year)
    keys = ("county__name", "county__ordering", "member_unit__name", "member_unit__code", "kind", "output_unit")
    spent = {}
    for r in (FundingEntry.objects.filter(project__in=projects, spent_on__lte=as_of)
              .values(*(f"project__{k}" for k in keys)).annotate(spent=Sum("amount"), output=Sum("output"))
              .order_by()):
        spent[tuple(r[f"project__{k}"] for k in keys)] = r
    rows = []
    for r in projects.values(*keys).annotate(planned=Sum("planned_amount")).order_by(
            "county__ordering", "member_unit__code", "kind"):
        s = spent.get(tuple(r[k] for k in keys), {})
        rows.append(FundingTotal(
            holder_name=r["county__name"] or r["member_unit__name"], kind=r["kind"],
            kind_label=str(FundingKind(r["kind"]).label), planned=r["planned"], spent=s.get("spent") or Decimal(0),
            output=s.get("output") or 0, output_unit=r["output_unit"],
        ))
    return rows


def funding_by_kind(rows: list[FundingTotal]) -> dict[str, FundingTotal]:
    """City-wide totals per kind of funding rows."""
    out: dict[str, FundingTotal] = {}
    for r in rows:
        t = out.setdefault(r.kind, FundingTotal("", r.kind, r.kind_label, Decimal(0), Decimal(0), 0, r.output_unit))
        t.planned += r.planned
        t.spent += r.spent
        t.output += r.output
    return out


# Problems -------------------------------------------------------------------------------------

def problem_list(*, user: Any, state: str | None = None) -> QuerySet[Problem]:
    qs = Problem.objects.for_user(user).select_related("county", "member_unit", "assigned_to")
    if state:
        qs = qs.filter(state=state)
    return qs


def problem_open_list(*, user: Any) -> QuerySet[Problem]:
    """Problems not yet answered (raised or assigned) in the user's scope, the earliest due first."""
    return problem_list(user=user).filter(state__in=Problem.OPEN).order_by("due_on", "id")


def problem_overdue_list(*, user: Any, today: datetime.date | None = None) -> QuerySet[Problem]:
    """Open problems whose answer was due before ``today`` (default: today), the earliest due first."""
    today = today or timezone.localdate()
    return problem_open_list(user=user).filter(due_on__lt=today)


def problem_counts(*, user: Any, today: datetime.date | None = None) -> dict[str, int]:
    """{"open": n, "overdue": n} for a dashboard tile (one query)."""
    today = today or timezone.localdate()
    return Problem.objects.for_user(user).aggregate(
        open=Count("pk", filter=Q(state__in=Problem.OPEN)),
        overdue=Count("pk", filter=Q(state__in=Problem.OPEN, due_on__lt=today)),
    )
