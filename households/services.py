"""Writes: every change to households, people and applications goes through here.

Only ``application_move`` changes ``TransferApplication.status``: it makes a move of
``TransferApplication.WORKFLOW`` through ``nongzhuancheng.workflow.transition`` (policy, scoped lock,
table, save, ApplicationEvent) and keeps the people's claim and completion date in step.
HTML views, API actions, imports and the admin all call these functions.
"""

import copy
import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nongzhuancheng.audit import AccessEvent, record
from nongzhuancheng.history import set_history_user
from nongzhuancheng.masking import mask
from nongzhuancheng.models import PoliceStation
from nongzhuancheng.scoping import (
    APPLICATION_MOVE,
    APPLICATION_RECEIVE,
    APPROVAL_RULE_EDIT,
    HOUSEHOLD_CHANGE,
    require,
)
from nongzhuancheng.workflow import Move, TransitionNotAllowed, transition

from . import rollup
from .models import ApplicationEvent, Household, Person, TransferApplication, needs_county_approval
from .numbers import application_number
from .reference import REQUIRED_DOCUMENTS, Document
from .selectors import claim_find, claims_find, station_of
from .signals import (
    application_completed,
    application_corrected,
    application_entered,
    applications_changed,
    completion_withdrawn,
)
from .validation import duplicate_message, member_check, person_check_identity
from .workdays import add_working_days

Status = TransferApplication.Status

HOUSEHOLD_FIELDS = ["number", "kind", "head_name", "township", "village", "address", "annual_income", "income_source"]
PERSON_FIELDS = [
    "name", "id_number", "sex", "birth_date", "ethnicity", "education", "marital_status",
    "relation", "phone", "occupation", "employment", "category", "destination_address",
]


class DuplicateTransfer(ValidationError):
    pass


MemberErrors = dict[int, dict[str, list[str]]]


class MembersInvalid(ValidationError):
    """One ValidationError for per-member problems: ``member_errors`` maps index -> {field: [messages]}."""

    def __init__(self, errors: MemberErrors) -> None:
        super().__init__(_("成员信息有误，请修改后再提交。"), code="members")
        self.member_errors = errors


def _members_error(errors: MemberErrors) -> MembersInvalid:
    return MembersInvalid(errors)


def _check_members(members: Sequence[Any], today: datetime.date) -> list[dict[str, Any]]:
    """Validate every member; raise one ValidationError listing errors per member index.

    Returns the cleaned dicts (ID number normalised to 18 digits, sex and birth date derived)."""
    if not members:
        raise ValidationError({"members": [_("至少需要一名转户成员。")]})
    errors: MemberErrors = {}
    cleaned = []
    seen: dict[str, int] = {}
    for i, data in enumerate(members):
        data = {k: v for k, v in dict(data).items() if k in PERSON_FIELDS}
        for field in ("name", "destination_address", "phone", "occupation"):
            if isinstance(data.get(field), str):
                data[field] = data[field].strip()
        rid, member_errors = member_check(data, today=today)
        if rid is not None:
            if rid.number in seen:
                member_errors = {"id_number": [_("与第 %(n)d 位成员的身份号码重复。") % {"n": seen[rid.number] + 1}],
                                 **member_errors}
            else:
                seen[rid.number] = i
        # the model's own field rules (choices, lengths), for fields not reported above
        probe = Person(**{k: v for k, v in data.items() if v is not None})
        try:
            # sex and birth date come from the number: a blank one is not an error of its own
            probe.clean_fields(
                exclude=["application", "household", "county", "station", "sex", "birth_date", *member_errors]
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                member_errors.setdefault(field, messages)
        if member_errors:
            errors[i] = member_errors
        cleaned.append(data)
    for number, existing in claims_find(seen).items():  # claimed anywhere in the city already
        errors.setdefault(seen[number], {}).setdefault("id_number", []).append(duplicate_message(existing))
    if errors:
        raise _members_error(errors)
    return cleaned


def _check_documents(documents: Any) -> list[str]:
    unknown = set(documents or ()) - set(REQUIRED_DOCUMENTS)
    if unknown:
        raise ValidationError({"documents": _("未知的材料：%(d)s") % {"d": ", ".join(sorted(unknown))}})
    return sorted(set(documents or ()))


def _station_for(actor: Any, station: PoliceStation | None) -> PoliceStation:
    """The station an application is received for: a clerk's own, else one chosen in the actor's scope."""
    own = station_of(actor)
    if own is not None:
        return own
    if station is None:
        raise ValidationError({"station": _("请选择受理派出所。")})
    if not PoliceStation.objects.for_user(actor).filter(pk=station.pk).exists():
        raise PermissionDenied(_("不能为本辖区以外的派出所登记。"))
    return station


def _household_from(actor: Any, household: Household | int | dict, station: PoliceStation | None) -> Household:
    """The Household to receive for: one in scope (instance or id), or one found or created from a dict."""
    if isinstance(household, (Household, int)):
        pk = household.pk if isinstance(household, Household) else household
        try:
            return Household.objects.for_user(actor).select_for_update().get(pk=pk)
        except Household.DoesNotExist:
            raise ValidationError({"household": _("找不到该户，或不在本辖区内。")}) from None
    station = _station_for(actor, station)
    data = {k: v.strip() if isinstance(v, str) else v for k, v in dict(household).items() if k in HOUSEHOLD_FIELDS}
    hh = Household.objects.select_for_update().filter(station=station, number=data.get("number") or "").first()
    if hh is None:
        hh = Household(station=station, county_id=station.county_id)
    for field, value in data.items():
        setattr(hh, field, value)
    hh.full_clean()
    set_history_user(hh, actor)
    if hh.pk is not None:
        hh.save()
        return hh
    try:
        with transaction.atomic():
            hh.save()
    except IntegrityError:
        # the same 户号 was registered at this station a moment ago (a double submit): the unique
        # index made us wait for that commit, so the household is there now; receive for it
        existing = Household.objects.select_for_update().filter(station=station, number=hh.number).first()
        if existing is None:
            raise
        return _household_from(actor, {**data, "number": existing.number}, station)
    return hh


@transaction.atomic
def application_create(*, actor: Any, household: Household | int | dict, members: list[dict], documents: Any = (),
                       station: PoliceStation | None = None, received_on: datetime.date | str | None = None,
                       note: str = "", override_reason: str = "", confirm_warnings: bool = False) -> TransferApplication:
    """Receive (受理) a household's application with its members.

    ``household`` is a Household in the actor's scope (or its id) or a dict of its fields (found by
    户号 at the station, else created); ``members`` a list of dicts of Person fields (raw ID numbers
    are fine). Raises ValidationError (with ``member_errors`` for per-member problems) or
    PermissionDenied, and changes nothing on any error. The data-quality checks (the receivers of
    ``signals.application_entered``) see the rows written: they refuse the entry (EntryRefused) for a
    hard error; with ``confirm_warnings`` (the entry page, the API: a clerk is there to answer) also for
    warnings unless ``override_reason`` lets them stand — otherwise warnings are recorded for the
    data-quality queue. The notices they return (a probable duplicate) are on ``application.entry_notices``."""
    require(actor, APPLICATION_RECEIVE)
    today = timezone.localdate()
    received_on = received_on or today
    if isinstance(received_on, str):
        received_on = datetime.date.fromisoformat(received_on)
    if received_on > today:
        raise ValidationError({"received_on": _("受理日期不能晚于今天。")})
    documents = _check_documents(documents)
    cleaned = _check_members(members, today)
    hh = _household_from(actor, household, station)
    station = hh.station
    app = TransferApplication.objects.create(
        household=hh, county_id=hh.county_id, station=station, status=Status.RECEIVED,
        received_on=received_on, due_on=add_working_days(received_on, settings.NZC_TIME_LIMIT_WORKING_DAYS),
        documents=documents, note=note or "", created_by=actor,
    )
    app.number = application_number(county_code=station.county.code, received_on=received_on, serial=app.pk)
    app.save(update_fields=["number"])
    people = []
    for data in cleaned:
        person = Person(application=app, household=hh, county_id=hh.county_id, station=station, holds_claim=True)
        for field, value in data.items():
            if value is not None:
                setattr(person, field, value)
        set_history_user(person, actor)
        people.append(person)
    try:
        with transaction.atomic():
            for person in people:
                person.save()
    except IntegrityError:
        # Another clerk claimed one of these ID numbers between our check and our insert; the
        # partial unique index made us wait for their commit, so the winner is visible now.
        errors = {}
        for i, person in enumerate(people):
            existing = claim_find(person.id_number)
            if existing is not None and existing.application_id != app.pk:
                errors[i] = {"id_number": [duplicate_message(existing)]}
        if errors:
            raise _members_error(errors) from None
        raise
    ApplicationEvent.objects.create(application=app, actor=actor, from_status="", to_status=Status.RECEIVED, note=note or "")
    notices: list[str] = []
    for _receiver, answer in application_entered.send(
            sender=TransferApplication, application=app, actor=actor, override_reason=(override_reason or "").strip(),
            confirm_warnings=confirm_warnings):
        notices += list(answer or ())
    app.entry_notices = notices  # type: ignore[attr-defined]
    return app


WORKFLOW = TransferApplication.WORKFLOW


def _apply_move(app: TransferApplication, move: Move, *, on: datetime.date | str | None) -> list[str]:
    """What a move changes besides the status (the rules of the move, checked on the locked row).
    Returns the names of the application's fields it set."""
    today = timezone.localdate()
    on = on or today
    if isinstance(on, str):
        on = datetime.date.fromisoformat(on)
    members = Person.objects.filter(application=app)
    if move.target in (Status.COMPLETED, Status.AWAITING_APPROVAL) and app.missing_documents:
        raise ValidationError(
            _("材料不全，不能办结：缺少%(d)s。")
            % {"d": "、".join(str(Document(d).label) for d in app.missing_documents)},
            code="documents",
        )
    if move.target == Status.AWAITING_APPROVAL:  # the station's check is done; the county decides
        return []
    if move.target == Status.COMPLETED:
        # approved by the county: the transfer completes on the day of the approval (``on``)
        if on > today or on < app.received_on:
            raise ValidationError({"completed_on": _("办结日期必须在受理日期与今天之间。")})
        app.completed_on = on
        members.update(completed_on=on)
        rollup.rollup_apply(rollup.application_keys(app.pk))  # the members were not completed before
        return ["completed_on"]
    if move.target in (Status.REJECTED, Status.WITHDRAWN):
        # counted only when a completed application is withdrawn as a duplicate (withdraw_duplicate)
        before = rollup.application_keys(app.pk)
        members.update(holds_claim=False, completed_on=None)  # the ID numbers are free again
        rollup.rollup_change(before, rollup.application_keys(app.pk))
        if app.completed_on is not None:
            app.completed_on = None
            return ["completed_on"]
        return []
    if move.name == "send_back":  # the county sends it back to the station: the time limit runs on
        return []
    if move.target == Status.RECEIVED:  # resubmitted after a return: the time limit starts again
        if on > today or on < app.received_on:
            raise ValidationError({"received_on": _("重新受理日期必须在原受理日期与今天之间。")})
        app.received_on = on
        app.due_on = add_working_days(on, settings.NZC_TIME_LIMIT_WORKING_DAYS)
        return ["received_on", "due_on"]
    return []


def _record_move(app: TransferApplication, before: str, move: Move, *, actor: Any, note: str) -> None:
    ApplicationEvent.objects.create(application=app, actor=actor, from_status=before, to_status=move.target,
                                    note=note or "")


@transaction.atomic
def application_move(*, application: TransferApplication | int, move: str | Move, actor: Any, note: str = "",
                     on: datetime.date | str | None = None, documents: list[str] | None = None) -> TransferApplication:
    """Make one move of ``TransferApplication.WORKFLOW`` (its name: "complete", "return", ...).

    ``on`` is the date the move takes effect (completion or renewed receipt; today by default);
    ``documents``, when given, are recorded too — before completing, after a resubmission."""
    move = WORKFLOW.get(move) if isinstance(move, str) else move
    if move.name == "complete":  # where the county asks to approve, the station's 办结 waits for it
        row = TransferApplication.objects.filter(pk=getattr(application, "pk", application)).first()
        if row is not None and row.status == Status.RECEIVED and needs_county_approval(row):
            move = WORKFLOW.get("submit_approval")
    if documents is not None:
        if move.target in (Status.COMPLETED, Status.AWAITING_APPROVAL) and move.name != "approve":
            application = application_set_documents(application=application, actor=actor, documents=documents)
        else:
            _check_documents(documents)
    was: list[str] = []

    def record(row: TransferApplication, before: str, m: Move) -> None:
        was.append(before)
        _record_move(row, before, m, actor=actor, note=note)

    app = transition(
        workflow=WORKFLOW, move=move, obj=application, queryset=TransferApplication.objects, actor=actor, note=note,
        apply=lambda row, m: _apply_move(row, m, on=on), record=record,
    )
    if move.target == Status.COMPLETED:
        application_completed.send(sender=TransferApplication, application=app, actor=actor)
    if move.target == Status.WITHDRAWN and was == [Status.COMPLETED]:
        completion_withdrawn.send(sender=TransferApplication, application=app, actor=actor)
    applications_changed.send(sender=TransferApplication, application_ids=[app.pk], actor=actor)
    if documents is not None and move.name == "resubmit":
        app = application_set_documents(application=app, actor=actor, documents=documents)
    return app


def _locked_in_scope(model: Any, obj: Any, actor: Any, action: str) -> Any:
    """The row (an instance or a pk), locked, if the actor may take ``action`` on it; DoesNotExist otherwise (404)."""
    pk = obj if isinstance(obj, int) else obj.pk
    return model.objects.for_user(actor, action).select_for_update().get(pk=pk)


@transaction.atomic
def application_set_documents(*, application: TransferApplication | int, actor: Any,
                              documents: Any) -> TransferApplication:
    """Record which required documents have been checked (only while the application is open)."""
    require(actor, APPLICATION_MOVE)
    documents = _check_documents(documents)
    app = _locked_in_scope(TransferApplication, application, actor, APPLICATION_MOVE)
    if not app.is_open:
        raise TransitionNotAllowed(_("已结束的申请不能修改材料。"))
    app.documents = documents
    set_history_user(app, actor)
    app.save(update_fields=["documents", "updated_at"])
    applications_changed.send(sender=TransferApplication, application_ids=[app.pk], actor=actor)
    return app


def application_complete(*, application: TransferApplication, actor: Any, note: str = "",
                         on: datetime.date | str | None = None, documents: list[str] | None = None) -> TransferApplication:
    """办结: every required document must have been checked (``documents``, if given, are recorded first)."""
    return application_move(application=application, move="complete", actor=actor, note=note, on=on,
                            documents=documents)


def application_return(*, application: TransferApplication, actor: Any, note: str) -> TransferApplication:
    """退回补正: the applicant must bring what is missing; the note says what."""
    return application_move(application=application, move="return", actor=actor, note=note)


def application_resubmit(*, application: TransferApplication, actor: Any, note: str = "",
                         documents: list[str] | None = None, on: datetime.date | str | None = None) -> TransferApplication:
    """Received again after a return (补正后重新受理, on ``on``, default today); the time limit starts again."""
    return application_move(application=application, move="resubmit", actor=actor, note=note, on=on,
                            documents=documents)


def application_reject(*, application: TransferApplication, actor: Any, note: str) -> TransferApplication:
    """不予办理, with a reason. The members' ID numbers are released."""
    return application_move(application=application, move="reject", actor=actor, note=note)


def application_withdraw(*, application: TransferApplication, actor: Any, note: str = "") -> TransferApplication:
    """撤回 at the applicant's request. The members' ID numbers are released."""
    return application_move(application=application, move="withdraw", actor=actor, note=note)


def moves_allowed(application: TransferApplication, user: Any = None) -> list[str]:
    """Names of the moves the table allows from the application's status (that ``user`` may make)."""
    return [m.name for m in WORKFLOW.moves_for(application, user)]


def direct_correction_check(app: TransferApplication) -> None:
    """A household's or member's data is corrected directly only while the application is received or
    returned; after completion a correction is a request the county office decides
    (``households.corrections``)."""
    if app.status == Status.COMPLETED:
        raise TransitionNotAllowed(_("已办结的申请须提交更正申请，由县区办公室审核后更正。"), code="correction_request")
    if app.status == Status.AWAITING_APPROVAL:
        raise TransitionNotAllowed(_("待县级审批的申请不能直接更正，请县区办公室先退回。"), code="awaiting")
    if app.status not in TransferApplication.OPEN:
        raise TransitionNotAllowed(_("已结束的申请不能更正。"), code="ended")


def household_changes_clean(hh: Household, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes of a household's register data, checked (stripped, the model's own rules); ``hh``
    is not changed."""
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise ValidationError({field: _("该字段不能修改。") for field in sorted(unknown)})
    changes = {f: v.strip() if isinstance(v, str) else v for f, v in changes.items()}
    probe = copy.copy(hh)
    for field, value in changes.items():
        setattr(probe, field, value)
    probe.full_clean()
    return changes


def household_change_apply(hh: Household, changes: dict[str, Any], actor: Any) -> Household:
    """Write checked changes to a locked household (household_update, an approved correction)."""
    for field, value in changes.items():
        setattr(hh, field, value)
    hh.full_clean()
    set_history_user(hh, actor)
    hh.save()
    applications_changed.send(sender=TransferApplication, actor=actor,
                              application_ids=list(hh.applications.values_list("pk", flat=True)))
    return hh


def application_withdraw_duplicate(*, application: TransferApplication | int, actor: Any,
                                   note: str) -> TransferApplication:
    """作为重复记录撤回 (the county office, deciding a probable duplicate): from received, returned or
    completed. A completed one leaves the counts (rollup) and its entitlement records close."""
    return application_move(application=application, move="withdraw_duplicate", actor=actor, note=note)


@transaction.atomic
def household_update(*, household: Household, actor: Any, **changes: Any) -> Household:
    """Correct a household's register data (户号, 户别, 户主, address) while none of its applications
    is completed or waiting for the county; keeps a history."""
    require(actor, HOUSEHOLD_CHANGE)
    hh = _locked_in_scope(Household, household, actor, HOUSEHOLD_CHANGE)
    for app in TransferApplication.objects.filter(household=hh, status__in=[Status.COMPLETED, Status.AWAITING_APPROVAL]):
        direct_correction_check(app)
    return household_change_apply(hh, household_changes_clean(hh, changes), actor)


def person_changes_clean(person: Person, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes of a member's data, checked as they would be written (ID number normalised, sex and
    birth date derived from a new number, an ID number claimed elsewhere refused); ``person`` is not
    changed."""
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({field: _("该字段不能修改。") for field in sorted(unknown)})
    changes = {f: v.strip() if isinstance(v, str) else v for f, v in changes.items()}
    if {"id_number", "sex", "birth_date"} & set(changes):
        number_changed = "id_number" in changes
        rid = person_check_identity(
            id_number=changes.get("id_number", person.id_number),
            # a new number brings its own sex and birth date unless they were typed too
            sex=changes.get("sex") or (None if number_changed else person.sex),
            birth_date=changes.get("birth_date") or (None if number_changed else person.birth_date),
        )
        changes["id_number"], changes["sex"], changes["birth_date"] = rid.number, rid.sex, rid.birth_date
        if rid.number != person.id_number and person.holds_claim:
            existing = claim_find(rid.number)
            if existing is not None and existing.pk != person.pk:
                raise DuplicateTransfer({"id_number": [duplicate_message(existing)]})
    probe = copy.copy(person)
    for field, value in changes.items():
        setattr(probe, field, value)
    probe.full_clean(exclude=["application", "household", "county", "station"], validate_constraints=False)
    return changes


def person_change_apply(person: Person, changes: dict[str, Any], actor: Any, *, why: str = "") -> Person:
    """Write checked changes to a locked person (person_update, an approved correction). On a
    completed application the count moves with the category, sex or birth date, never duplicated;
    a changed ID number is written to the access log (``AccessEvent.Kind.ID_CHANGE``)."""
    counted = rollup.keys_of([person])  # category, sex and birth date are dimensions of the rollup
    old_number = person.id_number
    for field, value in changes.items():
        setattr(person, field, value)
    person.full_clean(exclude=["application", "household", "county", "station"], validate_constraints=False)
    set_history_user(person, actor)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # claimed by another application between the check and the write: the partial unique index
        # made us wait for that commit, so the claim is visible now
        existing = claim_find(person.id_number)
        if existing is not None:
            raise DuplicateTransfer({"id_number": [duplicate_message(existing)]}) from None
        raise
    rollup.rollup_change(counted, rollup.keys_of([person]))
    if person.id_number != old_number:
        record(AccessEvent.Kind.ID_CHANGE, user=actor, person_id=person.pk,
               subject=f"{mask(old_number)} → {mask(person.id_number)}",
               detail={"application": person.application_id, "why": why[:200]})
    applications_changed.send(sender=TransferApplication, application_ids=[person.application_id], actor=actor)
    if person.application.status == Status.COMPLETED:
        application_corrected.send(
            sender=TransferApplication, application=person.application, actor=actor, changed={"person_ids": [person.pk]}
        )
    return person


@transaction.atomic
def person_update(*, person: Person, actor: Any, **changes: Any) -> Person:
    """Correct a member's data while the application is received or returned (keeps a history). A
    new ID number is checked like a new one. After completion: ``households.corrections``."""
    require(actor, HOUSEHOLD_CHANGE)
    person = _locked_in_scope(Person, person, actor, HOUSEHOLD_CHANGE)
    direct_correction_check(person.application)
    return person_change_apply(person, person_changes_clean(person, changes), actor)


def completion_date_check(app: TransferApplication, completed_on: datetime.date | str) -> datetime.date:
    if isinstance(completed_on, str):
        try:
            completed_on = datetime.date.fromisoformat(completed_on)
        except ValueError:
            raise ValidationError({"completed_on": _("日期格式应为 YYYY-MM-DD。")}) from None
    if app.status != Status.COMPLETED:
        raise TransitionNotAllowed(_("只有已办结的申请可以更正办结日期。"))
    if completed_on > timezone.localdate() or completed_on < app.received_on:
        raise ValidationError({"completed_on": _("办结日期必须在受理日期与今天之间。")})
    return completed_on


def completion_date_apply(app: TransferApplication, completed_on: datetime.date, actor: Any) -> TransferApplication:
    """Move a locked completed application to a corrected completion date (an approved correction):
    the members and the rollup move with it, in this transaction."""
    before = app.completed_on
    app.completed_on = completed_on
    set_history_user(app, actor)
    app.save(update_fields=["completed_on", "updated_at"])
    counted = rollup.application_keys(app.pk)
    Person.objects.filter(application=app).update(completed_on=completed_on)
    rollup.rollup_change(counted, rollup.application_keys(app.pk))
    application_corrected.send(sender=TransferApplication, application=app, actor=actor, changed={"completed_on": before})
    applications_changed.send(sender=TransferApplication, application_ids=[app.pk], actor=actor)
    return app


@transaction.atomic
def approval_rules_set(*, actor: Any, county: Any, categories: Any) -> list[str]:
    """Set which categories of ``county`` (one of the actor's scope) make a completion need the county
    office's approval: exactly ``categories``. Returns them, sorted. Applications already waiting
    stay waiting until the county decides."""
    from nongzhuancheng.models import County

    from .approval_models import CountyApprovalRule
    from .reference import Category

    require(actor, APPROVAL_RULE_EDIT)
    pk = county.pk if isinstance(county, County) else county
    county = County.objects.for_user(actor, APPROVAL_RULE_EDIT).get(pk=pk)
    wanted = set(categories or ())
    unknown = wanted - set(Category.values)
    if unknown:
        raise ValidationError({"categories": _("未知的转户类别：%(c)s") % {"c": ", ".join(sorted(unknown))}})
    for category in Category.values:
        CountyApprovalRule.objects.update_or_create(
            county=county, category=category,
            defaults={"requires_approval": category in wanted, "updated_by": actor},
        )
    return sorted(wanted)


def application_approve(*, application: TransferApplication, actor: Any, note: str = "",
                        on: datetime.date | str | None = None) -> TransferApplication:
    """县级审批通过: the county office approves a completion waiting for it; the transfer completes on
    the day of the approval (``on``, default today) and is counted from then."""
    return application_move(application=application, move="approve", actor=actor, note=note, on=on)


def application_send_back(*, application: TransferApplication, actor: Any, note: str) -> TransferApplication:
    """县级审批退回: back to the station (received again, its time limit unchanged), with the reason."""
    return application_move(application=application, move="send_back", actor=actor, note=note)
