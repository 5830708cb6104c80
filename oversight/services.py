"""Writes of the supervision work: assessment schemes and revisions, publicity, funding, problems.

Every state change goes through ``nongzhuancheng.workflow.transition`` over the models' move
tables (``AssessmentRevision.WORKFLOW``, ``Problem.WORKFLOW``) and writes an event row. A published
assessment revision is never changed: ``assessment_correct`` starts a new revision from it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from households.workdays import add_working_days
from nongzhuancheng.models import County, MemberUnit
from nongzhuancheng.roles import COUNTY_OFFICER, MEMBER_UNIT
from nongzhuancheng.scoping import (
    ASSESSMENT_EDIT,
    OVERSIGHT_RECORD,
    PROBLEM_RAISE,
    assignment_of,
    require,
    role_of,
)
from nongzhuancheng.workflow import Move, TransitionNotAllowed, transition

from . import scoring
from .models import (
    Assessment,
    AssessmentEvent,
    AssessmentRevision,
    AssessmentScheme,
    FundingEntry,
    FundingProject,
    Group,
    Problem,
    ProblemEvent,
    PublicityRecord,
    Rule,
    SchemeItem,
    Score,
)

RState = AssessmentRevision.State
PState = Problem.State

# The time limit the city office has to answer a problem raised (工作日).
PROBLEM_ANSWER_WORKING_DAYS = 10

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# content type → the first bytes a real file of that type starts with
EVIDENCE_TYPES = {
    "application/pdf": (b"%PDF",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG",),
}

# The items of the report's two groups (一(三)): weights sum to 100; the city office may change them.
DEFAULT_ITEMS: dict[str, list[tuple[str, str, int, int | None]]] = {
    Group.COUNTY: [
        ("对照目标任务", Rule.TARGET_COMPLETION, 40, None),
        ("组织领导", Rule.MANUAL, 10, None),
        ("责任落实", Rule.MANUAL, 10, None),
        ("权益保障", Rule.RIGHTS_DELIVERY, 15, None),
        ("资金保障", Rule.FUNDING, 10, None),
        ("宣传培训", Rule.PUBLICITY, 10, 300),
        ("协调推进", Rule.COORDINATION, 5, None),
    ],
    Group.MEMBER_UNIT: [
        ("对照目标任务", Rule.TARGET_COMPLETION, 20, None),
        ("挂钩县区工作情况", Rule.LINKED_COUNTIES, 30, None),
        ("组织领导", Rule.MANUAL, 10, None),
        ("责任落实", Rule.MANUAL, 10, None),
        ("权益保障", Rule.RIGHTS_DELIVERY, 15, None),
        ("宣传培训", Rule.PUBLICITY, 5, 20),
        ("协调推进", Rule.COORDINATION, 10, None),
    ],
}


# Schemes --------------------------------------------------------------------------------------

@transaction.atomic
def scheme_create(*, actor: Any, year: int, group: str, as_of: datetime.date, title: str = "",
                  document_number: str = "", items: list[tuple[str, str, int, int | None]] | None = None,
                  reward_min: Decimal | int = 90, pass_min: Decimal | int = 70,
                  criticism_min: Decimal | int = 60) -> AssessmentScheme:
    """A scheme of one year for one group with its items ((label, rule, weight, norm); the report's by default)."""
    require(actor, ASSESSMENT_EDIT)
    scheme = AssessmentScheme(year=year, group=group, as_of=as_of, title=title, document_number=document_number,
                              reward_min=Decimal(reward_min), pass_min=Decimal(pass_min),
                              criticism_min=Decimal(criticism_min))
    scheme.full_clean()
    scheme.save()
    for order, (label, rule, weight, norm) in enumerate(items or DEFAULT_ITEMS[group], start=1):
        item = SchemeItem(scheme=scheme, order=order, label=label, rule=rule, weight=Decimal(weight), norm=norm)
        item.full_clean()
        item.save()
    return scheme


def _holders(scheme: AssessmentScheme) -> list[County | MemberUnit]:
    if scheme.group == Group.COUNTY:
        return list(County.objects.all())
    return list(MemberUnit.objects.all())


def _holder_fields(holder: County | MemberUnit) -> dict[str, Any]:
    return {"county": holder} if isinstance(holder, County) else {"member_unit": holder}


# Assessments ----------------------------------------------------------------------------------

def _event(revision: AssessmentRevision, *, action: str, actor: Any, note: str = "", before: str = "",
           after: str = "") -> None:
    AssessmentEvent.objects.create(revision=revision, action=action, actor=actor, note=note,
                                   from_state=before, to_state=after)


def _retotal(revision: AssessmentRevision) -> None:
    total = sum((s.score for s in revision.scores.all()), Decimal("0"))
    revision.total = total
    revision.grade = revision.assessment.scheme.grade_of(total)
    revision.save(update_fields=["total", "grade"])


def _score_automatic(revision: AssessmentRevision, data: scoring.ScoringData) -> None:
    holder = revision.assessment.holder
    for item in revision.assessment.scheme.items.exclude(rule=Rule.MANUAL):
        m = scoring.measure(holder, item, data)
        Score.objects.update_or_create(
            revision=revision, item=item,
            defaults={"measured": m.ratio, "basis": m.basis[:200], "score": scoring.item_score(item.weight, m.ratio),
                      "entered_by": None, "entered_at": timezone.now()},
        )


@transaction.atomic
def assessment_start(*, scheme: AssessmentScheme, holder: County | MemberUnit, actor: Any,
                     data: scoring.ScoringData | None = None) -> AssessmentRevision:
    """The first revision (a draft) of a holder's assessment, its automatic items scored from the data."""
    require(actor, ASSESSMENT_EDIT)
    if (scheme.group == Group.COUNTY) != isinstance(holder, County):
        raise ValidationError(_("考核对象与考核组别不符。"))
    assessment, created = Assessment.objects.get_or_create(scheme=scheme, **_holder_fields(holder))
    if not created:
        latest = assessment.revisions.order_by("-number").first()
        assert latest is not None  # an assessment is created with its first revision
        return latest
    revision = AssessmentRevision.objects.create(assessment=assessment, number=1, created_by=actor)
    for item in scheme.items.filter(rule=Rule.MANUAL):
        Score.objects.create(revision=revision, item=item)
    _score_automatic(revision, data or scoring.ScoringData(scheme))
    _retotal(revision)
    _event(revision, action="start", actor=actor, after=RState.DRAFT)
    return revision


def assessment_start_all(*, scheme: AssessmentScheme, actor: Any) -> list[AssessmentRevision]:
    """Start the assessment of every county (or every member unit) of the scheme's group; safe to run twice."""
    data = scoring.ScoringData(scheme)
    return [assessment_start(scheme=scheme, holder=h, actor=actor, data=data) for h in _holders(scheme)]


def _draft(revision: AssessmentRevision, actor: Any) -> AssessmentRevision:
    """The revision locked, in the actor's scope for editing, and still a draft."""
    require(actor, ASSESSMENT_EDIT)
    row = AssessmentRevision.objects.for_user(actor, ASSESSMENT_EDIT).select_for_update().get(pk=revision.pk)
    if row.state != RState.DRAFT:
        raise TransitionNotAllowed(_("只有草稿可以修改得分。"), code="not_draft")
    return row


@transaction.atomic
def revision_recompute(*, revision: AssessmentRevision, actor: Any) -> AssessmentRevision:
    """Score a draft's automatic items again from today's data (manual scores are kept)."""
    row = _draft(revision, actor)
    _score_automatic(row, scoring.ScoringData(row.assessment.scheme))
    _retotal(row)
    _event(row, action="recompute", actor=actor)
    return row


def validate_evidence(file: Any) -> None:
    """Evidence must be a PDF, JPEG or PNG of at most 10 MB: its declared type and its first bytes agree."""
    if file.size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"evidence": [_("佐证材料不能超过 10 MB。")]})
    content_type = getattr(file, "content_type", "") or ""
    starts = EVIDENCE_TYPES.get(content_type)
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if starts is None or not any(head.startswith(s) for s in starts):
        raise ValidationError({"evidence": [_("佐证材料必须是 PDF、JPG 或 PNG 文件。")]})


@transaction.atomic
def score_enter(*, revision: AssessmentRevision, item: SchemeItem, score: Decimal | str | int, comment: str,
                actor: Any, evidence: Any = None) -> Score:
    """Enter a manual item's score (0 … weight) with a comment and, optionally, an evidence document."""
    row = _draft(revision, actor)
    if item.scheme_id != row.assessment.scheme_id or item.rule != Rule.MANUAL:
        raise ValidationError({"item": [_("只有人工评分项目可以录入得分。")]})
    try:
        value = Decimal(str(score))
    except InvalidOperation:
        raise ValidationError({"score": [_("请输入分数。")]}) from None
    if not (Decimal(0) <= value <= item.weight) or value != value.quantize(Decimal("0.01")):
        raise ValidationError({"score": [_("得分应在 0 至 %(w)s 之间，最多两位小数。") % {"w": item.weight}]})
    if not (comment or "").strip():
        raise ValidationError({"comment": [_("请填写评分说明。")]})
    if evidence is not None:
        validate_evidence(evidence)
    entry, _created = Score.objects.get_or_create(revision=row, item=item)
    entry.score = value
    entry.comment = comment.strip()
    entry.entered_by = actor
    entry.entered_at = timezone.now()
    if evidence is not None:
        entry.evidence.save(evidence.name, evidence, save=False)
    entry.save()
    _retotal(row)
    _event(row, action="score", actor=actor, note=f"{item.label}：{value}")
    return entry


def _apply_revision_move(row: AssessmentRevision, move: Move) -> list[str]:
    if move.target == RState.PUBLISHED:
        row.published_at = timezone.now()
        return ["published_at"]
    return []


def revision_move(*, revision: AssessmentRevision | int, move: str | Move, actor: Any,
                  note: str = "") -> AssessmentRevision:
    """Make one move of ``AssessmentRevision.WORKFLOW`` (review, return, publish)."""
    workflow = AssessmentRevision.WORKFLOW
    return transition(
        workflow=workflow, move=move, obj=revision, queryset=AssessmentRevision.objects, actor=actor, note=note,
        apply=_apply_revision_move,
        record=lambda row, before, m: _event(row, action=m.name, actor=actor, note=note, before=before,
                                             after=m.target),
    )


@transaction.atomic
def assessment_correct(*, revision: AssessmentRevision, actor: Any, reason: str) -> AssessmentRevision:
    """Start a correction of a published revision: a new draft with its scores; the published one stays."""
    require(actor, ASSESSMENT_EDIT)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请写明更正理由。")]})
    published = AssessmentRevision.objects.for_user(actor, ASSESSMENT_EDIT).get(pk=revision.pk)
    if published.state != RState.PUBLISHED:
        raise TransitionNotAllowed(_("只有已公布的考核结果需要更正；草稿可直接修改。"), code="not_published")
    assessment = Assessment.objects.select_for_update().get(pk=published.assessment_id)
    if assessment.revisions.exclude(state=RState.PUBLISHED).exists():
        raise TransitionNotAllowed(_("该考核已有未公布的版本。"), code="open_revision")
    number = (assessment.revisions.aggregate(m=Max("number"))["m"] or 0) + 1
    new = AssessmentRevision.objects.create(assessment=assessment, number=number, corrects=published,
                                            reason=reason.strip(), created_by=actor,
                                            total=published.total, grade=published.grade)
    for s in published.scores.all():
        Score.objects.create(revision=new, item=s.item, measured=s.measured, basis=s.basis, score=s.score,
                             comment=s.comment, evidence=s.evidence.name, entered_by=s.entered_by,
                             entered_at=s.entered_at)
    _event(new, action="correct", actor=actor, note=reason.strip(), after=RState.DRAFT)
    return new


# Publicity and funding ------------------------------------------------------------------------

def holder_for(actor: Any, county: County | None, member_unit: MemberUnit | None) -> dict[str, Any]:
    """The holder a record is written for: the actor's own county or unit; the city office names one."""
    role = role_of(actor)
    assignment = assignment_of(actor)
    if role == COUNTY_OFFICER:
        assert assignment is not None  # the role is the assignment's
        if member_unit is not None or (county is not None and county.pk != assignment.county_id):
            raise County.DoesNotExist("out of scope")
        return {"county": assignment.county, "member_unit": None}
    if role == MEMBER_UNIT:
        assert assignment is not None
        if county is not None or (member_unit is not None and member_unit.pk != assignment.member_unit_id):
            raise MemberUnit.DoesNotExist("out of scope")
        return {"county": None, "member_unit": assignment.member_unit}
    if (county is None) == (member_unit is None):
        raise ValidationError(_("请选择一个县区或一个成员单位（二者选一）。"))
    return {"county": county, "member_unit": member_unit}


def publicity_record(*, actor: Any, held_on: datetime.date, media_campaigns: int = 0, onsite_events: int = 0,
                     leaflets: int = 0, description: str = "", county: County | None = None,
                     member_unit: MemberUnit | None = None) -> PublicityRecord:
    """Record a day's publicity work of the actor's county or unit (the city office names the holder)."""
    require(actor, OVERSIGHT_RECORD)
    record = PublicityRecord(held_on=held_on, media_campaigns=media_campaigns, onsite_events=onsite_events,
                             leaflets=leaflets, description=description, created_by=actor,
                             **holder_for(actor, county, member_unit))
    record.full_clean()
    record.save()
    return record


def funding_project_create(*, actor: Any, year: int, kind: str, name: str, planned_amount: Decimal | int,
                           output_unit: str = "", planned_output: int = 0, county: County | None = None,
                           member_unit: MemberUnit | None = None) -> FundingProject:
    """A funding project of the actor's county or unit (the city office names the holder)."""
    require(actor, OVERSIGHT_RECORD)
    project = FundingProject(year=year, kind=kind, name=name, planned_amount=Decimal(planned_amount),
                             output_unit=output_unit, planned_output=planned_output,
                             **holder_for(actor, county, member_unit))
    project.full_clean()
    project.save()
    return project


def funding_entry_add(*, actor: Any, project: FundingProject, spent_on: datetime.date, amount: Decimal | int,
                      output: int = 0, note: str = "") -> FundingEntry:
    """Money spent on a project in the actor's scope by a date, and what it built or provided."""
    require(actor, OVERSIGHT_RECORD)
    project = FundingProject.objects.for_user(actor, OVERSIGHT_RECORD).get(pk=project.pk)
    entry = FundingEntry(project=project, spent_on=spent_on, amount=Decimal(amount), output=output, note=note)
    entry.full_clean()
    entry.save()
    return entry


# Problems -------------------------------------------------------------------------------------

def problem_due_on(raised_on: datetime.date) -> datetime.date:
    """The answer is due PROBLEM_ANSWER_WORKING_DAYS working days after the day it was raised."""
    return add_working_days(raised_on, PROBLEM_ANSWER_WORKING_DAYS)


@transaction.atomic
def problem_raise(*, actor: Any, title: str, description: str, raised_on: datetime.date | None = None,
                  county: County | None = None, member_unit: MemberUnit | None = None) -> Problem:
    """A county or member unit raises a problem with the city office; the answer is due in working days."""
    require(actor, PROBLEM_RAISE)
    raised_on = raised_on or timezone.localdate()
    problem = Problem(title=title, description=description, raised_on=raised_on, due_on=problem_due_on(raised_on),
                      raised_by=actor, **holder_for(actor, county, member_unit))
    problem.full_clean()
    problem.save()
    ProblemEvent.objects.create(problem=problem, move="raise", to_state=PState.RAISED, actor=actor)
    return problem


def problem_move(*, problem: Problem | int, move: str | Move, actor: Any, note: str = "",
                 on: datetime.date | None = None, assigned_to: MemberUnit | None = None) -> Problem:
    """Make one move of ``Problem.WORKFLOW``: assign (to a member unit, optional), answer, reopen, close."""
    on = on or timezone.localdate()

    def apply(row: Problem, m: Move) -> list[str]:
        if m.name == "assign":
            row.assigned_to = assigned_to
            return ["assigned_to"]
        if m.name == "answer":
            row.answer = note.strip()
            row.answered_on = on
            return ["answer", "answered_on"]
        if m.name == "reopen":
            row.answered_on = None
            return ["answered_on"]
        if m.name == "close":
            row.closed_on = on
            return ["closed_on"]
        return []

    return transition(
        workflow=Problem.WORKFLOW, move=move, obj=problem, queryset=Problem.objects, actor=actor, note=note,
        apply=apply,
        record=lambda row, before, m: ProblemEvent.objects.create(problem=row, move=m.name, from_state=before,
                                                                  to_state=m.target, note=note, actor=actor),
    )
