"""Writes: every change to households, people and applications goes through here.

Only ``_move`` changes ``TransferApplication.status``: it checks the TRANSITIONS table, locks the
row, saves, writes an ApplicationEvent and keeps the people's claim and completion date in step.
HTML views, API actions, imports and the admin all call these functions.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nongzhuancheng.models import PoliceStation
from nongzhuancheng.scoping import CLERK, assignment_of, can_write, role_of

from . import ids
from .models import ApplicationEvent, Household, Person, TransferApplication
from .reference import REQUIRED_DOCUMENTS, Category, Document
from .selectors import claim_find
from .signals import application_completed, application_corrected
from .workdays import add_working_days

Status = TransferApplication.Status

HOUSEHOLD_FIELDS = ["number", "kind", "head_name", "township", "village", "address"]
PERSON_FIELDS = [
    "name", "id_number", "sex", "birth_date", "ethnicity", "education", "marital_status",
    "relation", "phone", "occupation", "category", "destination_address",
]


class TransitionNotAllowed(ValidationError):
    pass


class DuplicateTransfer(ValidationError):
    pass


def duplicate_message(person):
    app = person.application
    return _(
        "身份号码 %(id)s 已于 %(date)s 在%(station)s申请转户（申请编号 %(number)s，%(status)s），不能重复办理。"
    ) % {
        "id": ids.mask(person.id_number),
        "date": app.received_on.isoformat(),
        "station": str(person.station),
        "number": app.number or app.pk,
        "status": app.get_status_display(),
    }


def person_check_identity(*, id_number, sex=None, birth_date=None, today=None):
    """Validate an ID number and what was typed beside it. Returns the ResidentId.

    Sex and birth date come from the number; a typed value that differs is an error."""
    errors = {}
    try:
        rid = ids.parse(id_number, today=today)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    if sex and sex != rid.sex:
        errors["sex"] = _("性别与身份号码不符：号码第17位表示%(s)s。") % {"s": _("男") if rid.sex == "M" else _("女")}
    if birth_date:
        if isinstance(birth_date, str):
            try:
                birth_date = datetime.date.fromisoformat(birth_date)
            except ValueError:
                errors["birth_date"] = _("出生日期格式应为 YYYY-MM-DD。")
                birth_date = None
        if birth_date and birth_date != rid.birth_date:
            errors["birth_date"] = _("出生日期与身份号码不符：号码中为 %(d)s。") % {"d": rid.birth_date.isoformat()}
    if errors:
        raise ValidationError(errors)
    return rid


def _check_members(members, today):
    """Validate every member; raise one ValidationError listing errors per member index."""
    errors = {}
    cleaned = []
    seen = {}
    for i, data in enumerate(members):
        data = dict(data)
        member_errors = {}
        try:
            rid = person_check_identity(
                id_number=data.get("id_number"), sex=data.get("sex") or None,
                birth_date=data.get("birth_date") or None, today=today,
            )
            data["id_number"], data["sex"], data["birth_date"] = rid.number, rid.sex, rid.birth_date
            if rid.number in seen:
                member_errors["id_number"] = [_("与第 %(n)d 位成员的身份号码重复。") % {"n": seen[rid.number] + 1}]
            else:
                seen[rid.number] = i
                existing = claim_find(rid.number)
                if existing is not None:
                    member_errors["id_number"] = [duplicate_message(existing)]
        except ValidationError as exc:
            member_errors.update(exc.message_dict)
        if not (data.get("name") or "").strip():
            member_errors["name"] = [_("请填写姓名。")]
        if data.get("category") not in Category.values:
            member_errors["category"] = [_("转户类别必须是十一类之一。")]
        if not (data.get("destination_address") or "").strip():
            member_errors["destination_address"] = [_("请填写迁入城镇地址。")]
        if member_errors:
            errors[i] = member_errors
        cleaned.append(data)
    if not members:
        raise ValidationError({"members": [_("至少需要一名转户成员。")]})
    if errors:
        exc = ValidationError(_("成员信息有误，请修改后再提交。"))
        exc.member_errors = errors
        raise exc
    return cleaned


def _station_for(actor, station):
    assignment = assignment_of(actor)
    if role_of(actor) == CLERK:
        return assignment.station
    if station is None:
        raise ValidationError({"station": _("请选择受理派出所。")})
    if not PoliceStation.objects.for_user(actor).filter(pk=station.pk).exists():
        raise PermissionDenied(_("不能为本辖区以外的派出所登记。"))
    return station


@transaction.atomic
def application_create(*, actor, household, members, documents=(), station=None, received_on=None, note=""):
    """Receive (受理) a household's application with its members.

    ``household`` is a Household in the actor's scope or a dict of its fields; ``members`` a list
    of dicts of Person fields (raw ID numbers are fine). Raises ValidationError (with
    ``member_errors`` for per-member problems) and changes nothing on any error."""
    if not can_write(actor):
        raise PermissionDenied(_("当前角色只能查看，不能受理申请。"))
    today = timezone.localdate()
    received_on = received_on or today
    cleaned = _check_members(members, today)
    if isinstance(household, Household):
        hh = Household.objects.for_user(actor).select_for_update().get(pk=household.pk)
        station = hh.station
    else:
        station = _station_for(actor, station)
        hh = Household.objects.filter(station=station, number=(household.get("number") or "").strip()).first()
        if hh is None:
            hh = Household(station=station, county_id=station.county_id)
        for field in HOUSEHOLD_FIELDS:
            if field in household:
                setattr(hh, field, household[field].strip() if isinstance(household[field], str) else household[field])
        hh.full_clean()
        hh.save()
    unknown = set(documents) - set(REQUIRED_DOCUMENTS)
    if unknown:
        raise ValidationError({"documents": _("未知的材料：%(d)s") % {"d": ", ".join(sorted(unknown))}})
    app = TransferApplication.objects.create(
        household=hh, county_id=hh.county_id, station=station, status=Status.RECEIVED,
        received_on=received_on, due_on=add_working_days(received_on, settings.NZC_TIME_LIMIT_WORKING_DAYS),
        documents=sorted(set(documents)), note=note, created_by=actor,
    )
    app.number = f"{station.county.code}{received_on:%Y%m%d}{app.pk:07d}"
    app.save(update_fields=["number"])
    people = []
    for data in cleaned:
        person = Person(application=app, household=hh, county_id=hh.county_id, station=station, holds_claim=True)
        for field in PERSON_FIELDS:
            if field in data and data[field] is not None:
                setattr(person, field, data[field])
        person.full_clean(exclude=["application", "household", "county", "station"], validate_constraints=False)
        people.append(person)
    try:
        with transaction.atomic():
            for person in people:
                person.save()
    except IntegrityError:
        # Another clerk claimed one of these ID numbers between our check and our insert.
        for person in people:
            existing = claim_find(person.id_number)
            if existing is not None and existing.application_id != app.pk:
                raise DuplicateTransfer({"members": [duplicate_message(existing)]}) from None
        raise
    ApplicationEvent.objects.create(application=app, actor=actor, from_status="", to_status=Status.RECEIVED, note=note)
    return app


def _move(*, application, to, actor, note="", on=None):
    """The one writer of TransferApplication.status."""
    if not can_write(actor):
        raise PermissionDenied(_("当前角色只能查看，不能办理。"))
    with transaction.atomic():
        app = TransferApplication.objects.for_user(actor).select_for_update().get(pk=application.pk)
        if to not in app.TRANSITIONS[app.status]:
            raise TransitionNotAllowed(
                _("不能从“%(a)s”变为“%(b)s”。") % {"a": app.get_status_display(), "b": Status(to).label}
            )
        before = app.status
        app.status = to
        on = on or timezone.localdate()
        fields = ["status", "updated_at"]
        members = Person.objects.filter(application=app)
        if to == Status.COMPLETED:
            app.completed_on = on
            fields.append("completed_on")
            members.update(completed_on=on)
        elif to in (Status.REJECTED, Status.WITHDRAWN):
            members.update(holds_claim=False, completed_on=None)
        elif to == Status.RECEIVED:  # resubmitted after a return: the time limit starts again
            app.received_on = on
            app.due_on = add_working_days(on, settings.NZC_TIME_LIMIT_WORKING_DAYS)
            fields += ["received_on", "due_on"]
        app.save(update_fields=fields)
        ApplicationEvent.objects.create(application=app, actor=actor, from_status=before, to_status=to, note=note)
        if to == Status.COMPLETED:
            application_completed.send(sender=TransferApplication, application=app, actor=actor)
    return app


def application_set_documents(*, application, actor, documents):
    """Record which required documents have been checked."""
    unknown = set(documents) - set(REQUIRED_DOCUMENTS)
    if unknown:
        raise ValidationError({"documents": _("未知的材料：%(d)s") % {"d": ", ".join(sorted(unknown))}})
    with transaction.atomic():
        app = TransferApplication.objects.for_user(actor).select_for_update().get(pk=application.pk)
        if not can_write(actor):
            raise PermissionDenied(_("当前角色只能查看。"))
        if not app.is_open:
            raise TransitionNotAllowed(_("已结束的申请不能修改材料。"))
        app.documents = sorted(set(documents))
        app.save(update_fields=["documents", "updated_at"])
    return app


def application_complete(*, application, actor, note="", on=None):
    """办结: every required document must have been checked."""
    app = TransferApplication.objects.for_user(actor).get(pk=application.pk)
    if app.status == Status.RECEIVED and app.missing_documents:
        raise ValidationError(
            _("材料不全，不能办结：缺少%(d)s。") % {"d": "、".join(str(Document(d).label) for d in app.missing_documents)}
        )
    return _move(application=app, to=Status.COMPLETED, actor=actor, note=note, on=on)


def application_return(*, application, actor, note):
    """退回补正: the applicant must bring what is missing; the note says what."""
    if not (note or "").strip():
        raise ValidationError({"note": _("退回补正时请写明需补正的材料。")})
    return _move(application=application, to=Status.RETURNED, actor=actor, note=note)


def application_resubmit(*, application, actor, note="", documents=None):
    """Received again after a return (补正后重新受理)."""
    app = _move(application=application, to=Status.RECEIVED, actor=actor, note=note)
    if documents is not None:
        app = application_set_documents(application=app, actor=actor, documents=documents)
    return app


def application_reject(*, application, actor, note):
    """不予办理, with a reason."""
    if not (note or "").strip():
        raise ValidationError({"note": _("不予办理时必须写明理由。")})
    return _move(application=application, to=Status.REJECTED, actor=actor, note=note)


def application_withdraw(*, application, actor, note=""):
    """撤回 at the applicant's request."""
    return _move(application=application, to=Status.WITHDRAWN, actor=actor, note=note)


MOVES = {
    "complete": application_complete,
    "return": application_return,
    "resubmit": application_resubmit,
    "reject": application_reject,
    "withdraw": application_withdraw,
}


@transaction.atomic
def person_update(*, person, actor, **changes):
    """Correct a person's data (keeps a history). On a completed application the count moves with
    the category; it is never duplicated."""
    if not can_write(actor):
        raise PermissionDenied(_("当前角色只能查看。"))
    person = Person.objects.for_user(actor).select_for_update().get(pk=person.pk)
    if "id_number" in changes or "sex" in changes or "birth_date" in changes:
        rid = person_check_identity(
            id_number=changes.get("id_number", person.id_number),
            sex=changes.get("sex", person.sex), birth_date=changes.get("birth_date", person.birth_date),
        )
        changes["id_number"], changes["sex"], changes["birth_date"] = rid.number, rid.sex, rid.birth_date
        if rid.number != person.id_number:
            existing = claim_find(rid.number)
            if existing is not None and existing.pk != person.pk:
                raise DuplicateTransfer({"id_number": [duplicate_message(existing)]})
    for field, value in changes.items():
        if field not in PERSON_FIELDS:
            raise ValidationError({field: _("该字段不能修改。")})
        setattr(person, field, value)
    person.full_clean(exclude=["application", "household", "county", "station"], validate_constraints=False)
    person.save()
    if person.application.status == Status.COMPLETED:
        application_corrected.send(
            sender=TransferApplication, application=person.application, actor=actor, changed={"person_ids": [person.pk]}
        )
    return person


@transaction.atomic
def application_correct_completion(*, application, actor, completed_on, note):
    """Correct the completion date of a completed application: its count moves to the new date."""
    if not (note or "").strip():
        raise ValidationError({"note": _("更正办结日期时请写明原因。")})
    if not can_write(actor):
        raise PermissionDenied(_("当前角色只能查看。"))
    app = TransferApplication.objects.for_user(actor).select_for_update().get(pk=application.pk)
    if app.status != Status.COMPLETED:
        raise TransitionNotAllowed(_("只有已办结的申请可以更正办结日期。"))
    if completed_on > timezone.localdate() or completed_on < app.received_on:
        raise ValidationError({"completed_on": _("办结日期必须在受理日期与今天之间。")})
    before = app.completed_on
    app.completed_on = completed_on
    app.save(update_fields=["completed_on", "updated_at"])
    Person.objects.filter(application=app).update(completed_on=completed_on)
    ApplicationEvent.objects.create(
        application=app, actor=actor, from_status=app.status, to_status=app.status,
        note=_("办结日期由 %(a)s 更正为 %(b)s：%(n)s") % {"a": before, "b": completed_on, "n": note},
    )
    application_corrected.send(sender=TransferApplication, application=app, actor=actor, changed={"completed_on": before})
    return app
