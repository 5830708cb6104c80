"""Lookups and hints the lists need on both databases.

* ``field__any_of=[…]``: membership in a list of values bound as ONE parameter on PostgreSQL.
* ``field__prefix="张伟"``: the text starts with the value, served by an index on both databases.
* ``Rare(Q(…))``: a condition few rows meet, said to SQLite's planner.

**any_of.**
``field__in=[…]`` writes one placeholder a value; with psycopg's client-side binding a list of
hundreds of ids (a search's matches) costs milliseconds a query to bind, more than the query
itself. ``field = ANY(%s)`` with one array parameter gives the planner the same information
(PostgreSQL turns ``IN (…)`` into ``= ANY(array)`` anyway) for one parameter. Elsewhere it is
``IN (…)``. Registered on every field by ``CoreConfig.ready``.

**prefix.** ``__startswith`` is ``LIKE 'x%'``: PostgreSQL answers it from a ``varchar_pattern_ops``
index, but SQLite's LIKE ignores ASCII case and so never uses a plain index (a name search read all
624,476 people of the demo year: 188 ms). ``__prefix`` is the index's range on PostgreSQL and
``GLOB 'x*'`` (case-sensitive, like PostgreSQL's) on SQLite, which walks the name index (1 ms). The
value is taken literally. ``prefix_condition`` gives the same condition for hand-written SQL.

**Rare.** SQLite's statistics keep an average per index, not the skew: "status is 受理" looks like a
third of all applications when it is a few hundred of 270,000, and the planner walks the due-date
index through every completed application to avoid sorting (the overdue list: 300 ms). ``Rare``
wraps the condition in SQLite's ``unlikely()`` (no cost at run time); elsewhere it is the condition.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import (
    BooleanField,
    CharField,
    ExpressionWrapper,
    Field,
    ForeignObject,
    Func,
    Lookup,
    Q,
    TextField,
)


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        field = self.lhs.output_field
        return [field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if not values:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            array_type = self.lhs.output_field.cast_db_type(connection)
            return f"{lhs} = ANY(%s::{array_type}[])", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


def prefix_condition(connection: Any, column: str, value: str) -> tuple[str, list[str]]:
    """``column`` starts with ``value`` (taken literally): its SQL and parameters.

    On PostgreSQL the range ``value ≤ column < value's successor`` in the byte order of the
    ``varchar_pattern_ops`` indexes (``~>=~``, ``~<~``; UTF-8 keeps the order of code points, so the
    range holds exactly the texts that start with the value). It is what the planner makes of
    ``LIKE 'x%'`` with a constant, but written out it also serves a prepared statement, whose generic
    plan knows no constant (``LIKE $1`` cannot use the index). On SQLite, ``GLOB 'x*'``."""
    if connection.vendor == "sqlite":
        return f"{column} GLOB %s", ["".join(f"[{c}]" if c in "*?[" else c for c in value) + "*"]
    after = _successor(value)
    if after is None:  # only the last code points: no text sorts after the range
        return f"{column} ~>=~ %s", [value]
    return f"({column} ~>=~ %s AND {column} ~<~ %s)", [value, after]


def _successor(value: str) -> str | None:
    """The first text after every text that starts with ``value``: its last character that can be
    incremented, incremented (surrogates skipped), the rest dropped; None when none can."""
    for i in range(len(value) - 1, -1, -1):
        code = ord(value[i]) + 1
        if 0xD800 <= code <= 0xDFFF:
            code = 0xE000
        if code <= 0x10FFFF:
            return value[:i] + chr(code)
    return None


class Prefix(Lookup):
    lookup_name = "prefix"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        sql, params = prefix_condition(connection, lhs, str(self.rhs))
        return sql, [*lhs_params, *params]


class Rare(Func):
    """A condition few rows meet: ``unlikely(condition)`` on SQLite, the condition elsewhere."""

    function = "unlikely"
    output_field = BooleanField()
    conditional = True

    def __init__(self, condition: Q) -> None:
        super().__init__(ExpressionWrapper(condition, output_field=BooleanField()))

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        return compiler.compile(self.get_source_expressions()[0])

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return Func.as_sql(self, compiler, connection, **extra)


def register() -> None:
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(AnyOf)  # related fields keep lookups of their own
    CharField.register_lookup(Prefix)
    TextField.register_lookup(Prefix)
