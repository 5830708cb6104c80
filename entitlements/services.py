"""Writes: opening the ten records of a transferred person and every change of their states.

``guarantee_move`` is the one writer of ``GuaranteeCase.state`` and ``_retention_move`` the one
writer of ``Retention.state``: each checks its TRANSITIONS table, locks the row, saves and writes an
event row (who, when, from, to, details). HTML views, the API and the admin all call them.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.reference import Relation
from nongzhuancheng import bulk

from .models import (
    GuaranteeCase,
    GuaranteeEvent,
    GuaranteeKind,
    Retention,
    RetentionEvent,
    RetentionKind,
    age_on,
    can_work,
    state_label,
    transition_end,
)

GState = GuaranteeCase.State
RState = Retention.State

SCHOOL_AGE = (6, 15)      # 义务教育: ages at the completion date
WORKING_AGE = (16, 59)    # employment services
PENSION_FROM = 16         # urban residents' pension enrolment


class TransitionNotAllowed(ValidationError):
    pass


# Opening -------------------------------------------------------------------------------------

def _housing_holder(people):
    """The member who holds the household's housing case: the head, else the first member."""
    for p in people:
        if p.relation == Relation.HEAD:
            return p
    return people[0] if people else None


def guarantee_initial_state(*, kind, person, completed_on, housing_holder_id):
    """The state a guarantee opens in, from what the clerk recorded about the person."""
    age = age_on(person.birth_date, completed_on)
    if kind == GuaranteeKind.HOUSING:
        needed = person.pk == housing_holder_id
    elif kind == GuaranteeKind.PENSION:
        needed = age >= PENSION_FROM
    elif kind == GuaranteeKind.MEDICAL:
        needed = True
    elif kind == GuaranteeKind.EMPLOYMENT:
        needed = WORKING_AGE[0] <= age <= WORKING_AGE[1]
    else:  # education: each school-age child
        needed = SCHOOL_AGE[0] <= age <= SCHOOL_AGE[1]
    return GState.REQUESTED if needed else GState.NOT_NEEDED


def build_records(people, completed_on, housing_holder_id):
    """Unsaved Retention and GuaranteeCase rows for ``people`` (all of one application)."""
    retentions, cases = [], []
    for p in people:
        common = {
            "person_id": p.pk, "application_id": p.application_id, "county_id": p.county_id,
            "station_id": p.station_id, "opened_on": completed_on,
        }
        for kind in RetentionKind:
            retentions.append(Retention(
                kind=kind, state=RState.KEPT,
                transition_ends_on=transition_end(completed_on) if kind == RetentionKind.FAMILY_PLANNING else None,
                **common,
            ))
        for kind in GuaranteeKind:
            state = guarantee_initial_state(
                kind=kind, person=p, completed_on=completed_on, housing_holder_id=housing_holder_id
            )
            cases.append(GuaranteeCase(
                kind=kind, state=state, requested_on=completed_on if state == GState.REQUESTED else None, **common
            ))
    return retentions, cases


@transaction.atomic
def entitlements_open(*, application, actor=None):
    """Open the five retentions and five guarantees of each person of a completed application.

    Called inside the completion's transaction (households.signals.application_completed): if it
    fails, the completion rolls back. Safe to call twice (people already opened are skipped)."""
    from households.models import Person, TransferApplication

    if application.status != TransferApplication.Status.COMPLETED or not application.completed_on:
        return 0
    people = list(Person.objects.filter(application=application).order_by("pk"))
    done = set(Retention.objects.filter(person__in=people).values_list("person_id", flat=True).distinct())
    todo = [p for p in people if p.pk not in done]
    if not todo:
        return 0
    holder = _housing_holder(people)
    retentions, cases = build_records(todo, application.completed_on, holder.pk if holder else None)
    Retention.objects.bulk_create(retentions)
    GuaranteeCase.objects.bulk_create(cases)
    # bulk_create sets primary keys on PostgreSQL and SQLite 3.35+; fetch them to be safe.
    opened = {"note": _("转户办结，自动建档")}
    ret_ids = Retention.objects.filter(person__in=todo).values_list("pk", "state")
    case_ids = GuaranteeCase.objects.filter(person__in=todo).values_list("pk", "state")
    on = application.completed_on
    RetentionEvent.objects.bulk_create(
        RetentionEvent(retention_id=pk, actor=actor, on=on, from_state="", to_state=s, **opened) for pk, s in ret_ids
    )
    GuaranteeEvent.objects.bulk_create(
        GuaranteeEvent(case_id=pk, actor=actor, on=on, from_state="", to_state=s, **opened) for pk, s in case_ids
    )
    return len(todo)


# Opening in bulk ------------------------------------------------------------------------------

OPEN_BULK_CHUNK = 2000  # applications locked and opened in one transaction


def entitlements_open_bulk(*, application_ids, actor=None, person_fields=(), shape=None):
    """Open the five retentions and five guarantees of every person of the COMPLETED applications
    ``application_ids`` who has none yet, in bulk. Returns the number of people opened.

    For transfers written in bulk without the completion signal (the spreadsheet import, the 2012
    demo year). The records open in the states ``entitlements_open`` gives them (``build_records``),
    each with its opening event; they go in with COPY on PostgreSQL and executemany elsewhere.
    Safe to run twice and beside a clerk's completion: each chunk locks its applications first and
    skips people who already have records.

    ``shape(members, retentions, cases)`` may fill in the records of one application before they are
    written (the demo draws realistic later states); ``members`` are the values of its people still
    without records (with ``person_fields`` too), and a record's ``story`` attribute lists its later
    events as (from, to, on, details, actor)."""
    ids = sorted(set(application_ids))
    opened = 0
    for i in range(0, len(ids), OPEN_BULK_CHUNK):
        opened += _open_chunk(ids[i:i + OPEN_BULK_CHUNK], actor=actor, person_fields=person_fields, shape=shape)
    return opened


class _PersonRow:
    """What build_records and _housing_holder read of a person, from a values() row."""

    __slots__ = ("pk", "application_id", "county_id", "station_id", "relation", "birth_date")

    def __init__(self, row):
        for name in self.__slots__:
            setattr(self, name, row[name])


_PERSON_VALUES = ("pk", "application_id", "county_id", "station_id", "relation", "birth_date")


@transaction.atomic
def _open_chunk(app_ids, *, actor, person_fields, shape):
    from itertools import groupby

    from django.conf import settings
    from django.db.models import Exists, OuterRef
    from django.utils import translation

    from households.models import Person, TransferApplication

    # the lock a clerk's completion takes too (_move): the two never open the same person twice
    completed = dict(
        TransferApplication.objects.select_for_update()
        .filter(pk__in=app_ids, status=TransferApplication.Status.COMPLETED, completed_on__isnull=False)
        .order_by("pk").values_list("pk", "completed_on")
    )
    if not completed:
        return 0
    rows = (
        Person.objects.filter(application_id__in=list(completed))
        .annotate(has_records=Exists(Retention.objects.filter(person=OuterRef("pk"))))
        .order_by("application_id", "pk")
        .values(*_PERSON_VALUES, "has_records", *person_fields)
    )
    retentions, cases, opened = [], [], 0
    for app_id, members in groupby(rows, key=lambda r: r["application_id"]):
        members = list(members)
        todo = [m for m in members if not m["has_records"]]
        if not todo:
            continue
        people = [_PersonRow(m) for m in members]
        holder = _housing_holder(people)  # among all its people, opened or not
        rs, cs = build_records([p for p, m in zip(people, members, strict=True) if not m["has_records"]],
                               completed[app_id], holder.pk)
        for record in (*rs, *cs):
            record.opened_as = record.state
        if shape is not None:
            shape(todo, rs, cs)
        retentions += rs
        cases += cs
        opened += len(todo)
    if not opened:
        return 0
    bulk.insert(Retention, retentions)
    bulk.insert(GuaranteeCase, cases)
    with translation.override(settings.LANGUAGE_CODE):
        note = _("转户办结，自动建档")
    actor_id = actor.pk if actor is not None else None
    for model, key, records in ((RetentionEvent, "retention_id", retentions), (GuaranteeEvent, "case_id", cases)):
        events = []  # plain rows: no model instance for what nothing points at
        for rec in records:
            events.append((rec.pk, actor_id, rec.opened_on, "", rec.opened_as, {}, note))
            for before, after, on, details, who in getattr(rec, "story", ()):
                events.append((rec.pk, who.pk if who is not None else None, on, before, after, details, ""))
        _insert_events(model, key, events)
    return opened


_EVENT_FIELDS = ("actor_id", "on", "from_state", "to_state", "details", "note", "at")


def _insert_events(model, key, events):
    """Event rows (record id, actor id, on, from, to, details, note) in bulk; their ids come from the table."""
    bulk.insert_rows(model, (key, *_EVENT_FIELDS), (
        (pk, actor_id, on, before, after, details or {}, note, None)  # at: auto_now_add, the time of the call
        for pk, actor_id, on, before, after, details, note in events
    ))


@transaction.atomic
def entitlements_follow_correction(*, application, actor=None, changed=None):
    """Keep the records in step with a corrected completed application.

    A new completion date moves the family-planning transition end (and the opening date of
    cases still waiting in their first state); a corrected birth date re-decides the education,
    pension and employment cases that nobody has worked yet."""
    from households.models import Person

    changed = changed or {}
    on = application.completed_on
    if "completed_on" in changed and on:
        for r in Retention.objects.select_for_update().filter(application=application, kind=RetentionKind.FAMILY_PLANNING):
            new_end = transition_end(on)
            if r.transition_ends_on != new_end:
                RetentionEvent.objects.create(
                    retention=r, actor=actor, on=timezone.localdate(), from_state=r.state, to_state=r.state,
                    details={"transition_ends_on": [str(r.transition_ends_on), str(new_end)]},
                    note=_("办结日期更正，过渡期截止日期随之调整"),
                )
                r.transition_ends_on = new_end
                r.save(update_fields=["transition_ends_on"])
        Retention.objects.filter(application=application).update(opened_on=on)
        GuaranteeCase.objects.filter(application=application).update(opened_on=on)
        untouched = _untouched_cases(GuaranteeCase.objects.filter(application=application, state=GState.REQUESTED))
        GuaranteeCase.objects.filter(pk__in=untouched).update(requested_on=on)
    person_ids = changed.get("person_ids") or []
    if person_ids:
        people = list(Person.objects.filter(application=application).order_by("pk"))
        holder = _housing_holder(people)
        by_pk = {p.pk: p for p in people}
        cases = list(GuaranteeCase.objects.select_for_update().filter(
            person_id__in=person_ids, kind__in=[GuaranteeKind.PENSION, GuaranteeKind.EMPLOYMENT, GuaranteeKind.EDUCATION]
        ))
        untouched = set(_untouched_cases(GuaranteeCase.objects.filter(pk__in=[c.pk for c in cases])))
        for case in cases:
            if case.pk not in untouched:
                continue
            state = guarantee_initial_state(
                kind=case.kind, person=by_pk[case.person_id], completed_on=on, housing_holder_id=holder.pk
            )
            if state != case.state:
                before = case.state
                case.state = state
                case.requested_on = on if state == GState.REQUESTED else None
                case.save(update_fields=["state", "requested_on"])
                GuaranteeEvent.objects.create(
                    case=case, actor=actor, on=timezone.localdate(), from_state=before, to_state=state,
                    note=_("人员信息更正，重新判断是否需要办理"),
                )


def _untouched_cases(cases):
    """Ids of cases with no event but their opening one."""
    from django.db.models import Count

    return list(cases.annotate(n=Count("events")).filter(n__lte=1).values_list("pk", flat=True))


# Guarantees ---------------------------------------------------------------------------------

def _check_can_work(actor, record):
    if not can_work(actor, record):
        raise PermissionDenied(_("只有责任成员单位和县区办公室可以办理此事项。"))


def guarantee_move(*, case, to, actor, note="", reason="", reference=None, on=None):
    """The one writer of GuaranteeCase.state.

    ``reason`` is required to refuse; ``reference`` records what was delivered (flat reference,
    pension scheme, school, ...); ``on`` is the date the move took effect (today by default)."""
    to = GState(to)
    with transaction.atomic():
        # out of scope -> DoesNotExist (404), like a case that does not exist
        c = GuaranteeCase.objects.for_user(actor).select_for_update().get(pk=case.pk)
        _check_can_work(actor, c)
        if to not in c.TRANSITIONS[c.state]:
            raise TransitionNotAllowed(
                _("不能从“%(a)s”变为“%(b)s”。") % {"a": c.get_state_display(), "b": to.label}
            )
        on = on or timezone.localdate()
        if on > timezone.localdate():
            raise ValidationError({"on": _("日期不能晚于今天。")})
        reason = (reason or "").strip()
        if to == GState.REFUSED and not reason:
            raise ValidationError({"reason": _("不予落实时必须写明理由。")})
        if c.requested_on and to in (GState.IN_PROGRESS, GState.DELIVERED, GState.REFUSED) and on < c.requested_on:
            raise ValidationError({"on": _("日期不能早于申请日期。")})
        before = c.state
        c.state = to
        details = {}
        if to == GState.REQUESTED:
            c.requested_on, c.started_on, c.delivered_on, c.refused_on = on, None, None, None
            c.days_to_deliver, c.refusal_reason = None, ""
        elif to == GState.IN_PROGRESS:
            c.started_on = on
        elif to == GState.DELIVERED:
            c.delivered_on = on
            c.days_to_deliver = (on - c.requested_on).days if c.requested_on else 0
            details["days_to_deliver"] = c.days_to_deliver
        elif to == GState.REFUSED:
            c.refused_on, c.refusal_reason = on, reason
            details["reason"] = reason
        elif to == GState.NOT_NEEDED:
            c.requested_on = None
        if reference is not None and reference != c.reference:
            details["reference"] = reference
            c.reference = reference
        c.save()
        GuaranteeEvent.objects.create(
            case=c, actor=actor, on=on, from_state=before, to_state=to, details=details, note=note
        )
    return c


# Retentions ---------------------------------------------------------------------------------

def _decimal(value, field):
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("请输入数字。")}) from None
    if d < 0:
        raise ValidationError({field: _("不能为负数。")})
    return d


def _date(value, field):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: _("日期格式应为 YYYY-MM-DD。")}) from None


def _retention_move(*, retention, to, actor, changes, note="", on=None):
    """The one writer of Retention.state (``to`` equal to the current state records details only)."""
    with transaction.atomic():
        r = Retention.objects.for_user(actor).select_for_update().get(pk=retention.pk)
        _check_can_work(actor, r)
        if to != r.state and to not in r.allowed_moves():
            raise TransitionNotAllowed(
                _("%(k)s不能从“%(a)s”变为“%(b)s”。")
                % {"k": r.get_kind_display(), "a": r.get_state_display(), "b": state_label(Retention, to)}
            )
        on = on or timezone.localdate()
        if on > timezone.localdate():
            raise ValidationError({"on": _("日期不能晚于今天。")})
        before = r.state
        details = {}
        for field, value in changes.items():
            old = getattr(r, field)
            if old != value:
                details[field] = [None if old is None else str(old), None if value is None else str(value)]
                setattr(r, field, value)
        if to != before:
            r.state = to
            r.changed_on = on
        r.save()
        RetentionEvent.objects.create(
            retention=r, actor=actor, on=on, from_state=before, to_state=to, details=details, note=note
        )
    return r


def retention_circulate(*, retention, actor, counterparty, term_ends_on, price, contract_no, note="", on=None):
    """流转: the right is circulated under a lawful contract (to whom, until when, at what price)."""
    errors = {}
    if not (counterparty or "").strip():
        errors["counterparty"] = [_("请填写流转受让方。")]
    if not (contract_no or "").strip():
        errors["contract_no"] = [_("请填写流转合同编号。")]
    term = _date(term_ends_on, "term_ends_on")
    if term is None:
        errors["term_ends_on"] = [_("请填写流转期限。")]
    elif term <= (on or timezone.localdate()):
        errors["term_ends_on"] = [_("流转期限应晚于流转日期。")]
    price = _decimal(price, "price")
    if price is None:
        errors["price"] = [_("请填写流转价款。")]
    if errors:
        raise ValidationError(errors)
    return _retention_move(
        retention=retention, to=RState.CIRCULATED, actor=actor, note=note, on=on,
        changes={"counterparty": counterparty.strip(), "term_ends_on": term, "price": price,
                 "contract_no": contract_no.strip()},
    )


def retention_give_up(*, retention, actor, compensation, agreement_no, note="", on=None):
    """自愿有偿退出: given up voluntarily, with compensation under a signed agreement."""
    errors = {}
    compensation = _decimal(compensation, "compensation")
    if compensation is None or compensation <= 0:
        errors["compensation"] = [_("自愿退出必须有补偿金额。")]
    if not (agreement_no or "").strip():
        errors["agreement_no"] = [_("请填写退出协议编号。")]
    if errors:
        raise ValidationError(errors)
    return _retention_move(
        retention=retention, to=RState.GIVEN_UP, actor=actor, note=note, on=on,
        changes={"compensation": compensation, "agreement_no": agreement_no.strip()},
    )


def retention_restore(*, retention, actor, note, on=None):
    """The circulation contract ended: the right is back with the person (保留)."""
    if not (note or "").strip():
        raise ValidationError({"note": _("请写明流转终止的原因。")})
    return _retention_move(retention=retention, to=RState.KEPT, actor=actor, note=note, on=on, changes={})


RECORD_FIELDS = {"area_mu", "certificate_no", "organisation", "share"}


def retention_record(*, retention, actor, note="", **fields):
    """Record what the right is (area, certificate, collective organisation, share); state unchanged."""
    unknown = set(fields) - RECORD_FIELDS
    if unknown:
        raise ValidationError({f: _("该字段不能修改。") for f in unknown})
    changes = {}
    for f, v in fields.items():
        changes[f] = _decimal(v, f) if f in ("area_mu", "share") else (v or "").strip()
    current = Retention.objects.for_user(actor).get(pk=retention.pk)
    return _retention_move(retention=current, to=current.state, actor=actor, changes=changes, note=note)


RETENTION_MOVES = {
    RState.CIRCULATED: retention_circulate,
    RState.GIVEN_UP: retention_give_up,
    RState.KEPT: retention_restore,
}
