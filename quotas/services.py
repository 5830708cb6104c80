"""Writes of targets, responsibility documents and survey pools.

Who may set targets: the city leadership group office sets them — the policy's TARGET_EDIT
(``nongzhuancheng.scoping.POLICY``: an administrator, or a city reader who is also ``is_staff``, the
office's staff who keep the targets). Every other role only reads them. The admin, the API, the
pages and these services all ask ``allows`` / ``require`` for that one action.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from households.reference import Category
from nongzhuancheng.models import County, MemberUnit
from nongzhuancheng.scoping import TARGET_EDIT, require

from .models import Level, ResponsibilityDocument, SurveyPool, Target, TargetRevision

if TYPE_CHECKING:
    from nongzhuancheng.scoping import User


def _require_editor(actor: User | None) -> None:
    """``actor=None`` is a management command; any other actor needs TARGET_EDIT (403)."""
    if actor is not None:
        require(actor, TARGET_EDIT)


@transaction.atomic
def target_set(*, actor: User | None, year: int, level: str, amount: int, effective_on: datetime.date,
               county: County | None = None, member_unit: MemberUnit | None = None,
               document_number: str = "", note: str = "") -> TargetRevision:
    """Set or revise a target: the target is created if new, and a revision is added.

    ``actor=None`` is for management commands. A revision on a day that already has one replaces
    its amount (a typing correction), every other revision is kept."""
    _require_editor(actor)
    if amount is None or int(amount) < 0:
        raise ValidationError({"amount": _("目标人数不能为负数。")})
    if effective_on.year != int(year):
        raise ValidationError({"effective_on": _("生效日期必须在目标年度内。")})
    lookup = {"year": year, "level": level}
    if level == Level.COUNTY:
        lookup["county"] = county
    elif level == Level.MEMBER_UNIT:
        lookup["member_unit"] = member_unit
    target = Target.objects.filter(**lookup).first()
    if target is None:
        target = Target(year=year, level=level, county=county if level == Level.COUNTY else None,
                        member_unit=member_unit if level == Level.MEMBER_UNIT else None)
        target.full_clean(validate_constraints=False)
        target.save()
    revision, _created = TargetRevision.objects.update_or_create(
        target=target, effective_on=effective_on,
        defaults={"amount": int(amount), "document_number": document_number, "note": note},
    )
    return revision


def responsibility_document_record(*, actor: User | None, year: int, signed_on: datetime.date,
                                   county: County | None = None, member_unit: MemberUnit | None = None,
                                   document_number: str = "", title: str | None = None,
                                   scan: File | None = None) -> ResponsibilityDocument:
    """Record a signed two-way responsibility document; the scan is validated (type and size)."""
    _require_editor(actor)
    doc = ResponsibilityDocument(year=year, county=county, member_unit=member_unit, signed_on=signed_on,
                                 document_number=document_number)
    if title:
        doc.title = title
    if scan is not None:
        doc.scan = scan
    doc.full_clean()
    doc.save()
    return doc


def survey_pool_set(*, actor: User | None, county: County, category: Category | str, eligible: int,
                    survey_year: int = 2012, note: str = "") -> SurveyPool:
    """Set the survey's eligible pool (调查摸底) of one category in one county."""
    _require_editor(actor)
    pool, _created = SurveyPool.objects.update_or_create(
        survey_year=survey_year, county=county, category=category,
        defaults={"eligible": int(eligible), "note": note},
    )
    return pool
