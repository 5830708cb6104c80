"""The automatic scoring rules of the assessment, each written once with its formula.

Every rule measures a ratio ``r`` for one holder (a county or a member unit) at the scheme's date
(``as_of``), from the data other apps keep: quotas' progress figures, entitlements' delivery figures,
and this app's publicity, funding and problem records. The item then scores

    score = weight × min(r, 1), cut (not rounded) to two decimals (nongzhuancheng.figures.cut);

a rule with no basis (no target set, nothing due) measures ``None`` and the item scores 0, with the
reason in its basis, so the city office sees it and may score the item by hand in a later revision.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import F, Q, Sum
from django.utils.translation import gettext as _

from entitlements.models import GuaranteeKind, kinds_of_domain
from entitlements.selectors import delivery_summary
from nongzhuancheng.figures import cut, percent_of, ratio
from nongzhuancheng.models import County, MemberUnit
from quotas.selectors import CityProgress, MemberUnitProgress, county_progress, member_unit_progress

from .models import AssessmentScheme, FundingEntry, FundingProject, Problem, PublicityRecord, Rule, SchemeItem

ONE = Decimal(1)


@dataclass(frozen=True)
class Measure:
    ratio: Decimal | None  # what the rule measured (None: no basis)
    basis: str  # the figures it was measured from, as the page shows them


def item_score(weight: Decimal, measured: Decimal | None) -> Decimal:
    """weight × min(r, 1), cut to two decimals; 0 without a basis."""
    if measured is None:
        return Decimal("0.00")
    return cut(Decimal(weight) * min(Decimal(measured), ONE), 2)


class ScoringData:
    """The figures of one scheme's date, read once for all the holders scored together."""

    def __init__(self, scheme: AssessmentScheme):
        self.scheme = scheme
        self.year = scheme.year
        self.as_of = scheme.as_of
        self.jan1 = datetime.date(scheme.year, 1, 1)

    @cached_property
    def progress(self) -> CityProgress:
        return county_progress(year=self.year, as_of=self.as_of)

    @cached_property
    def county_rows(self) -> dict:
        return {c.county_id: c for c in self.progress.counties}

    @cached_property
    def unit_rows(self) -> dict[int, MemberUnitProgress]:
        rows = member_unit_progress(year=self.year, as_of=self.as_of, counties=self.progress.counties)
        return {r.member_unit_id: r for r in rows}

    @cached_property
    def delivery(self) -> list:
        return delivery_summary(as_of=self.as_of)

    def linked_county_ids(self, unit: MemberUnit) -> list[int]:
        return sorted(unit.linked_counties.values_list("pk", flat=True))


def _holder_q(holder: County | MemberUnit, county_path: str = "county", unit_path: str = "member_unit") -> Q:
    if isinstance(holder, County):
        return Q(**{f"{county_path}_id": holder.pk})
    return Q(**{f"{unit_path}_id": holder.pk})


def target_completion(holder: County | MemberUnit, item: SchemeItem, data: ScoringData) -> Measure:
    """r = transfers completed from 1 January to as_of ÷ the annual target in force at as_of.

    A county counts its own transfers against its county target (quotas' county_progress); a member
    unit counts the transfers of its linked counties (挂钩县区) against its own target
    (quotas' member_unit_progress)."""
    row = data.county_rows.get(holder.pk) if isinstance(holder, County) else data.unit_rows.get(holder.pk)
    if row is None or not row.target:
        return Measure(None, _("未设定目标任务"))
    r = ratio(row.cumulative, row.target)
    return Measure(r, _("累计完成 %(done)s ÷ 目标任务 %(target)s = %(rate)s")
                   % {"done": row.cumulative, "target": row.target, "rate": percent_of(r)})


def linked_counties(holder: County | MemberUnit, item: SchemeItem, data: ScoringData) -> Measure:
    """r = the mean over the member unit's linked counties of min(cumulative ÷ target, 1).

    Counties without a target are left out; a unit with no linked county that has a target has no
    basis."""
    if not isinstance(holder, MemberUnit):
        return Measure(None, _("只适用于成员单位"))
    rates: list[Decimal] = []
    for county_id in data.linked_county_ids(holder):
        row = data.county_rows.get(county_id)
        if row is not None and row.target:
            rate = ratio(row.cumulative, row.target)
            assert rate is not None  # the target is set
            rates.append(min(rate, ONE))
    if not rates:
        return Measure(None, _("挂钩县区未设定目标任务"))
    r = sum(rates, Decimal(0)) / len(rates)
    return Measure(r, _("%(n)s个挂钩县区完成率（超过100%%按100%%计）平均 %(rate)s")
                   % {"n": len(rates), "rate": percent_of(r)})


def rights_delivery(holder: County | MemberUnit, item: SchemeItem, data: ScoringData) -> Measure:
    """r = guarantees delivered ÷ guarantees needed (requested + in progress + delivered + refused) at as_of.

    A county counts its five guarantees (entitlements' delivery_summary); a member unit counts the
    guarantee kinds of its own domain in its linked counties."""
    if isinstance(holder, County):
        rows = [r for r in data.delivery if r.county_id == holder.pk]
    else:
        kinds = {k.value for k in kinds_of_domain(holder.domain, GuaranteeKind)}
        counties = set(data.linked_county_ids(holder))
        rows = [r for r in data.delivery if r.kind in kinds and r.county_id in counties]
    delivered = sum(r.delivered for r in rows)
    needed = sum(r.needed for r in rows)
    if not needed:
        return Measure(None, _("无需要落实的保障"))
    r = ratio(delivered, needed)
    return Measure(r, _("已落实 %(done)s ÷ 需落实 %(needed)s = %(rate)s")
                   % {"done": delivered, "needed": needed, "rate": percent_of(r)})


def funding(holder: County | MemberUnit, item: SchemeItem, data: ScoringData) -> Measure:
    """r = money spent from 1 January to as_of ÷ money planned, over the holder's projects of the year."""
    projects = FundingProject.objects.filter(_holder_q(holder), year=data.year)
    planned = projects.aggregate(s=Sum("planned_amount"))["s"] or Decimal(0)
    spent = FundingEntry.objects.filter(
        project__in=projects, spent_on__gte=data.jan1, spent_on__lte=data.as_of,
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if not planned:
        return Measure(None, _("无资金保障计划"))
    r = ratio(spent, planned)
    return Measure(r, _("到位资金 %(spent)s ÷ 计划投资 %(planned)s = %(rate)s")
                   % {"spent": spent, "planned": planned, "rate": percent_of(r)})


def publicity(holder: County | MemberUnit, item: SchemeItem, data: ScoringData) -> Measure:
    """r = (media campaigns + on-site events) from 1 January to as_of ÷ the item's norm (满分标准)."""
    if not item.norm:
        return Measure(None, _("未设定满分标准"))
    totals = PublicityRecord.objects.filter(
        _holder_q(holder), held_on__gte=data.jan1, held_on__lte=data.as_of,
    ).aggregate(media=Sum("media_campaigns"), events=Sum("onsite_events"))
    done = (totals["media"] or 0) + (totals["events"] or 0)
    r = ratio(done, item.norm)
    return Measure(r, _("媒体宣传和现场活动 %(done)s 次 ÷ 满分标准 %(norm)s 次") % {"done": done, "norm": item.norm})


def coordination(holder: County | MemberUnit, item: SchemeItem, data: ScoringData) -> Measure:
    """r = the holder's problems due by as_of that were answered on or before their due date ÷ those due.

    A holder's problems are those it raised; a member unit's are also those assigned to it."""
    q = _holder_q(holder)
    if isinstance(holder, MemberUnit):
        q |= Q(assigned_to_id=holder.pk)
    due = Problem.objects.filter(q, due_on__lte=data.as_of)
    total = due.count()
    if not total:
        return Measure(None, _("无到期的反馈问题"))
    on_time = due.filter(answered_on__isnull=False, answered_on__lte=data.as_of).filter(
        answered_on__lte=F("due_on")).count()
    r = ratio(on_time, total)
    return Measure(r, _("按时答复 %(on_time)s ÷ 到期问题 %(total)s") % {"on_time": on_time, "total": total})


RULES: dict[str, Callable[[County | MemberUnit, SchemeItem, ScoringData], Measure]] = {
    Rule.TARGET_COMPLETION: target_completion,
    Rule.LINKED_COUNTIES: linked_counties,
    Rule.RIGHTS_DELIVERY: rights_delivery,
    Rule.FUNDING: funding,
    Rule.PUBLICITY: publicity,
    Rule.COORDINATION: coordination,
}


def measure(holder: County | MemberUnit, item: SchemeItem, data: ScoringData) -> Measure:
    """The measure of an automatic item (the rule of ``item.rule``)."""
    return RULES[item.rule](holder, item, data)
