"""Lists that cost the same on every page: a bounded count and keyset (cursor) pages.

A ``COUNT(*)`` over a county's applications grows with the rows, and so does ``OFFSET``: page 2,000
of 1.55 million people read 100,000 rows to show 50. Here the total is exact up to
``settings.LIST_EXACT_COUNT_UP_TO`` rows (a count of at most that many index entries) and the planner's
estimate beyond, and the next page starts after the last id shown (``?after=<id>``), so every page
is one index probe. ``?page=<n>`` still works for the first pages (links and bookmarks) and the
previous page is ``?before=<id>``.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


def bounded_count(queryset: QuerySet[Any], limit: int | None = None) -> tuple[int, bool]:
    """(total, exact): the exact number of rows up to ``limit``, else the planner's estimate
    (PostgreSQL) or ``limit`` itself. Never reads more than ``limit`` + 1 rows.

    An estimate (more than ``limit`` rows) is kept in the cache for ``LIST_COUNT_CACHE_SECONDS``, keyed
    by the query: every page of a long list would otherwise read ``limit`` index entries again to
    learn the same "about N". An exact count is never cached (a row just added shows at once)."""
    limit = settings.LIST_EXACT_COUNT_UP_TO if limit is None else limit
    counted = queryset.order_by().values("pk")
    try:
        sql, params = counted.query.sql_with_params()
    except EmptyResultSet:  # e.g. pk__in=[]: nothing to count
        return 0, True
    key = "nzc:count:" + hashlib.sha256(f"{queryset.db}|{limit}|{sql}|{params!r}".encode()).hexdigest()
    total = cache.get(key)
    if total is not None:
        return total, False
    seen = counted[: limit + 1].count()
    if seen <= limit:
        return seen, True
    total = max(estimated_count(queryset), seen)
    cache.set(key, total, settings.LIST_COUNT_CACHE_SECONDS)
    return total, False


def estimated_count(queryset: QuerySet[Any]) -> int:
    """The planner's row estimate for ``queryset`` (PostgreSQL), else 0: no rows are read."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return 0
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def _pk(row: Any) -> Any:
    """The id of a page row: a model instance, or a dict of values (a hand-built list)."""
    return row["id"] if isinstance(row, dict) else row.pk


def _positive_int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


class KeysetPagination(BasePagination):
    """Newest first by id. ``after`` / ``before`` (an id) choose the page; ``page`` (1, 2, …) is kept
    for the first pages. Answers ``count`` (exact up to the setting), ``count_is_exact``, ``next``,
    ``previous`` and ``results``, so clients of the page-number pagination keep working."""

    page_size = 50
    max_offset_pages = 20  # ?page=n beyond this answers the last of these pages: deeper, follow next

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any]:
        """The page's rows: model instances, or dicts of the view's ``list_values`` (counted on the
        queryset as given, so that the joins those values need stay out of the count)."""
        self.request = request
        self.count, self.count_is_exact = bounded_count(queryset)
        after = _positive_int(request.query_params.get("after"))
        before = _positive_int(request.query_params.get("before"))
        values = getattr(view, "list_values", None)
        if values:
            queryset = queryset.values(*values)
        ordered = queryset.order_by("-pk")
        self.page_number = None
        if after:
            rows = list(ordered.filter(pk__lt=after)[: self.page_size + 1])
            self.has_previous = True
        elif before:
            rows = list(queryset.order_by("pk").filter(pk__gt=before)[: self.page_size + 1])
            has_more = len(rows) > self.page_size
            rows = rows[: self.page_size][::-1]
            self.has_next, self.has_previous = True, has_more
            self.rows = rows
            return rows
        else:
            number = min(_positive_int(request.query_params.get("page")) or 1, self.max_offset_pages)
            offset = (number - 1) * self.page_size
            rows = list(ordered[offset: offset + self.page_size + 1])
            self.has_previous = number > 1
            self.page_number = number
        self.has_next = len(rows) > self.page_size
        self.rows = rows[: self.page_size]
        return self.rows

    def _link(self, **param: int) -> str:
        url = self.request.build_absolute_uri()
        for name in ("page", "after", "before"):
            url = remove_query_param(url, name)
        for name, value in param.items():
            url = replace_query_param(url, name, value)
        return url

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.rows:
            return None
        return self._link(after=_pk(self.rows[-1]))

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if self.page_number is not None:  # the offset pages link back by number
            return self._link(page=self.page_number - 1) if self.page_number > 2 else self._link()
        if not self.rows:
            return None
        return self._link(before=_pk(self.rows[0]))

    def get_paginated_response(self, data: Any) -> Response:
        return Response(OrderedDict([
            ("count", self.count),
            ("count_is_exact", self.count_is_exact),
            ("next", self.get_next_link()),
            ("previous", self.get_previous_link()),
            ("results", data),
        ]))

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "count_is_exact": {"type": "boolean"},
                "next": {"type": "string", "nullable": True, "format": "uri", "example": "?after=400"},
                "previous": {"type": "string", "nullable": True, "format": "uri", "example": "?before=351"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {"name": name, "required": False, "in": "query", "description": text, "schema": {"type": "integer"}}
            for name, text in (
                ("after", "The page after this id (the next link)."),
                ("before", "The page before this id (the previous link)."),
                ("page", "A page number, for the first pages only."),
            )
        ]
