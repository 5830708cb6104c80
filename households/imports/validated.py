"""What a preview validated, kept for its confirm: the import writes it without validating again.

The check of a job (the preview) stores its households and their good people (``dump``: gzipped
JSON, no code) beside the upload; the confirm loads them (``load``) and writes them, re-checking
only what can have changed since — the claims on the ID numbers (``claims_since``, run inside the
writing transaction; the partial unique index ``one_claim_per_id_number`` catches a claim made
after that) and the households created since (``households_since``).
"""

from __future__ import annotations

import datetime
import gzip
import io
import json

from django.db import connection
from django.db.models.expressions import RawSQL

from nongzhuancheng.models import PoliceStation

from ..models import Person
from .validation import Group, Result, RowError, _existing_households

FORMAT = 1
_COUNTERS = ("rows_read", "rows_error", "rows_skipped")


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def dump(groups: list[Group], result: Result) -> bytes:
    """The validated households of a preview and its counters, as bytes to store: written to the gzip
    stream one household at a time (no second copy of every household, no whole JSON text in memory)."""
    out = io.BytesIO()
    head = {"format": FORMAT, "counters": {k: getattr(result, k) for k in _COUNTERS},
            "errors": [e.as_dict() for e in result.errors]}
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=1) as stream:
        stream.write(_json(head)[:-1] + b',"groups":[')
        for i, g in enumerate(groups):
            stream.write((b"," if i else b"") + _json(
                [g.station.pk, g.number, g.row, g.household, g.status,
                 g.received_on.isoformat() if g.received_on else None,
                 g.completed_on.isoformat() if g.completed_on else None,
                 [{**p, "birth_date": p["birth_date"].isoformat() if p["birth_date"] else None} for p in g.people]]))
        stream.write(b"]}")
    return out.getvalue()


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def load(raw: bytes) -> tuple[list[Group], Result] | None:
    """(groups, Result of the preview) from ``dump``'s bytes; None for another format."""
    data = json.loads(gzip.decompress(raw))
    if data.get("format") != FORMAT:
        return None
    stations = PoliceStation.objects.select_related("county").in_bulk({g[0] for g in data["groups"]})
    groups = []
    for station_id, number, row, household, status, received_on, completed_on, people in data["groups"]:
        station = stations.get(station_id)
        if station is None:
            return None  # a station gone since: validate again
        group = Group((station.pk, number), row, station, number, household, status, _day(received_on),
                      _day(completed_on))
        for p in people:
            p["birth_date"] = _day(p["birth_date"])
        group.people = people
        groups.append(group)
    result = Result(**data["counters"])
    result.errors = [RowError(**e) for e in data["errors"]]
    result.people_new = sum(len(g.people) for g in groups)
    result.applications_new = len(groups)
    return groups, result


def households_since(groups: list[Group]) -> None:
    """Households the preview found new that someone has registered since: written into, not again."""
    new = [g for g in groups if g.household.get("id") is None]
    found = _existing_households(new) if new else {}
    for g in new:
        g.household["id"] = found.get(g.key)


def claims_since(groups: list[Group]) -> list[Person]:
    """People who now hold a claim on an ID number the preview found free (one query)."""
    numbers = [p["id_number"] for g in groups for p in g.people]
    if not numbers:
        return []
    holders = Person.objects.filter(holds_claim=True).select_related("application", "station", "station__county")
    if connection.vendor == "postgresql":
        # one array parameter joined with the index, not 100,000 placeholders
        return list(holders.filter(id_number__in=RawSQL("SELECT unnest(%s::text[])", [numbers]))[:10])
    found: list[Person] = []
    for i in range(0, len(numbers), 500):
        found += list(holders.filter(id_number__in=numbers[i:i + 500])[:10])
    return found[:10]

