"""Writes of the public app: lookup logs, notices to applicants and their preference, questions and
complaints, and edits of the service guide."""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from households.models import ApplicationEvent, Person, TransferApplication
from households.reference import Document, Relation
from households.workdays import add_working_days
from nongzhuancheng.history import set_history_user
from nongzhuancheng.models import County
from nongzhuancheng.queue import enqueue
from nongzhuancheng.scoping import (
    GRIEVANCE_ANSWER,
    NOTICE_PREFERENCE,
    PUBLIC_CONTENT_EDIT,
    require,
)
from nongzhuancheng.workflow import Move, TransitionNotAllowed, transition

from .caching import pages_changed
from .models import Grievance, GuideEntry, LookupLog, Notice, NoticePreference, Prefill
from .notices import NoticeBackendError, get_backend

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from entitlements.models import GuaranteeEvent
    from nongzhuancheng.models import PoliceStation

Status = TransferApplication.Status
SEND_TASK = "public.tasks.notice_send_task"
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


# Lookup log -----------------------------------------------------------------------------------

def lookup_record(*, address_hash: str, number: str, result: str) -> LookupLog:
    """Log one lookup. ``number`` is what was typed as the application number; ID digits are never passed."""
    return LookupLog.objects.create(address_hash=address_hash, number_tried=(number or "")[:40], result=result)


# Notices --------------------------------------------------------------------------------------

class NoticeSendFailed(Exception):
    def __init__(self, notice: Notice, error: str) -> None:
        super().__init__(error)
        self.notice = notice
        self.attempts = notice.attempts


def notice_recipient(application: TransferApplication, person: Person | None = None) -> str:
    """The phone a notice goes to: the one recorded at the window, else the person's, else the head's,
    else the first member's that has one."""
    preference = NoticePreference.objects.filter(application=application).first()
    if preference and preference.phone:
        return preference.phone
    if person is not None and person.phone:
        return person.phone
    members = list(Person.objects.filter(application=application).exclude(phone="").order_by("id")
                   .values_list("relation", "phone"))
    for relation, phone in members:
        if relation == Relation.HEAD:
            return phone
    return members[0][1] if members else ""


def _opted_out(application: TransferApplication) -> bool:
    return NoticePreference.objects.filter(application=application, opted_out=True).exists()


def _notice_create(*, source: str, source_id: int, kind: str, application: TransferApplication,
                   body: str, person: Person | None = None) -> Notice | None:
    """Record the notice of one event (once: the event is unique) and send it after the commit."""
    if Notice.objects.filter(source=source, source_id=source_id).exists():
        return None
    # the notice's first state is given at its creation (Notice.WORKFLOW holds the sender's moves)
    opted_out = _opted_out(application)
    recipient = "" if opted_out else notice_recipient(application, person)
    state = (Notice.State.OPTED_OUT if opted_out
             else Notice.State.PENDING if recipient else Notice.State.NO_RECIPIENT)
    notice = Notice(source=source, source_id=source_id, kind=kind, application=application,
                    county_id=application.county_id, station_id=application.station_id, body=body,
                    backend=settings.NZC_NOTICE_BACKEND, recipient=recipient, state=state)
    try:
        with transaction.atomic():
            notice.save()
    except IntegrityError:  # the same event announced twice at once: the first one stands
        return None
    if notice.state == Notice.State.PENDING:
        enqueue(SEND_TASK, notice.pk, robust=True)
    return notice


def _station_text(application: TransferApplication) -> dict[str, str]:
    station = application.station
    return {"number": application.number or str(application.pk), "station": str(station),
            "phone": station.phone or _("见办事指南")}


def notice_for_application_event(*, event: ApplicationEvent) -> Notice | None:
    """The notice of an application returned (what to bring) or completed; None for other moves."""
    if event.to_status not in (Status.RETURNED, Status.COMPLETED) or event.from_status == event.to_status:
        # a correction recorded on the application is no move: the applicant was told already
        return None
    app = TransferApplication.objects.select_related("station__county").get(pk=event.application_id)
    with translation.override("zh-hans"):
        values = _station_text(app)
        if event.to_status == Status.RETURNED:
            kind = Notice.Kind.RETURNED
            missing = "、".join(str(Document(d).label) for d in app.missing_documents)
            what = event.note.strip() or missing or _("见退回说明")
            body = _("您户的农转城申请（编号%(number)s）需补正材料：%(what)s。请带齐后到%(station)s办理，"
                     "咨询电话%(phone)s。") % {**values, "what": what}
        else:
            kind = Notice.Kind.COMPLETED
            values["date"] = (app.completed_on or timezone.localdate()).strftime("%Y年%m月%d日")
            body = _("您户的农转城申请（编号%(number)s）已于%(date)s办结，请凭受理回执到%(station)s领取材料，"
                     "咨询电话%(phone)s。") % values
    return _notice_create(source=Notice.Source.APPLICATION_EVENT, source_id=event.pk, kind=kind,
                          application=app, body=body)


def notice_for_guarantee_event(*, event: GuaranteeEvent) -> Notice | None:
    """The notice of a guarantee case delivered (落实) to its person; None for other moves."""
    from entitlements.models import GuaranteeCase  # entitlements reads households; we read both

    if event.to_state != GuaranteeCase.State.DELIVERED:
        return None
    case = GuaranteeCase.objects.select_related("person", "application__station__county").get(pk=event.case_id)
    app = case.application
    with translation.override("zh-hans"):
        values = _station_text(app)
        body = _("您的%(kind)s保障已于%(date)s落实%(what)s。如有疑问请咨询%(station)s，电话%(phone)s。") % {
            **values, "kind": case.get_kind_display(), "date": event.on.strftime("%Y年%m月%d日"),
            "what": f"（{case.reference}）" if case.reference else "",
        }
    return _notice_create(source=Notice.Source.GUARANTEE_EVENT, source_id=event.pk,
                          kind=Notice.Kind.GUARANTEE_DELIVERED, application=app, body=body, person=case.person)


def notice_send(*, notice_id: int) -> Notice:
    """Send one notice through the backend (at most once: a notice already sent is left alone).
    Raises NoticeSendFailed after recording a failed attempt."""
    error = ""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice_id)
        if notice.state in Notice.FINAL:
            return notice
        if _opted_out(notice.application):  # recorded at the window after the event
            return _notice_move(notice, "opt_out")
        attempts = notice.attempts + 1
        backend = get_backend()
        changes: dict[str, object] = {
            "attempts": attempts, "backend": f"{type(backend).__module__}.{type(backend).__qualname__}"}
        try:
            backend.send(to=notice.recipient, body=notice.body, notice_id=notice.pk)
        except Exception as exc:  # noqa: BLE001 - whatever the gateway raised, the attempt is recorded
            error = f"{type(exc).__name__}: {exc}" if not isinstance(exc, NoticeBackendError) else str(exc)
            error = error or type(exc).__name__
            changes["last_error"] = error[:2000]
            move = "fail" if attempts >= settings.NZC_NOTICE_MAX_ATTEMPTS else "retry"
        else:
            changes.update(sent_at=timezone.now(), last_error="")
            move = "send"
        notice = _notice_move(notice, move, **changes)
    if error:
        raise NoticeSendFailed(notice, error)
    return notice


def _notice_move(notice: Notice, move: str, **changes: object) -> Notice:
    """A move of the sender (``Notice.WORKFLOW``, made by the system) with the fields it changes."""
    def apply(row: Notice, m: Move) -> list[str]:
        for name, value in changes.items():
            setattr(row, name, value)
        return list(changes)

    return transition(workflow=Notice.WORKFLOW, move=move, obj=notice, queryset=Notice.objects, apply=apply)


@transaction.atomic
def notice_preference_set(*, application: TransferApplication, actor: User, opted_out: bool,
                          phone: str = "") -> NoticePreference:
    """Record at the window whether the applicant wants notices, and to which phone."""
    require(actor, NOTICE_PREFERENCE)
    app = TransferApplication.objects.for_user(actor, NOTICE_PREFERENCE).get(pk=application.pk)
    phone = (phone or "").strip()
    if phone and not phone.replace("-", "").isdigit():
        raise ValidationError({"phone": _("电话号码只能包含数字和“-”。")})
    preference, _created = NoticePreference.objects.select_for_update().get_or_create(application=app)
    preference.opted_out, preference.phone, preference.recorded_by = bool(opted_out), phone, actor
    set_history_user(preference, actor)
    preference.save()
    return preference


# Questions and complaints ---------------------------------------------------------------------

def _new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(10))


@transaction.atomic
def grievance_submit(*, kind: str, county: County | None, question: str, contact_phone: str = "",
                     application: TransferApplication | None = None) -> Grievance:
    """A question or complaint from the public; with an application (found by the lookup pair) it
    goes to that application's county and its answer shows on the lookup."""
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": _("请填写咨询或投诉的内容。")})
    if kind not in Grievance.Kind.values:
        raise ValidationError({"kind": _("请选择咨询或投诉。")})
    if application is not None:
        county = application.county
    if county is None:
        raise ValidationError({"county": _("请选择县区。")})
    today = timezone.localdate()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Grievance.objects.create(
                    reference=_new_reference(), kind=kind, county=county, application=application,
                    question=question[:4000], contact_phone=(contact_phone or "").strip()[:20],
                    due_on=add_working_days(today, settings.NZC_GRIEVANCE_WORKING_DAYS),
                )
        except IntegrityError:  # a reference drawn twice (1 in 10^15): draw again
            continue
    raise RuntimeError("could not draw a free grievance reference")


@transaction.atomic
def grievance_answer(*, grievance: Grievance, actor: User, answer: str) -> Grievance:
    """The county office answers (or corrects its answer to) a question or complaint of its county."""
    require(actor, GRIEVANCE_ANSWER)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("请填写答复内容。")})

    def apply(row: Grievance, move: Move) -> list[str]:
        row.answer, row.answered_at, row.answered_by = answer, timezone.now(), actor
        return ["answer", "answered_at", "answered_by"]

    return transition(workflow=Grievance.WORKFLOW, move="answer", obj=grievance, queryset=Grievance.objects,
                      actor=actor, apply=apply)


# The guide ------------------------------------------------------------------------------------

@transaction.atomic
def guide_entry_update(*, entry: GuideEntry, actor: User, reason: str = "", **changes: object) -> GuideEntry:
    """Edit one entry of the guide; the revision (who, when, what, why) is kept by its history."""
    require(actor, PUBLIC_CONTENT_EDIT)
    allowed = {"title", "body", "proof", "ordering", "published"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({f: _("该字段不能修改。") for f in sorted(unknown)})
    row = GuideEntry.objects.select_for_update().get(pk=entry.pk)
    for name, value in changes.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)
    row.full_clean()
    set_history_user(row, actor, reason=(reason or "").strip()[:100])
    row.save()
    transaction.on_commit(pages_changed)
    return row


# Online pre-filling ---------------------------------------------------------------------------

PREFILL_HOUSEHOLD_FIELDS = ["number", "kind", "head_name", "township", "village", "address"]
PREFILL_MEMBER_FIELDS = ["name", "id_number", "relation", "category", "phone", "destination_address",
                         "ethnicity", "education", "marital_status", "occupation"]


def _prefill_members(members: list[dict]) -> list[dict]:
    """The members as typed, with ID numbers checked for form only (never whether they are claimed:
    an anonymous page must not tell who has applied)."""
    from households.reference import Category
    from households.services import MembersInvalid, person_check_identity

    errors, cleaned, seen = {}, [], set()
    for i, data in enumerate(members):
        data = {k: (v.strip() if isinstance(v, str) else v) for k, v in dict(data).items()
                if k in PREFILL_MEMBER_FIELDS and v not in (None, "")}
        member_errors = {}
        try:
            rid = person_check_identity(id_number=data.get("id_number"))
        except ValidationError as exc:
            member_errors.update(exc.message_dict)
        else:
            data["id_number"] = rid.number
            if rid.number in seen:
                member_errors["id_number"] = [_("与其他成员的身份号码重复。")]
            seen.add(rid.number)
        if not data.get("name"):
            member_errors["name"] = [_("请填写姓名。")]
        if data.get("category") not in Category.values:
            member_errors["category"] = [_("转户类别必须是十一类之一。")]
        if not data.get("destination_address"):
            member_errors["destination_address"] = [_("请填写迁入城镇地址。")]
        if member_errors:
            errors[i] = member_errors
        cleaned.append(data)
    if not cleaned:
        raise ValidationError({"members": [_("至少需要一名转户成员。")]})
    if errors:
        raise MembersInvalid(errors)
    return cleaned


def _new_prefill_code() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(8))


@transaction.atomic
def prefill_submit(*, station: PoliceStation, household: dict, members: list[dict]) -> Prefill:
    """Keep an application typed in online until the visit to ``station`` (NZC_PREFILL_DAYS)."""
    household = {k: (v.strip() if isinstance(v, str) else v) for k, v in dict(household).items()
                 if k in PREFILL_HOUSEHOLD_FIELDS}
    missing = [k for k in ("number", "head_name", "township", "village", "address") if not household.get(k)]
    if missing:
        raise ValidationError({k: _("请填写此项。") for k in missing})
    cleaned = _prefill_members(members)
    expires_on = timezone.localdate() + datetime.timedelta(days=settings.NZC_PREFILL_DAYS)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Prefill.objects.create(code=_new_prefill_code(), station=station, household=household,
                                              members=cleaned, expires_on=expires_on)
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a free pre-fill code")


@transaction.atomic
def prefill_receive(*, prefill: Prefill, actor: User, documents: list[str]) -> TransferApplication:
    """The clerk has checked the papers: receive the pre-filled application through the households
    service (every rule of a window entry applies) and clear the typed details."""
    from households import services as households_services

    created: list[TransferApplication] = []

    def apply(row: Prefill, move: Move) -> list[str]:
        created.append(households_services.application_create(
            actor=actor, household=row.household, members=row.members, documents=documents, station=row.station,
        ))
        row.application, row.received_by = created[0], actor
        row.household, row.members = {}, []
        return ["application", "received_by", "household", "members"]

    try:
        transition(workflow=Prefill.WORKFLOW, move="receive", obj=prefill, queryset=Prefill.objects, actor=actor,
                   apply=apply)
    except TransitionNotAllowed:
        raise ValidationError(_("该预填申请已受理或已过期。")) from None
    return created[0]


def prefill_purge_expired(*, today: datetime.date | None = None) -> int:
    """Clear the details of pre-filled applications whose time has passed; returns how many."""
    today = today or timezone.localdate()

    def clear(row: Prefill, move: Move) -> list[str]:
        row.household, row.members = {}, []
        return ["household", "members"]

    expired = list(Prefill.objects.filter(state=Prefill.State.WAITING, expires_on__lt=today)
                   .values_list("pk", flat=True))
    for pk in expired:
        transition(workflow=Prefill.WORKFLOW, move="expire", obj=pk, queryset=Prefill.objects, apply=clear)
    return len(expired)
