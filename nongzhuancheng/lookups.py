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
624,476 people of the demo year: 188 ms). ``__prefix`` is ``LIKE`` on PostgreSQL and ``GLOB 'x*'``
(case-sensitive, like PostgreSQL's LIKE) on SQLite, which walks the name index (1 ms). The value is
taken literally (wildcards escaped). ``prefix_sql`` gives the same condition for hand-written SQL.

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


def prefix_pattern(connection: Any, value: str) -> str:
    """The parameter of a prefix match of ``value`` (its wildcards taken literally)."""
    if connection.vendor == "sqlite":
        return "".join(f"[{c}]" if c in "*?[" else c for c in value) + "*"
    return connection.ops.prep_for_like_query(value) + "%"


def prefix_sql(connection: Any, column: str) -> str:
    """``column`` starts with the parameter ``prefix_pattern`` made (one ``%s``)."""
    return f"{column} GLOB %s" if connection.vendor == "sqlite" else f"{column} LIKE %s"


class Prefix(Lookup):
    lookup_name = "prefix"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return prefix_sql(connection, lhs), [*lhs_params, prefix_pattern(connection, str(self.rhs))]


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
