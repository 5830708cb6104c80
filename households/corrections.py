"""Corrections of an application's household, members and completion date.

``correction_submit`` is what pages and the API call. While the application is received or returned
the clerk's correction is written at once (``households.services.household_update`` /
``person_update`` rules, with history). Once it is completed a correction is a ``CorrectionRequest``:
what (the diff, checked now as it would be written), why, and a scan as evidence; the county office
approves it (``correction_move(move="approve")``: the same checks again, the diff applied, the
counts of the rollup moved in the same transaction) or refuses it; the requester may withdraw it.

The fields a correction may change are ``services.HOUSEHOLD_FIELDS`` and ``services.PERSON_FIELDS``
(the one list of the editable fields: a field added there can be corrected too) and the completion
date of a completed application (``APPLICATION_FIELDS``). Values are kept in the diff as JSON
(``field.value_to_string``) and read back with the field's ``to_python``.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nongzhuancheng.masking import mask
from nongzhuancheng.scoping import (
    APPLICATION,
    CORRECTION_DECIDE,
    CORRECTION_REQUEST,
    HOUSEHOLD,
    HOUSEHOLD_CHANGE,
    PERSON,
    allows,
    require,
    visible_fields,
)
from nongzhuancheng.workflow import Move, TransitionNotAllowed, transition

from . import attachments, services
from .approval_models import CorrectionRequest
from .models import ApplicationEvent, Household, Person, TransferApplication

Status = TransferApplication.Status
APPLICATION_FIELDS = ["completed_on"]  # what a correction may change of a completed application itself
WORKFLOW = CorrectionRequest.WORKFLOW

Diff = dict[str, Any]  # {"application": {f: [a, b]}, "household": {f: [a, b]}, "people": {"<pk>": {f: [a, b]}}}


class CorrectionInvalid(ValidationError):
    """The problems of a correction by section: ``section_errors`` = {"household": {field: [msgs]},
    "people": {person pk: {field: [msgs]}}, "application": {field: [msgs]}}."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(_("更正内容有误，请修改后再提交。"), code="correction")
        self.section_errors = errors


def _field(model: type[models.Model], name: str) -> Any:
    return model._meta.get_field(name)


def _stored(model: type[models.Model], name: str, value: Any) -> Any:
    """A value as the diff keeps it (JSON): the field's own text form, None for an empty date."""
    if value is None:
        return None
    field = _field(model, name)
    probe = model(**{field.attname: value})
    return field.value_to_string(probe)


def _read(model: type[models.Model], name: str, stored: Any) -> Any:
    return _field(model, name).to_python(stored)


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def _section_diff(model: type[models.Model], obj: Any, cleaned: dict[str, Any]) -> dict[str, list[Any]]:
    out = {}
    for name, value in cleaned.items():
        before, after = _stored(model, name, getattr(obj, name)), _stored(model, name, value)
        if before != after:
            out[name] = [before, after]
    return out


def _typed_changes(model: type[models.Model], obj: Any, data: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """What was typed that differs from the record (a blank ID number means "unchanged": the form
    never shows the whole number)."""
    changes = {}
    for name, value in (data or {}).items():
        if name not in fields:
            changes[name] = value  # refused by the clean below, with the field named
            continue
        if name == "id_number" and not (value or "").strip():
            continue
        if isinstance(value, str):
            value = value.strip()
        if name == "id_number":
            from .selectors import whole_id_number

            value = whole_id_number(value) or value
        try:
            typed = _field(model, name).to_python(value)
        except ValidationError:
            changes[name] = value
            continue
        if _stored(model, name, typed) != _stored(model, name, getattr(obj, name)):
            changes[name] = value
    return changes


def correction_diff(app: TransferApplication, *, household: dict[str, Any] | None = None,
                    people: dict[int, dict[str, Any]] | None = None,
                    completed_on: datetime.date | str | None = None) -> Diff:
    """The diff of what was typed against the records now, every change checked as it would be
    written. Raises CorrectionInvalid (by section) or ValidationError when nothing changes."""
    errors: dict[str, Any] = {}
    diff: Diff = {}
    hh = app.household
    try:
        typed = _typed_changes(Household, hh, household or {}, services.HOUSEHOLD_FIELDS)
        section = _section_diff(Household, hh, services.household_changes_clean(hh, typed)) if typed else {}
    except ValidationError as exc:
        errors["household"] = _messages(exc)
    else:
        if section:
            diff["household"] = section
    members = {p.pk: p for p in Person.objects.filter(application=app)}
    people_diff: dict[str, Any] = {}
    for pk, data in (people or {}).items():
        person = members.get(int(pk))
        if person is None:
            errors.setdefault("people", {})[int(pk)] = {"__all__": [_("该成员不属于本申请。")]}
            continue
        try:
            typed = _typed_changes(Person, person, data, services.PERSON_FIELDS)
            section = _section_diff(Person, person, services.person_changes_clean(person, typed)) if typed else {}
        except ValidationError as exc:
            errors.setdefault("people", {})[person.pk] = _messages(exc)
        else:
            if section:
                people_diff[str(person.pk)] = section
    if people_diff:
        diff["people"] = people_diff
    if completed_on not in (None, ""):
        try:
            day = services.completion_date_check(app, completed_on)
        except ValidationError as exc:
            errors["application"] = _messages(exc)
        else:
            if day != app.completed_on:
                diff["application"] = {"completed_on": [_stored(TransferApplication, "completed_on", app.completed_on),
                                                        day.isoformat()]}
    if errors:
        raise CorrectionInvalid(errors)
    if not diff:
        raise ValidationError(_("没有需要更正的内容。"), code="unchanged")
    return diff


def _apply(app: TransferApplication, diff: Diff, actor: Any, *, action: str, why: str) -> None:
    """Write a diff to the locked application's records (each through its service writer)."""
    if diff.get("household"):
        hh = Household.objects.select_for_update().get(pk=app.household_id)
        changes = {f: _read(Household, f, after) for f, (_before, after) in diff["household"].items()}
        services.household_change_apply(hh, services.household_changes_clean(hh, changes), actor)
    for pk, fields in (diff.get("people") or {}).items():
        person = Person.objects.for_user(actor, action).select_for_update().get(pk=int(pk), application=app)
        # checked again as it is written: the new ID number may have been claimed since the request
        changes = services.person_changes_clean(person, {f: _read(Person, f, after) for f, (_b, after) in fields.items()})
        services.person_change_apply(person, changes, actor, why=why)
    if diff.get("application", {}).get("completed_on"):
        new = _read(TransferApplication, "completed_on", diff["application"]["completed_on"][1])
        services.completion_date_apply(app, services.completion_date_check(app, new), actor)


def _still_current(app: TransferApplication, diff: Diff) -> None:
    """Every "before" of the diff is still what the records hold (else the request is stale)."""
    stale = []
    hh = app.household
    for f, (before, _after) in (diff.get("household") or {}).items():
        stale += [f] if _stored(Household, f, getattr(hh, f)) != before else []
    members = {str(p.pk): p for p in Person.objects.filter(application=app)}
    for pk, fields in (diff.get("people") or {}).items():
        person = members.get(pk)
        for f, (before, _after) in fields.items():
            stale += [f] if person is None or _stored(Person, f, getattr(person, f)) != before else []
    for f, (before, _after) in (diff.get("application") or {}).items():
        stale += [f] if _stored(TransferApplication, f, getattr(app, f)) != before else []
    if stale:
        raise ValidationError(_("申请提出后相关信息已有变化，不能按原申请更正；请不予更正后重新申请。"), code="stale")


def diff_lines(diff: Diff, people: dict[int, Person] | None = None) -> list[dict[str, Any]]:
    """The diff for people to read: [{"what", "field", "before", "after"}], ID numbers masked and
    coded values shown by their labels."""
    people = people or {}
    lines = []

    def shown(model: type[models.Model], name: str, value: Any) -> Any:
        if value in (None, ""):
            return "—"
        if name == "id_number":
            return mask(value)
        field = _field(model, name)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        return value

    for section, model, what in (("application", TransferApplication, _("申请")), ("household", Household, _("户"))):
        for name, (before, after) in (diff.get(section) or {}).items():
            lines.append({"what": what, "field": str(_field(model, name).verbose_name), "name": name,
                          "before": shown(model, name, before), "after": shown(model, name, after)})
    for pk, fields in (diff.get("people") or {}).items():
        person = people.get(int(pk))
        what = _("成员 %(name)s") % {"name": person.name if person is not None else f"#{pk}"}
        for name, (before, after) in fields.items():
            lines.append({"what": what, "field": str(_field(Person, name).verbose_name), "name": name,
                          "before": shown(Person, name, before), "after": shown(Person, name, after)})
    return lines


def with_lines(rows: Any, user: Any = None) -> list[CorrectionRequest]:
    """Correction requests, each with ``lines``: its diff for people to read (two queries). Given the
    user who reads them, only the lines of fields and members the user may see (need-to-know:
    ``scoping.visible_fields``; a member unit sees no other member's or hidden field's change)."""
    rows = list(rows)
    members = Person.objects.filter(application_id__in={r.application_id for r in rows})
    people = {p.pk: p for p in members}
    shown = {section: visible_fields(user, section) for section in (APPLICATION, HOUSEHOLD, PERSON)} \
        if user is not None else {}
    if shown.get(PERSON) is not None:
        visible_people = set(Person.objects.for_user(user).filter(pk__in=people).values_list("pk", flat=True))
    for row in rows:
        changes = row.changes or {}
        if shown:
            changes = {
                section: ({pk: keep(fields, shown[PERSON]) for pk, fields in values.items()
                           if shown[PERSON] is None or int(pk) in visible_people}
                          if section == "people" else keep(values, shown.get(section)))
                for section, values in changes.items()
            }
        row.lines = diff_lines(changes, people)
    return rows


def keep(fields: dict[str, Any], visible: frozenset[str] | None) -> dict[str, Any]:
    return fields if visible is None else {name: value for name, value in (fields or {}).items() if name in visible}


def _summary(diff: Diff, app: TransferApplication) -> str:
    people = {p.pk: p for p in Person.objects.filter(application=app)}
    return "；".join(f"{line['what']} {line['field']}：{line['before']} → {line['after']}" for line in diff_lines(diff, people))


@transaction.atomic
def correction_submit(*, application: TransferApplication | int, actor: Any,
                      household: dict[str, Any] | None = None, people: dict[int, dict[str, Any]] | None = None,
                      completed_on: datetime.date | str | None = None, reason: str = "",
                      evidence: Any = None) -> TransferApplication | CorrectionRequest:
    """A clerk's (or county office's) correction of an application in their scope.

    Received or returned: written at once and recorded (returns the application). Completed: a
    CorrectionRequest for the county office, which needs a reason (returns the request). Any other
    state refuses. Raises CorrectionInvalid / ValidationError, PermissionDenied, DoesNotExist (404)."""
    pk = application.pk if isinstance(application, TransferApplication) else application
    app = TransferApplication.objects.for_user(actor).select_related("household").get(pk=pk)
    if app.status == Status.COMPLETED:
        return correction_request(application=app, actor=actor, household=household, people=people,
                                  completed_on=completed_on, reason=reason, evidence=evidence)
    require(actor, HOUSEHOLD_CHANGE)
    app = TransferApplication.objects.for_user(actor, HOUSEHOLD_CHANGE).select_for_update().select_related(
        "household").get(pk=pk)
    services.direct_correction_check(app)
    if completed_on not in (None, ""):
        raise CorrectionInvalid({"application": {"completed_on": [_("尚未办结的申请没有办结日期可更正。")]}})
    diff = correction_diff(app, household=household, people=people)
    if diff.get("household"):  # the household of a completed (or waiting) application: a request there
        for other in TransferApplication.objects.filter(household_id=app.household_id,
                                                        status__in=[Status.COMPLETED, Status.AWAITING_APPROVAL]):
            services.direct_correction_check(other)
    _apply(app, diff, actor, action=HOUSEHOLD_CHANGE, why=reason)
    ApplicationEvent.objects.create(
        application=app, actor=actor, from_status=app.status, to_status=app.status,
        note=_("信息更正：%(what)s") % {"what": _summary(diff, app)} + (f"（{reason.strip()}）" if reason.strip() else ""),
    )
    return app


def _evidence(upload: Any) -> tuple[bytes, str, str] | None:
    if upload is None:
        return None
    return attachments.scan_read(upload)


@transaction.atomic
def correction_request(*, application: TransferApplication | int, actor: Any,
                       household: dict[str, Any] | None = None, people: dict[int, dict[str, Any]] | None = None,
                       completed_on: datetime.date | str | None = None, reason: str = "",
                       evidence: Any = None) -> CorrectionRequest:
    """Ask the county office to correct a completed application (what: checked now; why: required;
    evidence: an optional scan, a PDF, JPEG or PNG checked like the window's scans)."""
    require(actor, CORRECTION_REQUEST)
    pk = application.pk if isinstance(application, TransferApplication) else application
    app = TransferApplication.objects.for_user(actor, CORRECTION_REQUEST).select_related("household").get(pk=pk)
    if app.status != Status.COMPLETED:
        raise TransitionNotAllowed(_("只有已办结的申请需要提交更正申请。"), code="not_completed")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请写明更正理由。")]})
    diff = correction_diff(app, household=household, people=people, completed_on=completed_on)
    scan = _evidence(evidence)
    req = CorrectionRequest(application=app, changes=diff, reason=reason.strip(), requested_by=actor)
    if scan is not None:
        data, content_type, extension = scan
        digest = hashlib.sha256(data).hexdigest()
        req.evidence_type, req.evidence_name = content_type, (getattr(evidence, "name", "") or "")[:200]
        req.evidence.save(f"{app.pk}-correction-{digest[:16]}.{extension}", ContentFile(data), save=False)
    req.save()
    return req


def _decide(row: CorrectionRequest, move: Move, actor: Any, note: str) -> list[str]:
    app = TransferApplication.objects.select_for_update().select_related("household").get(pk=row.application_id)
    if move.name == "approve":
        if app.status != Status.COMPLETED:
            raise TransitionNotAllowed(_("该申请已不是办结状态，不能按更正申请更正。"))
        _still_current(app, row.changes)
        summary = _summary(row.changes, app)
        _apply(app, row.changes, actor, action=CORRECTION_DECIDE, why=row.reason)
        text = _("更正申请 #%(id)s 已批准：%(what)s（理由：%(why)s）") % {"id": row.pk, "what": summary, "why": row.reason}
    elif move.name == "refuse":
        text = _("更正申请 #%(id)s 未批准：%(note)s") % {"id": row.pk, "note": note}
    else:
        text = _("更正申请 #%(id)s 已撤回") % {"id": row.pk}
    ApplicationEvent.objects.create(application=app, actor=actor, from_status=app.status, to_status=app.status,
                                    note=text)
    row.decided_by, row.decided_at, row.decision_note = actor, timezone.now(), (note or "").strip()
    return ["decided_by", "decided_at", "decision_note"]


def correction_move(*, correction: CorrectionRequest | int, move: str | Move, actor: Any,
                    note: str = "") -> CorrectionRequest:
    """Approve (the diff is applied and the counts move), refuse (nothing changes; a reason is
    required) or withdraw a requested correction: a move of ``CorrectionRequest.WORKFLOW``."""
    return transition(workflow=WORKFLOW, move=move, obj=correction, queryset=CorrectionRequest.objects,
                      actor=actor, note=note, apply=lambda row, m: _decide(row, m, actor, note))


def correction_moves_for(correction: CorrectionRequest, user: Any) -> list[Move]:
    return WORKFLOW.moves_for(correction, user)


def may_request(user: Any) -> bool:
    return allows(user, CORRECTION_REQUEST)



@transaction.atomic
def correction_evidence_add(*, correction: CorrectionRequest | int, actor: Any, upload: Any) -> CorrectionRequest:
    """Attach (or replace) the evidence scan of a request still waiting for the county's decision."""
    require(actor, CORRECTION_REQUEST)
    pk = correction.pk if isinstance(correction, CorrectionRequest) else correction
    row = CorrectionRequest.objects.for_user(actor, CORRECTION_REQUEST).select_for_update().get(pk=pk)
    if row.state != CorrectionRequest.State.REQUESTED:
        raise TransitionNotAllowed(_("已审核或已撤回的更正申请不能再补充材料。"))
    data, content_type, extension = attachments.scan_read(upload)
    digest = hashlib.sha256(data).hexdigest()
    row.evidence_type, row.evidence_name = content_type, (getattr(upload, "name", "") or "")[:200]
    row.evidence.save(f"{row.application_id}-correction-{digest[:16]}.{extension}", ContentFile(data), save=False)
    row.save(update_fields=["evidence", "evidence_type", "evidence_name", "updated_at"])
    return row
