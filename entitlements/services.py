"""Writes: opening the ten records of a transferred person and every change of their states.

A state changes only by a move of the model's ``WORKFLOW`` table, made by
``nongzhuancheng.workflow.transition`` (policy, scoped lock, table, save, event row in one
transaction): ``guarantee_move`` for ``GuaranteeCase.state``, ``retention_move`` (circulate /
give up / restore) for ``Retention.state``. HTML views, the API and the admin all call them.
Every write keeps the summary tables in step in its own transaction (``entitlements.rollup``).
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.reference import Relation
from nongzhuancheng import bulk
from nongzhuancheng.scoping import ENTITLEMENT_WORK, require
from nongzhuancheng.workflow import Move, TransitionNotAllowed, transition

from . import rollup
from .models import (
    GuaranteeCase,
    GuaranteeEvent,
    GuaranteeKind,
    Retention,
    RetentionEvent,
    RetentionKind,
    age_on,
    transition_end,
)

GState = GuaranteeCase.State
RState = Retention.State

SCHOOL_AGE = (6, 15)      # 义务教育: ages at the completion date
WORKING_AGE = (16, 59)    # employment services
PENSION_FROM = 16         # urban residents' pension enrolment

GUARANTEES = GuaranteeCase.WORKFLOW
RETENTIONS = Retention.WORKFLOW


# Opening -------------------------------------------------------------------------------------

def _housing_holder(people: Sequence[Any]) -> Any:
    """The member who holds the household's housing case: the head, else the first member."""
    for p in people:
        if p.relation == Relation.HEAD:
            return p
    return people[0] if people else None


def guarantee_initial_state(*, kind: str, person: Any, completed_on: datetime.date,
                            housing_holder_id: int | None) -> str:
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


def build_records(people: Sequence[Any], completed_on: datetime.date, housing_holder_id: int | None, *,
                  plain: bool = False) -> tuple[list[Any], list[Any]]:
    """Unsaved Retention and GuaranteeCase rows for ``people`` (all of one application): model
    instances, or (``plain``) records of ``bulk.record_type`` for ``bulk.insert``."""
    make_retention = bulk.record_type(Retention) if plain else Retention
    make_case = bulk.record_type(GuaranteeCase) if plain else GuaranteeCase
    retentions, cases = [], []
    for p in people:
        common = {
            "person_id": p.pk, "application_id": p.application_id, "county_id": p.county_id,
            "station_id": p.station_id, "opened_on": completed_on,
        }
        for rkind in RetentionKind:
            retentions.append(make_retention(
                kind=rkind, state=RState.KEPT,
                transition_ends_on=transition_end(completed_on) if rkind == RetentionKind.FAMILY_PLANNING else None,
                **common,
            ))
        for kind in GuaranteeKind:
            state = guarantee_initial_state(
                kind=kind, person=p, completed_on=completed_on, housing_holder_id=housing_holder_id
            )
            cases.append(make_case(
                kind=kind, state=state, requested_on=completed_on if state == GState.REQUESTED else None, **common
            ))
    return retentions, cases


@transaction.atomic
def entitlements_open(*, application: Any, actor: Any = None) -> int:
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
    rollup.records_opened(retentions, cases)
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


def entitlements_open_bulk(*, application_ids: Iterable[int], actor: Any = None, person_fields: Sequence[str] = (),
                           shape: Callable[[list, list, list], None] | None = None) -> int:
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

    def __init__(self, row: dict[str, Any]) -> None:
        for name in self.__slots__:
            setattr(self, name, row[name])


_PERSON_VALUES = ("pk", "application_id", "county_id", "station_id", "relation", "birth_date")


@transaction.atomic
def _open_chunk(app_ids: list[int], *, actor: Any, person_fields: Sequence[str],
                shape: Callable[[list, list, list], None] | None) -> int:
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
    retentions: list[Any] = []
    cases: list[Any] = []
    opened = 0
    opened_as: dict[int, str] = {}  # id(record): the state it was opened in (shape may move it on)
    for app_id, group in groupby(rows, key=lambda r: r["application_id"]):
        members = list(group)
        todo = [m for m in members if not m["has_records"]]
        if not todo:
            continue
        people = [_PersonRow(m) for m in members]
        holder = _housing_holder(people)  # among all its people, opened or not
        completed_on = completed[app_id]
        assert completed_on is not None  # completed_on__isnull=False above
        rs, cs = build_records([p for p, m in zip(people, members, strict=True) if not m["has_records"]],
                               completed_on, holder.pk, plain=True)
        new_records: list[Any] = [*rs, *cs]
        for record in new_records:
            opened_as[id(record)] = record.state
        if shape is not None:
            shape(todo, rs, cs)
        retentions += rs
        cases += cs
        opened += len(todo)
    if not opened:
        return 0
    bulk.insert(Retention, retentions)
    bulk.insert(GuaranteeCase, cases)
    rollup.records_opened(retentions, cases)
    with translation.override(settings.LANGUAGE_CODE):
        note = _("转户办结，自动建档")
    actor_id = actor.pk if actor is not None else None
    groups: tuple[tuple[type[models.Model], str, Sequence[Retention | GuaranteeCase]], ...] = (
        (RetentionEvent, "retention_id", retentions), (GuaranteeEvent, "case_id", cases))
    for model, key, records in groups:
        events: list[EventRow] = []  # plain rows: no model instance for what nothing points at
        for rec in records:
            events.append((rec.pk, actor_id, rec.opened_on, "", opened_as[id(rec)], {}, note))
            for before, after, on, details, who in getattr(rec, "story", ()):
                events.append((rec.pk, who.pk if who is not None else None, on, before, after, details, ""))
        _insert_events(model, key, events)
    return opened


_EVENT_FIELDS = ("actor_id", "on", "from_state", "to_state", "details", "note", "at")


# (record id, actor id, on, from, to, details, note)
EventRow = tuple[int, int | None, datetime.date | None, str, str, dict[str, Any] | None, str]


def _insert_events(model: type[models.Model], key: str, events: Iterable[EventRow]) -> None:
    """Event rows (record id, actor id, on, from, to, details, note) in bulk; their ids come from the table."""
    bulk.insert_rows(model, (key, *_EVENT_FIELDS), (
        (pk, actor_id, on, before, after, details or {}, note, None)  # at: auto_now_add, the time of the call
        for pk, actor_id, on, before, after, details, note in events
    ))


@transaction.atomic
def entitlements_close_withdrawn(*, application: Any, actor: Any = None) -> int:
    """A completed application withdrawn as a duplicate (the county office found its people
    transferred under another record): the records its completion opened are removed with their
    events, so that no member unit works them and no figure counts them. Returns the rows removed."""
    removed = 0
    with rollup.following(cases=GuaranteeCase.objects.filter(application=application),
                          retentions=Retention.objects.filter(application=application)):
        for model in (GuaranteeCase, Retention):
            removed += model.objects.filter(application=application).delete()[1].get(model._meta.label, 0)
    return removed


def entitlements_follow_correction(*, application: Any, actor: Any = None, changed: dict | None = None) -> None:
    """Keep the records in step with a corrected completed application.

    A new completion date moves the family-planning transition end (and the opening date of
    cases still waiting in their first state); a corrected birth date re-decides the education,
    pension and employment cases that nobody has worked yet (a system move of the table)."""
    changed = changed or {}
    if not ("completed_on" in changed and application.completed_on) and not changed.get("person_ids"):
        return
    with rollup.following(cases=GuaranteeCase.objects.filter(application=application),
                          retentions=Retention.objects.filter(application=application)):
        _follow_correction(application=application, actor=actor, changed=changed)


def _follow_correction(*, application: Any, actor: Any, changed: dict) -> None:
    from households.models import Person

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
        redecidable = set(_untouched_cases(GuaranteeCase.objects.filter(pk__in=[c.pk for c in cases])))
        for case in cases:
            if case.pk not in redecidable:
                continue
            state = guarantee_initial_state(
                kind=case.kind, person=by_pk[case.person_id], completed_on=on, housing_holder_id=holder.pk
            )
            if state != case.state:
                _redecide(case, state, on=on, actor=actor)


def _redecide(case: GuaranteeCase, state: str, *, on: datetime.date, actor: Any) -> GuaranteeCase:
    """The system's move of an untouched case to the state a corrected person record gives it."""
    move = GUARANTEES.get("redecide_needed" if state == GState.REQUESTED else "redecide_not_needed")

    def apply(c: GuaranteeCase, m: Move) -> list[str]:
        c.requested_on = on if m.target == GState.REQUESTED else None
        return ["requested_on"]

    def record(c: GuaranteeCase, before: str, m: Move) -> None:
        GuaranteeEvent.objects.create(case=c, actor=actor, on=timezone.localdate(), from_state=before,
                                      to_state=m.target, note=_("人员信息更正，重新判断是否需要办理"))

    # actor None: the system makes the move (the event still names who corrected the person)
    return transition(workflow=GUARANTEES, move=move, obj=case, queryset=GuaranteeCase.objects, actor=None,
                      apply=apply, record=record)


def _untouched_cases(cases: Any) -> list[int]:
    """Ids of cases with no event but their opening one."""
    from django.db.models import Count

    return list(cases.annotate(n=Count("events")).filter(n__lte=1).values_list("pk", flat=True))


def _effective_on(on: datetime.date | None) -> datetime.date:
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("日期不能晚于今天。")})
    return on


def _user_move(workflow: Any, record: Any, move: str | Move | None, to: str | None) -> Move:
    """The move named ``move``, or the users' move of the table from the record's state to ``to``."""
    if move is not None:
        found = move if isinstance(move, Move) else workflow.get(move)
        if found.action is None:  # the system's moves are made by the services themselves
            raise TransitionNotAllowed(_("“%(m)s”只能由系统执行。") % {"m": found.label}, code="system_move")
        return found
    found = next((m for m in workflow if m.action is not None and record.state in m.sources and m.target == to),
                 None)
    if found is None:
        raise TransitionNotAllowed(
            _("不能从“%(a)s”变为“%(b)s”。") % {"a": workflow.state_label(record.state), "b": workflow.state_label(to)},
            code="transition",
        )
    return found


# Guarantees ---------------------------------------------------------------------------------

def guarantee_move(*, case: GuaranteeCase, actor: Any, move: str | Move | None = None, to: str | None = None,
                   note: str = "", reason: str = "", reference: str | None = None,
                   on: datetime.date | None = None) -> GuaranteeCase:
    """Make one move of ``GuaranteeCase.WORKFLOW`` (its name, or the state ``to`` it leads to).

    ``reason`` is the move's note in the table's sense (required to refuse, kept on the case);
    ``note`` goes on the event; ``reference`` records what was delivered (flat reference, pension
    scheme, school, ...); ``on`` is the date the move took effect (today by default)."""
    move = _user_move(GUARANTEES, case, move, to)
    reason = (reason or "").strip()
    details: dict[str, Any] = {}
    when: list[datetime.date] = []

    def apply(c: GuaranteeCase, m: Move) -> list[str]:
        day = _effective_on(on)
        if c.requested_on and m.target in (GState.IN_PROGRESS, GState.DELIVERED, GState.REFUSED) \
                and day < c.requested_on:
            raise ValidationError({"on": _("日期不能早于申请日期。")})
        when.append(day)
        fields: list[str] = []
        if m.target == GState.DELIVERED and not (reference or c.reference or "").strip():
            raise ValidationError({"reference": _("落实时必须写明落实内容（如房源、参保险种、学校）。")})
        if m.target == GState.REQUESTED:
            # asked again after a refusal: the first request's date stays, so the waiting time is true
            day = c.requested_on or day
            c.requested_on, c.started_on, c.delivered_on, c.refused_on = day, None, None, None
            c.days_to_deliver, c.refusal_reason = None, ""
            fields += ["requested_on", "started_on", "delivered_on", "refused_on", "days_to_deliver",
                       "refusal_reason"]
        elif m.target == GState.IN_PROGRESS:
            c.started_on = day
            fields.append("started_on")
        elif m.target == GState.DELIVERED:
            c.delivered_on = day
            c.days_to_deliver = (day - c.requested_on).days if c.requested_on else 0
            details["days_to_deliver"] = c.days_to_deliver
            fields += ["delivered_on", "days_to_deliver"]
        elif m.target == GState.REFUSED:
            c.refused_on, c.refusal_reason = day, reason
            details["reason"] = reason
            fields += ["refused_on", "refusal_reason"]
        elif m.target == GState.NOT_NEEDED:
            c.requested_on = None
            fields.append("requested_on")
        if reference is not None and reference != c.reference:
            details["reference"] = reference
            c.reference = reference
            fields.append("reference")
        return fields

    def record(c: GuaranteeCase, before: str, m: Move) -> None:
        GuaranteeEvent.objects.create(case=c, actor=actor, on=when[0], from_state=before, to_state=m.target,
                                      details=details, note=note)

    try:
        with rollup.following(cases=GuaranteeCase.objects.filter(pk=case.pk)):
            return transition(workflow=GUARANTEES, move=move, obj=case, queryset=GuaranteeCase.objects,
                              actor=actor, note=reason, apply=apply, record=record)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "note" in exc.error_dict:
            # the table's note of a guarantee move is its reason (the refusal's)
            raise ValidationError({"reason": exc.error_dict["note"]}) from None
        raise


# Retentions ---------------------------------------------------------------------------------

def _decimal(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("请输入数字。")}) from None
    if d < 0:
        raise ValidationError({field: _("不能为负数。")})
    return d


def _date(value: Any, field: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: _("日期格式应为 YYYY-MM-DD。")}) from None


def _changed(r: Retention, changes: dict[str, Any]) -> dict[str, list[str | None]]:
    """Set ``changes`` on the retention; return {field: [old, new]} of those that differ."""
    details = {}
    for field, value in changes.items():
        old = getattr(r, field)
        if old != value:
            details[field] = [None if old is None else str(old), None if value is None else str(value)]
            setattr(r, field, value)
    return details


def _retention_transition(*, retention: Retention, move: str, actor: Any, changes: dict[str, Any],
                          note: str = "", on: datetime.date | None = None) -> Retention:
    """Make one move of ``Retention.WORKFLOW``, recording ``changes`` (the move's particulars)."""
    details: dict[str, Any] = {}
    when: list[datetime.date] = []

    def apply(r: Retention, m: Move) -> list[str]:
        day = _effective_on(on)
        when.append(day)
        details.update(_changed(r, changes))
        r.changed_on = day
        return ["changed_on", *changes]

    def record(r: Retention, before: str, m: Move) -> None:
        RetentionEvent.objects.create(retention=r, actor=actor, on=when[0], from_state=before, to_state=m.target,
                                      details=details, note=note)

    with rollup.following(retentions=Retention.objects.filter(pk=retention.pk)):
        return transition(workflow=RETENTIONS, move=move, obj=retention, queryset=Retention.objects, actor=actor,
                          note=note, apply=apply, record=record)


def retention_circulate(*, retention: Retention, actor: Any, counterparty: str, term_ends_on: Any, price: Any,
                        contract_no: str, note: str = "", on: datetime.date | None = None) -> Retention:
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
    return _retention_transition(
        retention=retention, move="circulate", actor=actor, note=note, on=on,
        changes={"counterparty": counterparty.strip(), "term_ends_on": term, "price": price,
                 "contract_no": contract_no.strip()},
    )


def retention_give_up(*, retention: Retention, actor: Any, compensation: Any, agreement_no: str, note: str = "",
                      on: datetime.date | None = None) -> Retention:
    """自愿有偿退出: given up voluntarily, with compensation under a signed agreement."""
    errors = {}
    compensation = _decimal(compensation, "compensation")
    if compensation is None or compensation <= 0:
        errors["compensation"] = [_("自愿退出必须有补偿金额。")]
    if not (agreement_no or "").strip():
        errors["agreement_no"] = [_("请填写退出协议编号。")]
    if errors:
        raise ValidationError(errors)
    return _retention_transition(
        retention=retention, move="give_up", actor=actor, note=note, on=on,
        changes={"compensation": compensation, "agreement_no": agreement_no.strip()},
    )


def retention_restore(*, retention: Retention, actor: Any, note: str, on: datetime.date | None = None) -> Retention:
    """The circulation contract ended: the right is back with the person (保留); the table requires
    the reason as the note."""
    return _retention_transition(retention=retention, move="restore", actor=actor, note=note, on=on, changes={})


# The writer of each move of Retention.WORKFLOW (the particulars differ from move to move).
RETENTION_MOVES: dict[str, Callable[..., Retention]] = {
    "circulate": retention_circulate,
    "give_up": retention_give_up,
    "restore": retention_restore,
}
assert set(RETENTION_MOVES) == set(RETENTIONS.moves), "every move of Retention.WORKFLOW needs its writer"

PARTICULARS = {
    "circulate": ("counterparty", "term_ends_on", "price", "contract_no"),
    "give_up": ("compensation", "agreement_no"),
    "restore": (),
}


def retention_move(*, retention: Retention, move: str, actor: Any, note: str = "", on: datetime.date | None = None,
                   **particulars: Any) -> Retention:
    """Make the move named ``move`` of ``Retention.WORKFLOW`` with its particulars (the others are ignored)."""
    RETENTIONS.get(move)  # an unknown name: TransitionNotAllowed
    kwargs = {name: particulars.get(name) for name in PARTICULARS[move]}
    return RETENTION_MOVES[move](retention=retention, actor=actor, note=note, on=on, **kwargs)


RECORD_FIELDS = {"area_mu", "certificate_no", "organisation", "share"}


@transaction.atomic
def retention_record(*, retention: Retention, actor: Any, note: str = "", **fields: Any) -> Retention:
    """Record what the right is (area, certificate, collective organisation, share). Not a move: the
    state does not change, but the event row is written the same way."""
    unknown = set(fields) - RECORD_FIELDS
    if unknown:
        raise ValidationError({f: _("该字段不能修改。") for f in unknown})
    changes = {}
    for f, v in fields.items():
        changes[f] = _decimal(v, f) if f in ("area_mu", "share") else (v or "").strip()
    require(actor, ENTITLEMENT_WORK)
    r = Retention.objects.for_user(actor, ENTITLEMENT_WORK).select_for_update().get(pk=retention.pk)
    details = _changed(r, changes)
    r.save(update_fields=sorted(changes))
    RetentionEvent.objects.create(retention=r, actor=actor, on=timezone.localdate(), from_state=r.state,
                                  to_state=r.state, details=details, note=note)
    return r
