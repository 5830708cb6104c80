"""Writing a validated file: households, applications, people, events and history, in bulk.

One path on every database, through ``nongzhuancheng.bulk``: the ids of new households and of the
applications are reserved first, so that applications point at households and people at both
without reading anything back, and the rows go in with COPY on PostgreSQL and executemany
elsewhere. Events (受理, and 办结 for completed applications) and simple-history '+' rows are made
by the database from the rows just written (INSERT … SELECT).
"""

from __future__ import annotations

import contextlib
import datetime
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from nongzhuancheng import bulk
from nongzhuancheng.history import history_model

from .. import rollup
from ..models import ApplicationEvent, Household, Person, TransferApplication
from ..numbers import application_number
from ..reference import REQUIRED_DOCUMENTS
from ..workdays import add_working_days
from .limits import history_enabled
from .validation import Group, Progress

Status = TransferApplication.Status

_HOUSEHOLD_FIELDS = ["id", "county_id", "station_id", "number", "kind", "head_name", "township", "village",
                     "address", "annual_income", "income_source", "created_at", "updated_at"]
_APP_FIELDS = ["id", "number", "household_id", "county_id", "station_id", "status", "received_on", "due_on",
               "completed_on", "documents", "note", "created_by_id", "created_at", "updated_at"]
_PERSON_FIELDS = ["application_id", "household_id", "name", "id_number", "sex", "birth_date", "ethnicity",
                  "education", "marital_status", "relation", "phone", "occupation", "employment", "category",
                  "destination_address", "holds_claim", "county_id", "station_id", "completed_on"]
PROGRESS_EVERY = 20000  # people written between two progress reports


@contextlib.contextmanager
def timed(timings: dict[str, float], key: str) -> Iterator[None]:
    """Adds the seconds the block takes to ``timings[key]``."""
    import time

    start = time.perf_counter()
    try:
        yield
    finally:
        timings[key] = timings.get(key, 0.0) + time.perf_counter() - start


def import_write(*, actor: Any, groups: list[Group], note: str, progress: Progress | None = None,
                 timings: dict[str, float] | None = None, completed_ids: list[int] | None = None) -> int:
    """Write the households, applications, people, events and history of ``groups`` in the current
    transaction. Returns the number of people written. ``timings`` gets the seconds of each step;
    ``completed_ids``, a list, gets the ids of the completed applications written."""
    timings = {} if timings is None else timings
    now = timezone.now()
    with timed(timings, "write_rows"):
        new_household_ids = _write_households(groups, now=now)
        app_ids = _write_applications(groups, actor=actor, note=note, now=now)
        _write_people(groups, app_ids, progress=progress)
    if completed_ids is not None:
        completed_ids += [pk for g, pk in zip(groups, app_ids, strict=True) if g.status == Status.COMPLETED]
    with timed(timings, "write_events"):
        _events(actor=actor, app_ids=app_ids, now=now, note=note)
    if history_enabled():
        reason = _("表格导入")
        with timed(timings, "write_history"):
            _history(Household, new_household_ids, now=now, actor=actor, reason=reason)
            _history(TransferApplication, app_ids, now=now, actor=actor, reason=reason)
            _history(Person, app_ids, now=now, actor=actor, reason=reason, key="application_id")
    return sum(len(g.people) for g in groups)


def _write_households(groups: list[Group], *, now: datetime.datetime) -> list[int]:
    """The households the file names for the first time; their ids go on the groups. Returns them."""
    new = [g for g in groups if g.household["id"] is None]
    ids = bulk.reserve_id_range(Household._meta.db_table, len(new))
    for g, pk in zip(new, ids, strict=True):
        g.household["id"] = pk
    bulk.insert_rows(Household, _HOUSEHOLD_FIELDS, (
        (g.household["id"], g.station.county_id, g.station.pk, g.number, g.household["kind"],
         g.household["head_name"], g.household["township"], g.household["village"], g.household["address"],
         g.household["annual_income"], g.household["income_source"], now, now)
        for g in new
    ))
    return ids


def _write_applications(groups: list[Group], *, actor: Any, note: str, now: datetime.datetime) -> list[int]:
    """One application a household of the file, numbered as every application is. Returns their ids."""
    due: dict[datetime.date, datetime.date] = {}
    for g in groups:
        assert g.received_on is not None  # a required column: a row without it is never written
        if g.received_on not in due:
            due[g.received_on] = add_working_days(g.received_on, settings.NZC_TIME_LIMIT_WORKING_DAYS)
    app_ids = bulk.reserve_id_range(TransferApplication._meta.db_table, len(groups))
    rows = []
    for g, pk in zip(groups, app_ids, strict=True):
        completed = g.status == Status.COMPLETED
        assert g.received_on is not None
        rows.append((
            pk, application_number(county_code=g.station.county.code, received_on=g.received_on, serial=pk),
            g.household["id"], g.station.county_id, g.station.pk, g.status, g.received_on, due[g.received_on],
            g.completed_on if completed else None, list(REQUIRED_DOCUMENTS) if completed else [], note,
            actor.pk, now, now,
        ))
    bulk.insert_rows(TransferApplication, _APP_FIELDS, rows)
    return app_ids


def _write_people(groups: list[Group], app_ids: Sequence[int], *, progress: Progress | None) -> int:
    """The people of every application (their ids come from the table). Returns how many."""
    written = 0
    counted: Counter[rollup.Key] = Counter()  # the completed people, for the summary tables

    def people() -> Iterator[tuple]:
        nonlocal written
        for g, app_id in zip(groups, app_ids, strict=True):
            completed_on = g.completed_on if g.status == Status.COMPLETED else None
            hh, county_id, station_id = g.household["id"], g.station.county_id, g.station.pk
            for p in g.people:
                if completed_on is not None:
                    counted[(completed_on, county_id, station_id, p["category"], p["sex"],
                             rollup.age_band(p["birth_date"], completed_on))] += 1
                yield (app_id, hh, p["name"], p["id_number"], p["sex"], p["birth_date"], p["ethnicity"],
                       p["education"], p["marital_status"], p["relation"], p["phone"], p["occupation"],
                       p["employment"], p["category"], p["destination_address"], True, county_id, station_id, completed_on)
                written += 1
                if progress and written % PROGRESS_EVERY == 0:
                    progress(rows_written=written)

    n = bulk.insert_rows(Person, _PERSON_FIELDS, people())
    rollup.rollup_apply(counted)
    return n


def _in_chunks(ids: Sequence[int]) -> Iterator[tuple[str, list[Any]]]:
    if connection.vendor == "postgresql":
        # a join with the unnested array: "= ANY(array)" compares every row with every element
        yield "IN (SELECT unnest(%s::bigint[]))", [list(ids)]
        return
    for i in range(0, len(ids), 500):
        chunk = list(ids[i:i + 500])
        yield f"IN ({', '.join(['%s'] * len(chunk))})", chunk


def _events(*, actor: Any, app_ids: Sequence[int], now: datetime.datetime, note: str) -> None:
    """受理 for every imported application, then 办结 for the completed ones, made by the database."""
    if not app_ids:
        return
    qn = connection.ops.quote_name
    event = qn(ApplicationEvent._meta.db_table)
    app = qn(TransferApplication._meta.db_table)
    cols = "application_id, actor_id, at, from_status, to_status, note"
    with connection.cursor() as cursor:
        for where, params in _in_chunks(app_ids):
            cursor.execute(
                f"INSERT INTO {event} ({cols}) SELECT id, %s, %s, '', %s, %s FROM {app} WHERE id {where}",
                [actor.pk, now, Status.RECEIVED.value, note, *params],
            )
            cursor.execute(
                f"INSERT INTO {event} ({cols}) SELECT id, %s, %s, %s, %s, %s FROM {app} "
                f"WHERE status = %s AND id {where}",
                [actor.pk, now, Status.RECEIVED.value, Status.COMPLETED.value, note, Status.COMPLETED.value, *params],
            )


def _history(model: type[models.Model], ids: Sequence[int], *, now: datetime.datetime, actor: Any, reason: str,
             key: str = "id") -> None:
    """simple_history's '+' rows for rows just written, copied by the database."""
    if not ids:
        return
    qn = connection.ops.quote_name
    hist = history_model(model)
    hist_cols = {f.column for f in hist._meta.concrete_fields}
    cols = [f.column for f in model._meta.concrete_fields if f.column is not None and f.column in hist_cols]
    target = ", ".join(qn(c) for c in cols + ["history_date", "history_change_reason", "history_type",
                                                  "history_user_id"])
    source = ", ".join(qn(c) for c in cols)
    with connection.cursor() as cursor:
        for where, params in _in_chunks(ids):
            cursor.execute(
                f"INSERT INTO {qn(hist._meta.db_table)} ({target}) SELECT {source}, %s, %s, '+', %s "
                f"FROM {qn(model._meta.db_table)} WHERE {qn(key)} {where}",
                [now, reason[:100], actor.pk, *params],
            )
