"""Writes of targets, responsibility documents and survey pools.

Who may set targets: the city leadership group office sets them. In this system that is an
administrator, or a user with the ``city_reader`` role who is also ``is_staff`` (the office's
staff who keep the targets). Every other role, including plain city readers, county officers and
member units, only reads them. ``can_edit_targets`` is the one place that decides it; the admin,
the API and these services all ask it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nongzhuancheng.scoping import ADMIN, CITY_READER, role_of

from .models import Level, ResponsibilityDocument, SurveyPool, Target, TargetRevision


def can_edit_targets(user):
    role = role_of(user)
    if role == ADMIN:
        return True
    return role == CITY_READER and bool(getattr(user, "is_staff", False))


def _require_editor(actor):
    if actor is not None and not can_edit_targets(actor):
        raise PermissionDenied(_("只有市领导小组办公室可以设定目标任务。"))


@transaction.atomic
def target_set(*, actor, year, level, amount, effective_on, county=None, member_unit=None,
               document_number="", note=""):
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


def responsibility_document_record(*, actor, year, signed_on, county=None, member_unit=None,
                                   document_number="", title=None, scan=None):
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


def survey_pool_set(*, actor, county, category, eligible, survey_year=2012, note=""):
    _require_editor(actor)
    pool, _created = SurveyPool.objects.update_or_create(
        survey_year=survey_year, county=county, category=category,
        defaults={"eligible": int(eligible), "note": note},
    )
    return pool
