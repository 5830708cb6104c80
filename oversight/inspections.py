"""Writes and reads of inspections (督促检查), their rectifications (整改) and the work timetable.

The leadership group inspects the 11 counties every two months (一(八)); what an inspection finds
at a county or member unit is a ``Finding`` whose rectification moves through ``Finding.WORKFLOW``
(required → reported → accepted, or returned). The timetable (一(五)) is a list of milestones with
dates; a county or unit records when it met each one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nongzhuancheng.models import County, MemberUnit
from nongzhuancheng.roles import COUNTY_OFFICER, MEMBER_UNIT
from nongzhuancheng.scoping import INSPECTION_EDIT, OVERSIGHT_RECORD, assignment_of, require, role_of
from nongzhuancheng.workflow import Move, transition

from .models import CITY_OFFICE, Finding, FindingEvent, Inspection, Milestone, MilestoneDone
from .services import holder_for

ROUND_EVERY_MONTHS = 2  # 坚持每两个月对11县区进行一次督促检查


@transaction.atomic
def inspection_record(*, actor: Any, kind: str, title: str, started_on: datetime.date, team: str = "",
                      summary: str = "") -> Inspection:
    """Record an inspection (the city office)."""
    require(actor, INSPECTION_EDIT)
    inspection = Inspection(kind=kind, title=title, started_on=started_on, team=team, summary=summary,
                            created_by=actor)
    inspection.full_clean()
    inspection.save()
    return inspection


@transaction.atomic
def finding_add(*, actor: Any, inspection: Inspection, finding: str, requirement: str, due_on: datetime.date,
                county: County | None = None, member_unit: MemberUnit | None = None) -> Finding:
    """What the inspection found at a county or member unit, with the rectification required by a date."""
    require(actor, INSPECTION_EDIT)
    if due_on < inspection.started_on:
        raise ValidationError({"due_on": [_("整改时限不能早于检查日期。")]})
    row = Finding(inspection=inspection, finding=finding, requirement=requirement, due_on=due_on,
                  **holder_for(actor, county, member_unit))
    row.full_clean()
    row.save()
    FindingEvent.objects.create(finding=row, move="require", to_state=Finding.State.REQUIRED, actor=actor)
    return row


def finding_move(*, finding: Finding | int, move: str | Move, actor: Any, note: str = "",
                 on: datetime.date | None = None) -> Finding:
    """Make one move of ``Finding.WORKFLOW``: report (the county or unit), return or accept (the city office)."""
    on = on or timezone.localdate()

    def apply(row: Finding, m: Move) -> list[str]:
        if m.name == "report":
            row.report, row.reported_on = note.strip(), on
            return ["report", "reported_on"]
        if m.name == "accept":
            row.accepted_on = on
            return ["accepted_on"]
        return []

    return transition(
        workflow=Finding.WORKFLOW, move=move, obj=finding, queryset=Finding.objects, actor=actor, note=note,
        apply=apply,
        record=lambda row, before, m: FindingEvent.objects.create(finding=row, move=m.name, from_state=before,
                                                                  to_state=m.target, note=note, actor=actor),
    )


def inspection_list(*, user: Any) -> QuerySet[Inspection]:
    return Inspection.objects.for_user(user).prefetch_related("findings__county", "findings__member_unit")


def finding_list(*, user: Any, open_only: bool = False) -> QuerySet[Finding]:
    qs = Finding.objects.for_user(user).select_related("inspection", "county", "member_unit")
    if open_only:
        qs = qs.exclude(state=Finding.State.ACCEPTED)
    return qs


def finding_overdue_list(*, user: Any, today: datetime.date | None = None) -> QuerySet[Finding]:
    """Rectifications still required after their time limit (the dashboards read it)."""
    today = today or timezone.localdate()
    return finding_list(user=user).filter(state=Finding.State.REQUIRED, due_on__lt=today)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def next_round_due(*, today: datetime.date | None = None) -> datetime.date | None:
    """The day the next round of inspections is due: two months after the last round (None before the first)."""
    last = Inspection.objects.filter(kind=Inspection.Kind.ROUND).order_by("-started_on").values_list(
        "started_on", flat=True).first()
    return _add_months(last, ROUND_EVERY_MONTHS) if last else None


# The timetable --------------------------------------------------------------------------------

def milestone_done(*, actor: Any, milestone: Milestone, done_on: datetime.date, note: str = "",
                   county: County | None = None, member_unit: MemberUnit | None = None) -> MilestoneDone:
    """Record that the actor's county or unit met a time requirement (once per holder)."""
    require(actor, OVERSIGHT_RECORD)
    row = MilestoneDone(milestone=milestone, done_on=done_on, note=note, **holder_for(actor, county, member_unit))
    row.full_clean()
    row.save()
    return row


@dataclass
class MilestoneRow:
    title: str
    due_on: datetime.date
    on_time: list[str]   # holders that met it by its date
    late: list[str]      # met after its date
    missing: list[str]   # not met yet


def visible_holders(user: Any) -> tuple[list[County], list[MemberUnit]]:
    """The counties and member units whose records the user sees: all for the city office, else their own."""
    role = role_of(user)
    if role in CITY_OFFICE:
        return list(County.objects.all()), list(MemberUnit.objects.all())
    assignment = assignment_of(user)
    if role == COUNTY_OFFICER:
        return list(County.objects.filter(pk=assignment.county_id)), []
    if role == MEMBER_UNIT:
        return [], list(MemberUnit.objects.filter(pk=assignment.member_unit_id))
    return [], []


def timetable(*, user: Any, year: int) -> list[MilestoneRow]:
    """Each milestone of the year with who met it on time, late, or not yet (holders in the user's scope)."""
    counties, units = visible_holders(user)
    done = {
        (row.milestone_id, row.county_id, row.member_unit_id): row.done_on
        for row in MilestoneDone.objects.for_user(user).filter(milestone__year=year)
    }
    rows = []
    for m in Milestone.objects.filter(year=year):
        r = MilestoneRow(m.title, m.due_on, [], [], [])
        for holder, key in [(c, (m.pk, c.pk, None)) for c in counties] + [(u, (m.pk, None, u.pk)) for u in units]:
            day = done.get(key)
            (r.missing if day is None else r.on_time if day <= m.due_on else r.late).append(str(holder))
        rows.append(r)
    return rows
