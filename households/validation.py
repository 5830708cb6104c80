"""The rules every transferred person meets, wherever the person is entered, with one message each.

A clerk's form, the API, the admin and a spreadsheet row all go through ``member_check``: the ID
number is read (``households.ids.parse``) and what was typed beside it must agree with it, and the
name, the category and the destination address are required. ``duplicate_message`` is the one
refusal for an ID number already claimed. Where members are checked together (the members of one
application in ``households.services``, the rows of a file in ``households.imports.validation``)
each caller adds its own check for the same number twice, worded for what the user sees (a member,
a row).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nongzhuancheng.masking import mask

from . import ids
from .models import Person, TransferApplication
from .reference import Category

CATEGORIES = frozenset(Category.values)


class EntryRefused(ValidationError):
    """Data-quality problems found when an application is entered (raised by quality's receiver of
    ``signals.application_entered``): ``hard`` messages refuse the entry, ``warnings`` refuse it
    only until the clerk lets them stand with a reason (``application_create(override_reason=…)``)."""

    def __init__(self, *, hard: list[str], warnings: list[str]) -> None:
        super().__init__([*hard, *warnings], code="quality")
        self.hard = list(hard)
        self.warnings = list(warnings)


def person_check_identity(*, id_number: Any, sex: str | None = None,
                          birth_date: datetime.date | str | None = None,
                          today: datetime.date | None = None) -> ids.ResidentId:
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


def member_check(data: dict[str, Any], *,
                 today: datetime.date | None = None) -> tuple[ids.ResidentId | None, dict[str, list[str]]]:
    """The rules of one member, given as a dict of Person fields (text already stripped).

    Returns (the ResidentId, or None when the number or what was typed beside it is wrong;
    {field: [messages]}). When the identity is right, ``data``'s ID number is normalised to 18 digits
    and its sex and birth date are the number's. Claims are the caller's business."""
    errors: dict[str, list[str]] = {}
    rid = None
    try:
        rid = person_check_identity(
            id_number=data.get("id_number"), sex=data.get("sex") or None,
            birth_date=data.get("birth_date") or None, today=today,
        )
        data["id_number"], data["sex"], data["birth_date"] = rid.number, rid.sex, rid.birth_date
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not data.get("name"):
        errors["name"] = [_("请填写姓名。")]
    if data.get("category") not in CATEGORIES:
        errors["category"] = [_("转户类别必须是十一类之一。")]
    if not data.get("destination_address"):
        errors["destination_address"] = [_("请填写迁入城镇地址。")]
    return rid, errors


def duplicate_message(person: Person) -> str:
    """The refusal a clerk sees for an ID number already claimed: where and when, nothing more."""
    app = person.application
    if app.status == TransferApplication.Status.COMPLETED and app.completed_on:
        text = _("身份号码 %(id)s 已于 %(date)s 在%(station)s办结农转城（申请编号 %(number)s），不能重复办理。")
        date = app.completed_on
    else:
        text = _("身份号码 %(id)s 已于 %(date)s 在%(station)s受理农转城申请（申请编号 %(number)s，%(status)s），不能重复办理。")
        date = app.received_on
    return text % {
        "id": mask(person.id_number),
        "date": date.isoformat(),
        "station": str(person.station),
        "number": app.number or app.pk,
        "status": app.get_status_display(),
    }
