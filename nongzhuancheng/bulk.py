"""Writing many rows at once: the one bulk writer for imports, entitlement opening and demo data.

Django's ``bulk_create`` spends most of its time compiling SQL, so rows go in with ``COPY … FROM
STDIN`` on PostgreSQL and with plain ``executemany`` elsewhere. Primary keys are reserved first
(``reserve_ids``), so that rows written in the same transaction can point at each other (a
person at its application, an event at its case) without reading anything back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

BATCH = 5000


def reserve_ids(model: type[models.Model], objs: Sequence[Any]) -> list[int]:
    """Give each object the next id of ``model``'s table, and return them.

    PostgreSQL takes them from the table's sequence; SQLite (one writer at a time) takes the write
    lock first, so that no other connection inserts between reading the largest id and using those
    after it."""
    if not objs:
        return []
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                        [table, len(objs)])
            ids = [pk for (pk,) in cur.fetchall()]
        else:
            quoted = connection.ops.quote_name(table)
            cur.execute(f"UPDATE {quoted} SET id = id WHERE 0")
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")
            start = cur.fetchone()[0] + 1
            ids = list(range(start, start + len(objs)))
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
    return ids


def reserve_id_range(table: str, count: int) -> list[int]:
    """``count`` new ids of ``table`` without model instances (raw rows written with ``copy_rows``)."""
    if count <= 0:
        return []
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
            return [pk for (pk,) in cur.fetchall()]
        quoted = connection.ops.quote_name(table)
        cur.execute(f"UPDATE {quoted} SET id = id WHERE 0")
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")
        start = cur.fetchone()[0] + 1
        return list(range(start, start + count))


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write raw rows (values already in the database's form) into ``table``; returns the count."""
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    written = 0
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {qn(table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        sql = f"INSERT INTO {qn(table)} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cur.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cur.executemany(sql, batch)
            written += len(batch)
    return written


def _preparer(field: models.Field, now: Any) -> Callable[[Any], Any] | None:
    kind = field.get_internal_type()
    ops = connection.ops
    if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
        return lambda value: now
    if kind == "DateField":
        return lambda value: None if value is None else ops.adapt_datefield_value(value)
    if kind == "DateTimeField":
        return lambda value: None if value is None else ops.adapt_datetimefield_value(value)
    if kind == "JSONField":
        return lambda value: json.dumps(value, ensure_ascii=False)
    if kind == "DecimalField":
        return lambda value: None if value is None else ops.adapt_decimalfield_value(value)
    return None


def layout(model: type[models.Model], fields: Sequence[str]) -> tuple[list[str], tuple[Any, ...]]:
    """(columns, rest) for writing whole rows of ``model`` with ``copy_rows`` without instances.

    ``columns`` are those of ``fields`` (attnames, e.g. ``"county_id"``), in that order, then those of
    the model's other concrete fields; ``rest`` holds the values ``insert`` would write for those
    others (an instance's defaults in the database's form, the time of the call for ``auto_now``
    fields), to be appended to each row of values of ``fields`` (already in the database's form)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    given = set(fields)
    others = [f for f in model._meta.concrete_fields if f.attname not in given]
    rest = []
    for f in others:
        prep = _preparer(f, now)
        value = f.get_default()
        rest.append(prep(value) if prep else value)
    return [str(by_attname[name].column) for name in fields] + [str(f.column) for f in others], tuple(rest)


_RECORD_TYPES: dict[type[models.Model], type] = {}


def record_type(model: type[models.Model]) -> type:
    """A class of plain records of ``model`` for ``insert``: made with keyword arguments named as the
    model's fields (attnames, e.g. ``person_id``), every other field at the model's default, ``pk``
    the same as ``id``; no model instance is built (``Model.__init__`` was half the time of opening
    entitlement records in bulk). Made once a model."""
    made = _RECORD_TYPES.get(model)
    if made is not None:
        return made
    fields = model._meta.concrete_fields
    made_each_time = [f for f in fields if f.has_default() and callable(f.default)]  # e.g. default=dict
    constants = {f.attname: f.get_default() for f in fields if f not in made_each_time}
    callables = [(f.attname, f.get_default) for f in made_each_time]
    pk_name = model._meta.pk.attname

    def __init__(self: Any, **values: Any) -> None:
        state = self.__dict__
        state.update(constants)
        for name, default in callables:
            state[name] = default()
        state.update(values)

    def _pk(self: Any) -> Any:
        return getattr(self, pk_name)

    def _set_pk(self: Any, value: Any) -> None:
        setattr(self, pk_name, value)

    made = _RECORD_TYPES[model] = type(f"{model.__name__}Record", (), {
        "__init__": __init__, "pk": property(_pk, _set_pk), "__module__": __name__,
        "__doc__": f"A plain record of {model.__name__} (bulk.record_type).",
    })
    return made


def insert(model: type[models.Model], objs: Sequence[Any], *, reserve: bool = True) -> int:
    """Insert model instances, or records of ``record_type(model)``, in bulk (ids reserved first
    unless they are set already).

    ``auto_now`` / ``auto_now_add`` fields get the time of the call; no signals are sent and no
    history rows are written: callers that need them write them too."""
    if not objs:
        return 0
    if reserve and any(obj.pk is None for obj in objs):
        reserve_ids(model, [obj for obj in objs if obj.pk is None])
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    fields = list(model._meta.concrete_fields)
    preps = [_preparer(f, now) for f in fields]
    attnames: list[str] = [f.attname for f in fields]

    def rows() -> Iterator[list[Any]]:
        for obj in objs:
            yield [p(getattr(obj, a)) if p else getattr(obj, a) for a, p in zip(attnames, preps, strict=True)]

    return copy_rows(model._meta.db_table, [str(f.column) for f in fields], rows())


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert plain rows (no model instances) into ``model``'s table: ``fields`` names the model's
    fields (attnames, e.g. ``"case_id"``), each row gives their values in Python form (dates,
    dicts for JSON). Values are put in the database's form as ``insert`` does, ``auto_now`` /
    ``auto_now_add`` fields get the time of the call; ids left out come from the table. Returns
    the count."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    chosen = [by_attname[name] for name in fields]
    preps = [_preparer(f, now) for f in chosen]
    if not any(preps):
        return copy_rows(model._meta.db_table, [str(f.column) for f in chosen], rows)
    pairs = list(enumerate(preps))

    def prepared() -> Iterator[list[Any]]:
        for row in rows:
            row = list(row)
            for i, prep in pairs:
                if prep is not None:
                    row[i] = prep(row[i])
            yield row

    return copy_rows(model._meta.db_table, [str(f.column) for f in chosen], prepared())


def add_counts(model: type[models.Model], fields: Sequence[str], deltas: dict[tuple[Any, ...], int], *,
               count: str, signed: bool = False) -> None:
    """Add ``deltas`` ({key: n}, key values in the order of ``fields``) to the counter rows of a
    summary table whose unique key is ``fields``, in the current transaction: one UPSERT a key
    (``INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n``, PostgreSQL and SQLite 3.24+),
    which two concurrent writers cannot lose. Zero deltas are skipped. Rows whose count falls to
    zero are deleted (with ``signed`` False, rows below zero too: a count that cannot be negative).
    The first key field is a date: the deletion looks only at the days written."""
    deltas = {k: n for k, n in deltas.items() if n}
    if not deltas:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = [str(model._meta.get_field(f).column) for f in fields]  # type: ignore[union-attr]
    cols = ", ".join(qn(c) for c in columns)
    marks = ", ".join(["%s"] * (len(fields) + 1))
    sql = (f"INSERT INTO {table} ({cols}, {qn(count)}) VALUES ({marks}) ON CONFLICT ({cols}) "
           f"DO UPDATE SET {qn(count)} = {table}.{qn(count)} + excluded.{qn(count)}")
    adapt = connection.ops.adapt_datefield_value
    # in key order: two writers lock the rows they share in the same order (no deadlock)
    rows = [(adapt(k[0]), *k[1:], n) for k, n in sorted(deltas.items())]
    with connection.cursor() as cur:
        cur.executemany(sql, rows)
    if any(n < 0 for n in deltas.values()) or signed:
        days = sorted({k[0] for k in deltas})
        gone = {f"{count}": 0} if signed else {f"{count}__lte": 0}
        model._default_manager.filter(**{f"{fields[0]}__in": days}, **gone).delete()
