"""Writes of the quality app: findings (rules checked at entry, on change and nightly), probable
duplicates (found at entry, on change and nightly; decided by the county office).

Everything that looks at people is set-based SQL: one statement a rule (``findings_sync``), a few
self-joins on blocking keys for the duplicates (``duplicates_scan``); Python sees only what one
application brings at entry, or the rows a statement found."""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from households import services as household_services
from households.models import Person, TransferApplication
from households.names import name_key
from households.validation import EntryRefused
from nongzhuancheng.masking import mask
from nongzhuancheng.scoping import DUPLICATE_DECIDE, QUALITY_OVERRIDE, require
from nongzhuancheng.workflow import TransitionNotAllowed, transition

from .models import DuplicatePair, Finding, ScanCandidate
from .rules import BY_CODE, ERROR, PERSON, RULES, Rule

log = logging.getLogger(__name__)
Basis = DuplicatePair.Basis


# Findings ----------------------------------------------------------------------------------------

def _rows(rule: Rule, application_ids: Sequence[int] | None) -> QuerySet:
    """The rows a rule looks at: everyone (or every application) holding a claim, or only those of
    ``application_ids``."""
    if rule.level == PERSON:
        people = Person.objects.filter(holds_claim=True)
        return people if application_ids is None else people.filter(application_id__in=application_ids)
    apps = TransferApplication.objects.filter(status__in=TransferApplication.CLAIMING)
    return apps if application_ids is None else apps.filter(pk__in=application_ids)


def findings_sync(*, application_ids: Sequence[int] | None = None, rules: Iterable[Rule] = RULES) -> dict[str, int]:
    """Bring the open findings in step with the rows: a new finding for each row that breaks a rule
    and has none open, ``resolved_at`` for each open finding whose row no longer breaks it. For the
    whole city (the nightly scan: statements a rule, the database finds and writes) or for some
    applications (after a change: one statement finds what their rows break, the few findings are
    written from it). Returns {rule: open findings of the rows looked at}."""
    rules = list(rules)
    if application_ids is None:
        return _sync_everyone(rules)
    ids = [int(i) for i in application_ids]
    counts = dict.fromkeys((rule.code for rule in rules), 0)
    for i in range(0, len(ids), RECHECK_CHUNK):  # a statement's parameters stay within SQLite's limit
        chunk = ids[i:i + RECHECK_CHUNK]
        for code, n in _sync_rows(chunk, breaking(chunk, rules), rules).items():
            counts[code] += n
    return counts


RECHECK_CHUNK = 500  # applications a re-check statement looks at (each rule's branch names them all)


@dataclass(frozen=True)
class Breach:
    """A row of some applications that breaks a rule (``person_id`` None: a rule about the application)."""

    rule: str
    person_id: int | None
    application_id: int
    household_id: int
    county_id: int
    station_id: int
    name: str

    @property
    def key(self) -> tuple[str, int]:
        return _finding_key(self.rule, self.person_id, self.application_id)


def _finding_key(rule: str, person_id: int | None, application_id: int) -> tuple[str, int]:
    """What one open finding is of: the rule and its person (or, for a rule about the application, it)."""
    return (rule, person_id if person_id is not None else application_id)


def breaking(application_ids: Sequence[int], rules: Iterable[Rule] = RULES) -> list[Breach]:
    """Every row of these applications that breaks a rule, in one statement (each rule's predicate
    a branch of a UNION ALL), in the order of the rules, then of the rows."""
    rules = list(rules)
    parts: list[str] = []
    params: list[Any] = []
    for rule in rules:
        rows = rule.matching(_rows(rule, application_ids)).order_by()
        if rule.level == PERSON:
            sql, p = rows.values_list("pk", "application_id", "household_id", "county_id", "station_id",
                                      "name").query.sql_with_params()
            parts.append(f"SELECT %s, q.* FROM ({sql}) q")
        else:
            sql, p = rows.values_list("pk", "household_id", "county_id", "station_id").query.sql_with_params()
            parts.append(f"SELECT %s, NULL, q.*, '' FROM ({sql}) q")
        params += [rule.code, *p]
    with connection.cursor() as cur:
        cur.execute(" UNION ALL ".join(parts), params)
        found = [Breach(*row) for row in cur.fetchall()]
    order = {rule.code: i for i, rule in enumerate(rules)}
    found.sort(key=lambda b: (order[b.rule], b.person_id or 0, b.application_id))
    return found


def _sync_rows(application_ids: list[int], found: list[Breach], rules: list[Rule]) -> dict[str, int]:
    """findings_sync for some applications, from what ``breaking`` found in their rows."""
    now = timezone.now()
    codes = [rule.code for rule in rules]
    severity = {rule.code: rule.severity for rule in rules}
    open_ = Finding.objects.filter(application_id__in=application_ids, rule__in=codes, resolved_at__isnull=True)
    held = {_finding_key(rule, person_id, application_id): pk
            for pk, rule, person_id, application_id in open_.values_list("pk", "rule", "person_id", "application_id")}
    new: dict[tuple[str, int], Breach] = {}
    for b in found:
        if b.key not in held:
            new.setdefault(b.key, b)
    Finding.objects.bulk_create([
        Finding(rule=b.rule, severity=severity[b.rule], found_at=now, override_reason="", person_id=b.person_id,
                application_id=b.application_id, household_id=b.household_id, county_id=b.county_id,
                station_id=b.station_id)
        for b in new.values()
    ])
    keep = {b.key for b in found}
    stale = [pk for key, pk in held.items() if key not in keep]
    if stale:
        Finding.objects.filter(pk__in=stale).update(resolved_at=now)
    counts = dict.fromkeys(codes, 0)
    for rule, _key in keep:
        counts[rule] += 1
    return counts


def _sync_everyone(rules: list[Rule]) -> dict[str, int]:
    """findings_sync over every row: for each rule, one INSERT … SELECT of the new findings, one
    UPDATE of the stale ones, one count."""
    now = timezone.now()
    qn = connection.ops.quote_name
    table = qn(Finding._meta.db_table)
    counts = {}
    for rule in rules:
        matching = rule.matching()  # everyone holding a claim (or every claiming application)
        if rule.level == PERSON:
            open_ = Finding.objects.filter(rule=rule.code, person_id=OuterRef("pk"), resolved_at__isnull=True)
            columns = {"person_id": "id", "application_id": "application_id", "household_id": "household_id",
                       "county_id": "county_id", "station_id": "station_id"}
        else:
            open_ = Finding.objects.filter(rule=rule.code, application_id=OuterRef("pk"), person__isnull=True,
                                           resolved_at__isnull=True)
            columns = {"application_id": "id", "household_id": "household_id", "county_id": "county_id",
                       "station_id": "station_id"}
        new = matching.exclude(Exists(open_)).values_list(*columns.values())
        select, params = new.query.sql_with_params()
        with connection.cursor() as cur:  # one statement: the database finds and writes
            cur.execute(
                f"INSERT INTO {table} (rule, severity, found_at, override_reason, {', '.join(columns)}) "
                f"SELECT %s, %s, %s, '', {', '.join('q.' + c for c in columns.values())} FROM ({select}) q",
                [rule.code, rule.severity, connection.ops.adapt_datetimefield_value(now), *params],
            )
        stale = Finding.objects.filter(rule=rule.code, resolved_at__isnull=True)
        if rule.level == PERSON:
            stale = stale.exclude(person_id__in=matching.values("pk"))
        else:
            stale = stale.filter(person__isnull=True).exclude(application_id__in=matching.values("pk"))
        stale.update(resolved_at=now)
        counts[rule.code] = Finding.objects.filter(rule=rule.code, resolved_at__isnull=True).count()
    return counts


def _messages(found: list[Breach]) -> tuple[list[str], list[str]]:
    """(hard errors, warnings) of what one application's rows break, as the clerk reads them."""
    hard: list[str] = []
    warnings: list[str] = []
    for b in found:
        rule = BY_CODE[b.rule]
        (hard if rule.severity == ERROR else warnings).append(rule.text(b.name))
    return hard, warnings


def entry_check(*, application: TransferApplication, actor: Any, override_reason: str = "",
                confirm_warnings: bool = False) -> list[str]:
    """The checks of a new application (inside ``application_create``'s transaction, rows written):
    EntryRefused for a hard error, or (``confirm_warnings``) for warnings without a reason; otherwise
    the findings are recorded (with the reason, if given: let stand) and the probable duplicates too.
    Returns the notices for the clerk."""
    found = breaking([application.pk])
    hard, warnings = _messages(found)
    if hard or (confirm_warnings and warnings and not override_reason):
        raise EntryRefused(hard=hard, warnings=warnings)
    if warnings:
        _sync_rows([application.pk], found, RULES)
        if override_reason:
            require(actor, QUALITY_OVERRIDE)
            Finding.objects.filter(application=application, resolved_at__isnull=True).update(
                override_reason=override_reason, overridden_by=actor)
    return [duplicate_notice(pair, application) for pair in duplicates_refresh(application_ids=[application.pk])]


def recheck(*, application_ids: Sequence[int]) -> None:
    """After a change through the households services: findings and duplicates of these applications."""
    if application_ids:
        findings_sync(application_ids=application_ids)
        duplicates_refresh(application_ids=application_ids)


@transaction.atomic
def finding_override(*, finding: Finding | int, actor: Any, reason: str) -> Finding:
    """Let a warning found by the scan stand, with a reason (an error cannot be let stand)."""
    require(actor, QUALITY_OVERRIDE)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请写明确认理由。")]})
    pk = finding.pk if isinstance(finding, Finding) else finding
    row = Finding.objects.for_user(actor, QUALITY_OVERRIDE).select_for_update().get(pk=pk)
    if row.severity == ERROR:
        raise ValidationError(_("错误必须改正，不能确认保留。"))
    if row.resolved_at is not None:
        raise ValidationError(_("该问题已消除。"))
    row.override_reason, row.overridden_by = reason.strip(), actor
    row.save(update_fields=["override_reason", "overridden_by"])
    return row


# Probable duplicates -------------------------------------------------------------------------------

# Four segments of an 18-character number: two numbers one or two characters apart agree on at least
# two of them (pigeonhole), so each pair of segments is a blocking key of its own.
SEGMENTS = ((1, 5), (6, 5), (11, 4), (15, 4))


def _segment(alias: str, i: int) -> str:
    start, length = SEGMENTS[i]
    return f"substr({alias}.id_number, {start}, {length})"


def _hamming() -> str:
    return " + ".join(f"(CASE WHEN substr(n.id_number, {i}, 1) <> substr(o.id_number, {i}, 1) THEN 1 ELSE 0 END)"
                      for i in range(1, 19))


def _joins() -> list[tuple[str, str, str]]:
    """(basis, join condition, extra WHERE) for each blocking key: n is one person, o the other."""
    out: list[tuple[str, str, str]] = [
        (Basis.SAME_NAME_BIRTH, "n.county_id = o.county_id AND n.birth_date = o.birth_date AND n.name = o.name", ""),
        (Basis.OLD_NEW_NUMBER, "n.name = o.name AND substr(n.id_number, 7, 11) = substr(o.id_number, 7, 11)",
         "substr(n.id_number, 1, 6) <> substr(o.id_number, 1, 6)"),
        (Basis.SOUNDS_ALIKE, "n.birth_date = o.birth_date AND n.name_key = o.name_key",
         "n.name <> o.name AND n.name_key <> ''"),
    ]
    for i in range(len(SEGMENTS)):
        for j in range(i + 1, len(SEGMENTS)):
            out.append((Basis.NEAR_NUMBER,
                        f"n.name = o.name AND {_segment('n', i)} = {_segment('o', i)} "
                        f"AND {_segment('n', j)} = {_segment('o', j)}", f"({_hamming()}) <= 2"))
    return out


def _candidate_selects(restrict: str) -> list[tuple[str, str]]:
    """(basis, SELECT a, b) for each blocking key; ``restrict`` narrows n (and orders the pair)."""
    people = connection.ops.quote_name(Person._meta.db_table)
    selects = []
    for basis, on, extra in _joins():
        where = " AND ".join(w for w in ("n.holds_claim = %s", "o.holds_claim = %s", "n.id_number <> o.id_number",
                                         extra, restrict) if w)
        selects.append((str(basis), f"SELECT n.id AS a, o.id AS b FROM {people} n JOIN {people} o ON {on} WHERE {where}"))
    return selects


def candidates_for(application_ids: Sequence[int]) -> dict[tuple[int, int], str]:
    """{(lower id, higher id): basis} of the probable duplicates of these applications' people."""
    ids = [int(i) for i in application_ids]
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    found: dict[tuple[int, int], str] = {}
    with connection.cursor() as cur:
        for basis, select in _candidate_selects(f"n.application_id IN ({marks}) AND n.id <> o.id"):
            cur.execute(select, [True, True, *ids])
            for a, b in cur.fetchall():
                key = (min(a, b), max(a, b))
                found[key] = min(found.get(key, basis), basis)
    return found


def _pairs_create(found: dict[tuple[int, int], str], now: datetime.datetime) -> None:
    if not found:
        return
    people = {p.pk: p for p in Person.objects.filter(pk__in={i for pair in found for i in pair}).only(
        "county_id", "station_id")}
    DuplicatePair.objects.bulk_create([
        DuplicatePair(person_a_id=a, person_b_id=b, basis=basis, county_a_id=people[a].county_id,
                      county_b_id=people[b].county_id, station_a_id=people[a].station_id,
                      station_b_id=people[b].station_id, found_at=now)
        for (a, b), basis in found.items()
    ], ignore_conflicts=True)
    DuplicatePair.objects.filter(state=DuplicatePair.State.OPEN, resolved_at__isnull=False).filter(
        _pair_in(found)).update(resolved_at=None)


def _pair_in(pairs: Iterable[tuple[int, int]]) -> Q:
    condition = Q(pk__in=[])
    for a, b in pairs:
        condition |= Q(person_a_id=a, person_b_id=b)
    return condition


def duplicates_refresh(*, application_ids: Sequence[int]) -> list[DuplicatePair]:
    """The probable duplicates of these applications' people, found now: new pairs recorded, open
    pairs of these people that no longer match resolved. Returns their open pairs."""
    now = timezone.now()
    found = candidates_for(application_ids)
    _pairs_create(found, now)
    people = Person.objects.filter(application_id__in=application_ids).values("pk")
    mine = DuplicatePair.objects.filter(Q(person_a__in=people) | Q(person_b__in=people),
                                        state=DuplicatePair.State.OPEN)
    mine.filter(resolved_at__isnull=True).exclude(_pair_in(found)).update(resolved_at=now)
    return list(mine.filter(resolved_at__isnull=True).select_related(
        "person_a", "person_b", "station_a", "station_b").order_by("pk"))


def duplicate_notice(pair: DuplicatePair, application: TransferApplication) -> str:
    """"可能与 XXX 为同一人" for the clerk: the other record's name, masked number and station."""
    mine_a = pair.person_a.application_id == application.pk
    me, other = (pair.person_a, pair.person_b) if mine_a else (pair.person_b, pair.person_a)
    station = pair.station_b if mine_a else pair.station_a
    return _("%(me)s 可能与 %(other)s（%(number)s，%(station)s）为同一人（%(basis)s），已转县区办公室认定。") % {
        "me": me.name, "other": other.name, "number": mask(other.id_number), "station": station.name,
        "basis": pair.get_basis_display(),
    }


def name_keys_fill() -> int:
    """Fill ``Person.name_key`` of rows written in bulk (imports, the demo year), by distinct name:
    one pinyin conversion a name, then one UPDATE joining a table of (name, key) on PostgreSQL (a
    batch of names at a time elsewhere). Returns the names keyed."""
    people = connection.ops.quote_name(Person._meta.db_table)
    names = list(Person.objects.filter(name_key="").values_list("name", flat=True).distinct().order_by())
    keys = [(n, k) for n, k in ((n, name_key(n)) for n in names) if k]
    if not keys:
        return 0
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("CREATE TEMPORARY TABLE IF NOT EXISTS quality_name_keys (name varchar(40) PRIMARY KEY, "
                        "name_key varchar(80))")
            cur.execute("TRUNCATE quality_name_keys")
            with cur.cursor.copy("COPY quality_name_keys (name, name_key) FROM STDIN") as copy:
                for row in keys:
                    copy.write_row(row)
            cur.execute(f"UPDATE {people} p SET name_key = k.name_key FROM quality_name_keys k "
                        f"WHERE p.name = k.name AND p.name_key = ''")
            cur.execute("DROP TABLE IF EXISTS quality_name_keys")
            return len(keys)
        for i in range(0, len(keys), 400):
            batch = keys[i:i + 400]
            cases = " ".join("WHEN %s THEN %s" for _ in batch)
            marks = ", ".join(["%s"] * len(batch))
            cur.execute(f"UPDATE {people} SET name_key = CASE name {cases} END WHERE name_key = '' AND name IN ({marks})",
                        [v for pair in batch for v in pair] + [n for n, _k in batch])
    return len(keys)


@dataclass
class ScanResult:
    candidates: int  # pairs found (any basis, counted once)
    new: int  # pairs recorded for the first time
    open: int  # pairs waiting for a decision after the scan
    resolved: int  # open pairs that no longer match
    seconds: float
    by_basis: dict[str, int]


def duplicates_scan() -> ScanResult:
    """The nightly scan over everyone holding a claim: self-joins on the blocking keys into the
    working table, then new pairs recorded, lapsed ones resolved and matching ones reopened, each
    one statement. A pair once decided (same person, different people) is never recorded again."""
    started = time.monotonic()
    name_keys_fill()
    now = timezone.now()
    qn = connection.ops.quote_name
    cand, pairs, people = (qn(m._meta.db_table) for m in (ScanCandidate, DuplicatePair, Person))
    by_basis: dict[str, int] = {}
    with transaction.atomic():
        ScanCandidate.objects.all().delete()
        with connection.cursor() as cur:
            for basis, select in _candidate_selects("n.id < o.id"):
                cur.execute(f"INSERT INTO {cand} (a, b, basis) SELECT q.a, q.b, %s FROM ({select}) q",
                            [basis, True, True])
                by_basis[basis] = by_basis.get(basis, 0) + max(cur.rowcount, 0)
            before = DuplicatePair.objects.count()
            cur.execute(
                f"INSERT INTO {pairs} (person_a_id, person_b_id, basis, county_a_id, county_b_id, station_a_id, "
                f"station_b_id, state, found_at, note) "
                f"SELECT c.a, c.b, MIN(c.basis), pa.county_id, pb.county_id, pa.station_id, pb.station_id, %s, %s, '' "
                f"FROM {cand} c JOIN {people} pa ON pa.id = c.a JOIN {people} pb ON pb.id = c.b "
                f"WHERE NOT EXISTS (SELECT 1 FROM {pairs} d WHERE d.person_a_id = c.a AND d.person_b_id = c.b) "
                f"GROUP BY c.a, c.b, pa.county_id, pb.county_id, pa.station_id, pb.station_id",
                [DuplicatePair.State.OPEN.value, connection.ops.adapt_datetimefield_value(now)],
            )
            new = DuplicatePair.objects.count() - before
        found = ScanCandidate.objects.filter(a=OuterRef("person_a_id"), b=OuterRef("person_b_id"))
        waiting = DuplicatePair.objects.filter(state=DuplicatePair.State.OPEN)
        waiting.filter(resolved_at__isnull=False).filter(Exists(found)).update(resolved_at=None)
        resolved = waiting.filter(resolved_at__isnull=True).exclude(Exists(found)).update(resolved_at=now)
        candidates = ScanCandidate.objects.values("a", "b").distinct().count()
        still = waiting.filter(resolved_at__isnull=True).count()
    seconds = time.monotonic() - started
    log.info("duplicate scan: %s candidate pairs, %s new, %s open, %s resolved in %.1f s",
             candidates, new, still, resolved, seconds)
    return ScanResult(candidates=candidates, new=new, open=still, resolved=resolved, seconds=seconds,
                      by_basis=by_basis)


def quality_scan() -> dict[str, Any]:
    """The nightly scan: every rule over everyone, then the probable duplicates."""
    started = time.monotonic()
    with transaction.atomic():
        counts = findings_sync()
    rules_s = time.monotonic() - started
    result = duplicates_scan()
    return {"findings": counts, "rules_seconds": rules_s, "duplicates": result}


class OtherRecordOutOfScope(ValidationError):
    pass


@transaction.atomic
def duplicate_decide(*, pair: DuplicatePair | int, actor: Any, same: bool, keep: Person | int | None = None,
                     note: str = "") -> DuplicatePair:
    """The county office's decision. Same person: ``keep`` (one of the two) stands and the other's
    application is withdrawn (``households.services.application_withdraw_duplicate``; the counts
    and the entitlement records follow). Different people: the pair is never shown again."""
    require(actor, DUPLICATE_DECIDE)
    pk = pair.pk if isinstance(pair, DuplicatePair) else pair
    row = DuplicatePair.objects.for_user(actor, DUPLICATE_DECIDE).get(pk=pk)
    keep_id = keep.pk if isinstance(keep, Person) else keep
    if same and keep_id not in (row.person_a_id, row.person_b_id):
        raise ValidationError({"keep": [_("请选择保留哪一条记录。")]})
    if row.resolved_at is not None:
        raise TransitionNotAllowed(_("该疑似重复已不再成立（记录已改正或已撤回）。"))

    def apply(locked: DuplicatePair, move: Any) -> list[str]:
        locked.decided_by, locked.decided_at, locked.note = actor, timezone.now(), (note or "").strip()
        fields = ["decided_by", "decided_at", "note"]
        if same:
            locked.kept_id = keep_id
            fields.append("kept")
        return fields

    row = transition(workflow=DuplicatePair.WORKFLOW, move="same" if same else "distinct", obj=row,
                     queryset=DuplicatePair.objects, actor=actor, note=note, apply=apply)
    if same:
        other = row.person_b if keep_id == row.person_a_id else row.person_a
        kept = Person.objects.select_related("application").get(pk=row.kept_id)
        reason = _("与 %(name)s（%(number)s，申请 %(app)s）为同一人：%(note)s") % {
            "name": kept.name, "number": mask(kept.id_number), "app": kept.application.number, "note": row.note}
        try:
            household_services.application_withdraw_duplicate(application=other.application_id, actor=actor,
                                                              note=reason)
        except TransferApplication.DoesNotExist:
            raise OtherRecordOutOfScope(
                _("要撤回的记录不在本县区，请由其所在县区办公室认定。")) from None
    return row
