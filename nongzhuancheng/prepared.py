"""Statements PostgreSQL keeps planned: a hot, fixed query prepared once a connection.

Planning the application list's JSON statement (``households.api.list_json``: four tables, a
subquery and a dozen expressions a row) took about as long as running it. A statement run through
``prepared_cursor`` is prepared on the connection the first time (psycopg's server-side binding,
``prepare=True``) and later runs only execute it; psycopg forgets and deallocates them when the
connection's transaction is rolled back, and the next run prepares again. Only statements whose best
plan does not depend on their parameters belong here (``id = ANY(%s)``, a primary key): the server
may keep one generic plan for every value, which for a ``LIKE %s`` or a skewed filter could be the
wrong one; every other query keeps Django's client-side binding and is planned each time.

Django turns psycopg's automatic preparation off (``prepare_threshold`` None); the settings set a
threshold no query reaches (``OPTIONS["prepare_threshold"]``), so that only the statements asked for
here are prepared. ``DB_PREPARED_STATEMENTS=0`` turns it off (a connection pooler in transaction mode without
prepared-statement support), and on SQLite the cursor is Django's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from django.db import connections


def enabled(using: str = "default") -> bool:
    connection = connections[using]
    return (connection.vendor == "postgresql"
            and connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is not None)


class PreparingCursor(psycopg.Cursor):
    """psycopg's server-side binding cursor, preparing every statement it runs."""

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None,
                binary: bool | None = None) -> Any:
        return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)


@contextmanager
def prepared_cursor(using: str = "default") -> Iterator[Any]:
    """A cursor whose statements are prepared on the connection and reused (``%s`` / ``%(name)s``
    placeholders as usual); Django's own cursor where that is off. It goes through Django's cursor
    wrapper, so query logging, the execute wrappers (/metrics, assertNumQueries) and the error
    translation see it as any other query."""
    connection = connections[using]
    if not enabled(using):
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw: Any = PreparingCursor(connection.connection)  # the DB-API cursor Django wraps
    wrapped = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with wrapped as cursor:
        yield cursor
