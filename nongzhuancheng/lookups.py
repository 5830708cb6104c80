"""``field__any_of=[…]``: membership in a list of values bound as ONE parameter on PostgreSQL.

``field__in=[…]`` writes one placeholder a value; with psycopg's client-side binding a list of
hundreds of ids (a search's matches) costs milliseconds a query to bind, more than the query
itself. ``field = ANY(%s)`` with one array parameter gives the planner the same information
(PostgreSQL turns ``IN (…)`` into ``= ANY(array)`` anyway) for one parameter. Elsewhere it is
``IN (…)``. Registered on every field by ``CoreConfig.ready``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup


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


def register() -> None:
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(AnyOf)  # related fields keep lookups of their own
