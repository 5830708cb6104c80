"""Statements PostgreSQL keeps planned: a hot, fixed query prepared once a connection.

Planning the application list's JSON statement (``households.api.list_json``: four tables, a
subquery and a dozen expressions a row) took about as long as running it, and planning the search
box's probe (``households.selectors._search_probes``) half as long. A statement run through
``prepared_cursor`` is prepared on the connection the first time (psycopg's server-side binding,
``prepare=True``) and later runs only execute it; psycopg forgets and deallocates them when the
connection's transaction is rolled back, and the next run prepares again. Only statements whose best
plan does not depend on their parameters belong here (``id = ANY(%s)``, a primary key; one range of
an index that leads with the scope's county or station, bounded by a LIMIT): the server may keep one
generic plan for every value, which for a ``LIKE %s`` (no constant prefix: no index range) or a
skewed filter (one status, a date range) could be the wrong one; every other query keeps Django's
client-side binding and is planned each time.

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
from django.db import DataError, connections
from django.db.backends.utils import CursorDebugWrapper


def enabled(using: str = "default") -> bool:
    connection = connections[using]
    return (connection.vendor == "postgresql"
            and connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is not None)


class PreparingCursor(psycopg.Cursor):
    """psycopg's server-side binding cursor, preparing every statement it runs."""

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None,
                binary: bool | None = None) -> Any:
        return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)


class LoggedCursor(CursorDebugWrapper):
    """Django's debug wrapper (DEBUG, assertNumQueries, CaptureQueriesContext) logging a prepared
    statement as any other, its text with the values in: Django reads that off a client-side
    cursor's last query, which a server-side binding one does not keep."""

    @contextmanager
    def debug_sql(self, sql: Any = None, params: Any = None, use_last_executed_query: bool = False,
                  many: bool = False) -> Iterator[None]:
        if use_last_executed_query and not many:
            try:
                sql = self.db.ops.compose_sql(sql, params)
            except DataError:  # a value that does not bind: the text as written
                pass
        with super().debug_sql(sql, params, use_last_executed_query=False, many=many):
            yield


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
    wrapped = LoggedCursor(raw, connection) if connection.queries_logged else connection.make_cursor(raw)
    with wrapped as cursor:
        yield cursor
