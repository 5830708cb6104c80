"""Validation of a whole file: every row, the households they form, and the claims already held.

Each row is read into a person and its household's register data and application (``Validator.
check``, one small step a kind of rule), checked with the member rules every entry path shares
(``households.validation.member_check``), then a batch of rows at a time is checked against the
claims already in the database (one query). The first good row of a household defines it; the
others must agree on its application's status and dates.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nongzhuancheng.models import County, PoliceStation
from nongzhuancheng.roles import CLERK, COUNTY_OFFICER
from nongzhuancheng.scoping import assignment_of, role_of

from ..models import Household, Person, TransferApplication
from ..reference import Ethnicity, HouseholdKind
from ..validation import duplicate_message, member_check
from . import cells
from .limits import BATCH, KEPT_ERRORS, ImportRefused, rows_check

Status = TransferApplication.Status
Errors = dict[str, Any]  # {column key: message}

_PERSON_TABLE = Person._meta.db_table
_HOUSEHOLD_TABLE = Household._meta.db_table
_TEXT_KEYS = ("county", "station", "household_number", "head_name", "township", "village", "address",
              "name", "phone", "occupation", "destination_address", "status", "sex")
_GROUP_KEYS = ("county", "station", "household_number", "household_kind", "head_name", "township",
               "village", "address", "annual_income", "income_source", "status", "received_on", "completed_on")
_PERSON_KEYS = ("name", "ethnicity", "education", "marital_status", "relation", "phone", "occupation",
                "employment", "category", "destination_address")


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Result:
    rows_read: int = 0
    rows_error: int = 0
    rows_skipped: int = 0
    rows_written: int = 0
    households_new: int = 0
    people_new: int = 0
    applications_new: int = 0
    errors: list = field(default_factory=list)  # RowError
    bad_rows: list = field(default_factory=list)  # (row number, raw values, [messages])
    first_rows: list = field(default_factory=list)  # the first PREVIEW_ROWS rows: (row number, raw values, [messages])
    headers: list = field(default_factory=list)
    timings: dict = field(default_factory=lambda: {"read": 0.0, "validate": 0.0, "write": 0.0})
    written: bool = False
    refused: bool = False
    message: str = ""
    groups: list = field(default_factory=list, repr=False)  # the validated households (Group), in memory only


class Group:
    """One household of the file: where it is, its register data and its application."""

    __slots__ = ("key", "row", "station", "number", "household", "status", "received_on", "completed_on", "people")

    def __init__(self, key: tuple[int, str], row: int, station: PoliceStation, number: str,
                 household: dict[str, Any], status: str | None, received_on: datetime.date | None,
                 completed_on: datetime.date | None) -> None:
        self.key, self.row, self.station, self.number = key, row, station, number
        self.household, self.status = household, status
        self.received_on, self.completed_on = received_on, completed_on
        self.people: list[dict[str, Any]] = []


def row_check(data: dict[str, Any], *, today: datetime.date) -> tuple[dict[str, Any], Errors]:
    """The member rules of ``households.validation`` for a row already mapped to Person fields.
    Returns (cleaned data, {field: message}). Claims are checked by the caller in bulk."""
    _rid, errors = member_check(data, today=today)
    return data, {key: messages[0] for key, messages in errors.items()}


class Validator:
    """Reads and checks the rows of one file, remembering what earlier rows said."""

    def __init__(self, *, actor: Any, headers: list[Any], today: datetime.date) -> None:
        self.actor = actor
        self.today = today
        self.role = role_of(actor)  # the place rule below: a clerk's station, a county officer's county
        self.assignment = assignment_of(actor)
        cols = cells.columns()
        self.header_of = {c.key: str(c.header) for c in cols}
        index: dict[str, int] = {}
        for i, raw in enumerate(headers):
            index.setdefault(cells.normalise_header(raw), i)
        missing = [str(c.header) for c in cols if c.required and cells.normalise_header(c.header) not in index]
        if missing:
            raise ImportRefused(
                _("表头缺少必填列：%(cols)s。请使用下载的模板。") % {"cols": "、".join(missing)}
            )
        self.positions = [(c.key, index.get(cells.normalise_header(c.header))) for c in cols]
        self.required = [c.key for c in cols if c.required]
        self.choices = {key: cells.choice_map(cls) for key, cls in cells.CHOICE_CLASSES.items()}
        self.statuses = {
            str(Status.RECEIVED.label): Status.RECEIVED, Status.RECEIVED.value: Status.RECEIVED,
            str(Status.COMPLETED.label): Status.COMPLETED, Status.COMPLETED.value: Status.COMPLETED,
        }
        self.counties: dict[str, County] = {}
        for county in County.objects.all():
            for code in [county.code, county.name, *county.all_codes]:
                self.counties[code] = county
        self.stations = {s.code: s for s in PoliceStation.objects.select_related("county")}
        self.seen: dict[str, int] = {}  # id number -> row number
        self.groups: dict[tuple[int, str], Group] = {}  # (station id, household number) -> Group

    def map_row(self, raw: list[Any]) -> tuple[dict[str, Any], Errors]:
        """Raw cells -> (values by key, {key: message})."""
        values, errors = {}, {}
        width = len(raw)
        for key, pos in self.positions:
            values[key] = raw[pos] if pos is not None and pos < width else None
        for key in self.required:
            v = values[key]
            if v is None or (isinstance(v, str) and not v.strip()):
                errors[key] = _("此项为必填，不能为空。")
        return values, errors

    def check(self, number: int, raw: list[Any]) -> tuple[Group | None, dict[str, Any], Errors]:
        """Validate one row. Returns (group, person dict, {key: message})."""
        values, errors = self.map_row(raw)
        out = self.texts(values, errors)
        self.codes(values, out, errors)
        self.income(values, out, errors)
        county, station = self.place(out, errors)
        self.scope(county, station, errors)
        status = self.status(out, errors)
        dates = self.dates(values, status, errors)
        person = self.person(values, out, dates, errors)
        self.once(number, person, errors)
        group = self.group(number, out, station, status, dates, errors)
        return group, person, errors

    def texts(self, values: dict[str, Any], errors: Errors) -> dict[str, Any]:
        """The text columns, within their fields' lengths; an ID number that lost its last digits."""
        if cells.number_lost_digits(values["id_number"]):
            # first: a number typed into a numeric cell has lost its last digits
            errors["id_number"] = _("身份号码被存成了数字，后几位已丢失。请把该列设为文本格式后重新填写。")
        out = {key: cells.text(values[key]) for key in _TEXT_KEYS}
        for key, limit in cells.LENGTHS.items():
            if limit is not None and len(out[key]) > limit:
                errors.setdefault(key, _("不能超过 %(n)d 个字符。") % {"n": limit})
        return out

    def codes(self, values: dict[str, Any], out: dict[str, Any], errors: Errors) -> None:
        """The coded columns (household kind, ethnicity, ...) as codes; a blank ethnicity is 汉族."""
        for key, mapping in self.choices.items():
            typed = cells.text(values[key])
            if key == "ethnicity" and typed.isdigit() and len(typed) == 1:
                typed = "0" + typed
            if not typed:
                out[key] = Ethnicity.HAN.value if key == "ethnicity" else ""
                continue
            value = mapping.get(typed)
            if value is None:
                errors.setdefault(key, (
                    _("转户类别“%(v)s”不是十一类之一。") % {"v": typed} if key == "category"
                    else _("“%(v)s”不是允许的值，见模板的“填写说明”。") % {"v": typed}
                ))
                out[key] = ""
            else:
                out[key] = value

    def income(self, values: dict[str, Any], out: dict[str, Any], errors: Errors) -> None:
        """The household's annual income: blank, or yuan from 0 with at most two decimals."""
        try:
            out["annual_income"] = cells.amount(values["annual_income"])
        except ValueError:
            errors.setdefault("annual_income", _("家庭年收入“%(v)s”不是有效金额（元，不小于0，最多两位小数）。") % {
                "v": cells.text(values["annual_income"])})
            out["annual_income"] = None

    def place(self, out: dict[str, Any], errors: Errors) -> tuple[County | None, PoliceStation | None]:
        """The county and the station named, and that the station is in the county."""
        county = self.counties.get(out["county"]) if out["county"] else None
        station = self.stations.get(out["station"]) if out["station"] else None
        if out["county"] and county is None:
            errors["county"] = _("未知的县区“%(v)s”。") % {"v": out["county"]}
        if out["station"] and station is None:
            errors["station"] = _("未知的派出所编号“%(v)s”。") % {"v": out["station"]}
        elif station is not None and county is not None and station.county_id != county.pk:
            errors["station"] = _("派出所编号 %(s)s（%(n)s）不属于%(c)s。") % {
                "s": station.code, "n": station, "c": county.name}
        return county, station

    def scope(self, county: County | None, station: PoliceStation | None, errors: Errors) -> None:
        """A county officer imports rows of their county, a clerk rows of their station."""
        if self.assignment is None:  # only roles with a place are held to one
            return
        if county is not None and "county" not in errors and self.role == COUNTY_OFFICER \
                and county.pk != self.assignment.county_id:
            errors["county"] = _("只能导入本县区（%(c)s）的数据，这一行是%(r)s。") % {
                "c": self.assignment.county, "r": county.name}
        if station is not None and "station" not in errors and self.role == CLERK \
                and station.pk != self.assignment.station_id:
            errors["station"] = _("只能导入本派出所（%(s)s）的数据。") % {"s": self.assignment.station}

    def status(self, out: dict[str, Any], errors: Errors) -> str | None:
        status = self.statuses.get(out["status"]) if out["status"] else None
        if out["status"] and status is None:
            errors["status"] = _("办理状态只能是“受理”或“办结”。")
        return status

    def dates(self, values: dict[str, Any], status: str | None,
              errors: Errors) -> dict[str, datetime.date | None]:
        """Received, completed and birth dates: readable, not after today; completion agrees with the status."""
        dates: dict[str, datetime.date | None] = {}
        for key in ("received_on", "completed_on", "birth_date"):
            try:
                dates[key] = cells.date(values[key])
            except ValueError:
                errors.setdefault(key, _("无法识别的日期“%(v)s”，请写成 YYYY-MM-DD。") % {"v": cells.text(values[key])})
                dates[key] = None
                continue
            day = dates[key]
            if day is not None and day > self.today:
                errors.setdefault(key, _("日期 %(d)s 晚于今天。") % {"d": day.isoformat()})
        received_on, completed_on = dates["received_on"], dates["completed_on"]
        if status == Status.COMPLETED and completed_on is None and "completed_on" not in errors:
            errors["completed_on"] = _("办理状态为“办结”时必须填写办结日期。")
        if status == Status.RECEIVED and completed_on is not None:
            errors.setdefault("completed_on", _("办理状态为“受理”时不应填写办结日期。"))
        if received_on and completed_on and completed_on < received_on:
            errors.setdefault("completed_on", _("办结日期早于受理日期。"))
        return dates

    def person(self, values: dict[str, Any], out: dict[str, Any], dates: dict[str, datetime.date | None],
               errors: Errors) -> dict[str, Any]:
        """The person's fields, checked with the member rules every entry path shares."""
        person = {key: out[key] for key in _PERSON_KEYS}
        person["id_number"] = cells.text(values["id_number"])
        person["sex"] = cells.SEXES.get(out["sex"], out["sex"])
        person["birth_date"] = dates["birth_date"]
        if out["sex"] and person["sex"] not in ("M", "F"):
            errors.setdefault("sex", _("性别只能填“男”或“女”。"))
            person["sex"] = ""
        if "birth_date" in errors:
            person["birth_date"] = None
        if "id_number" not in errors:
            person, person_errors = row_check(person, today=self.today)
            for key, message in person_errors.items():
                if key == "category" and "category" in errors:
                    continue
                errors.setdefault(key, message)
        return person

    def once(self, number: int, person: dict[str, Any], errors: Errors) -> None:
        """The same person twice in the file."""
        if "id_number" in errors:
            return
        earlier = self.seen.get(person["id_number"])
        if earlier is not None:
            errors["id_number"] = _("与第 %(n)d 行是同一人（身份号码重复）。") % {"n": earlier}
        else:
            self.seen[person["id_number"]] = number

    def group(self, number: int, out: dict[str, Any], station: PoliceStation | None, status: str | None,
              dates: dict[str, datetime.date | None], errors: Errors) -> Group | None:
        """The household and its application: the first good row of a household defines them."""
        if station is None or any(k in errors for k in _GROUP_KEYS):
            return None
        received_on, completed_on = dates["received_on"], dates["completed_on"]
        key = (station.pk, out["household_number"])
        group = self.groups.get(key)
        if group is None:
            household = {k: out[k] for k in ("head_name", "township", "village", "address", "annual_income",
                                              "income_source")}
            household["kind"] = out["household_kind"] or HouseholdKind.AGRICULTURAL
            group = Group(key, number, station, out["household_number"], household, status, received_on, completed_on)
            self.groups[key] = group
        elif (group.status, group.received_on, group.completed_on) != (status, received_on, completed_on):
            errors["status"] = _("同一户（户号 %(h)s）的办理状态和日期应与第 %(n)d 行相同。") % {
                "h": out["household_number"], "n": group.row}
        return group

    def claims(self, batch: list[tuple]) -> dict[str, tuple]:
        """Claims already held on the batch's ID numbers, in one query: {id number: (person pk,
        station id, household number, name)}."""
        wanted = [person["id_number"] for _n, _raw, _g, person, errors in batch if not errors]
        if not wanted:
            return {}
        if connection.vendor == "postgresql":  # one array parameter instead of 5,000 placeholders
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT p.id_number, p.id, p.station_id, h.number, p.name FROM {_PERSON_TABLE} p "
                    f"JOIN {_HOUSEHOLD_TABLE} h ON h.id = p.household_id "
                    "WHERE p.holds_claim AND p.id_number = ANY(%s)",
                    [wanted],
                )
                rows = cursor.fetchall()
        else:
            rows = Person.objects.filter(id_number__in=wanted, holds_claim=True).values_list(
                "id_number", "pk", "station_id", "household__number", "name"
            )
        return {r[0]: r[1:] for r in rows}


Progress = Callable[..., None]


def import_validate(*, actor: Any, headers: list[Any], rows: Iterable[list[Any]], progress: Progress | None = None,
                    result: Result | None = None) -> tuple[Result, list[Group]]:
    """Validate every row; returns (Result, the households of the file with their good people)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _validate(actor=actor, headers=headers, rows=rows, progress=progress, result=result)


def _read_batch(rows: Iterable[list[Any]], number: int) -> tuple[list[tuple[int, list[Any]]], int]:
    """The next BATCH rows that are not blank, with their row numbers; and the last row number read."""
    raw_batch = []
    for raw in rows:
        number += 1
        if cells.blank(raw):
            continue
        raw_batch.append((number, raw))
        if len(raw_batch) >= BATCH:
            break
    return raw_batch, number


def _validate(*, actor: Any, headers: list[Any], rows: Iterable[list[Any]], progress: Progress | None,
              result: Result | None) -> tuple[Result, list[Group]]:
    result = result or Result()
    v = Validator(actor=actor, headers=headers, today=timezone.localdate())
    result.headers = [cells.text(h) for h in headers]
    number = 1  # the header is row 1 of the sheet
    rows = iter(rows)
    while True:
        t0 = time.perf_counter()
        raw_batch, number = _read_batch(rows, number)
        t1 = time.perf_counter()
        result.timings["read"] += t1 - t0
        if not raw_batch:
            break
        result.rows_read += len(raw_batch)
        rows_check(result.rows_read)
        batch = [(n, raw, *v.check(n, raw)) for n, raw in raw_batch]
        skipped = _claims_check(v, batch, result)
        _collect(batch, skipped, result, v.header_of)
        result.timings["validate"] += time.perf_counter() - t1
        if progress:
            progress(rows_read=result.rows_read, rows_error=result.rows_error, rows_skipped=result.rows_skipped)
    groups = [g for g in v.groups.values() if g.people]
    result.people_new = sum(len(g.people) for g in groups)
    result.applications_new = len(groups)
    t0 = time.perf_counter()
    existing = _existing_households(groups)
    for g in groups:
        g.household["id"] = existing.get(g.key)
    result.households_new = sum(1 for g in groups if g.household["id"] is None)
    result.timings["validate"] += time.perf_counter() - t0
    return result, groups


def _claims_check(v: Validator, batch: list[tuple], result: Result) -> set[int]:
    """Rows whose ID number is claimed already: the same person of the same household at the same
    station is skipped (imported before; their row numbers are returned), anyone else refused."""
    found = v.claims(batch)
    claimed: dict[int, list[Errors]] = {}  # person pk -> rows whose ID number that person already holds
    skipped = set()
    for n, _raw, group, person, errors in batch:
        if errors:
            continue
        existing = found.get(person["id_number"])
        if existing is None:
            continue
        pk, station_id, household_number, name = existing
        if (group is not None and station_id == group.station.pk and household_number == group.number
                and name == person["name"]):
            result.rows_skipped += 1
            skipped.add(n)
            continue
        claimed.setdefault(pk, []).append(errors)
        errors["id_number"] = None  # filled in below with where and when
    if claimed:
        for holder in Person.objects.filter(pk__in=list(claimed)).select_related(
            "application", "station", "station__county"
        ):
            for errors in claimed[holder.pk]:
                errors["id_number"] = duplicate_message(holder)
    return skipped


PREVIEW_ROWS = 20  # the first rows of the file the preview shows as read


def _collect(batch: list[tuple], skipped: set[int], result: Result, header_of: dict[str, str]) -> None:
    """Good rows join their household; bad ones are counted and kept for the page and the error file.
    The first PREVIEW_ROWS rows are kept as read too, for the preview."""
    for n, raw, group, person, errors in batch:
        messages = []
        if errors:
            for key, message in errors.items():
                if len(result.errors) < KEPT_ERRORS:
                    result.errors.append(RowError(n, header_of[key], str(message)))
                messages.append(f"{header_of[key]}：{message}")
            result.rows_error += 1
            result.bad_rows.append((n, [cells.text(c) for c in raw], messages))
        elif n not in skipped:
            group.people.append(person)
        if len(result.first_rows) < PREVIEW_ROWS:
            result.first_rows.append((n, [cells.text(c) for c in raw], messages, n in skipped))


def _existing_households(groups: list[Group]) -> dict[tuple[int, str], int]:
    numbers = sorted({g.number for g in groups})
    stations = sorted({g.station.pk for g in groups})
    found = {}
    for i in range(0, len(numbers), BATCH):
        for pk, station_id, number in Household.objects.filter(
            station_id__in=stations, number__in=numbers[i:i + BATCH]
        ).values_list("pk", "station_id", "number"):
            found[(station_id, number)] = pk
    return found
