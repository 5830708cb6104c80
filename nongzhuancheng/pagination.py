"""Lists that cost the same on every page: a bounded count and keyset (cursor) pages.

A ``COUNT(*)`` over a county's applications grows with the rows, and so does ``OFFSET``: page 2,000
of 1.55 million people read 100,000 rows to show 50. Here the total is exact up to
``settings.LIST_EXACT_COUNT_UP_TO`` rows (a count of at most that many index entries) and the planner's
estimate beyond, and the next page starts after the last id shown (``?after=<id>``), so every page
is one index probe. ``?page=<n>`` still works for the first pages (links and bookmarks) and the
previous page is ``?before=<id>``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .params import MAX_PAGE, PageParam, ParamsForm, read_api


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
    key = _count_key(queryset.db, limit, sql, params)
    total = cache.get(key)
    if total is not None:
        return total, False
    with connections[queryset.db].cursor() as cursor:  # the statement compiled for the key, not again
        cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT {int(limit) + 1}) counted", params)
        seen = cursor.fetchone()[0]
    return _seen(queryset, seen, limit, key)


def _count_key(db: str, limit: int, sql: str, params: Any) -> str:
    return "nzc:count:" + hashlib.sha256(f"{db}|{limit}|{sql}|{params!r}".encode()).hexdigest()


def _seen(queryset: QuerySet[Any], seen: int, limit: int, key: str) -> tuple[int, bool]:
    """bounded_count's answer once ``seen`` (at most ``limit`` + 1) rows were counted."""
    if seen <= limit:
        return seen, True
    total = max(estimated_count(queryset), seen)
    cache.set(key, total, settings.LIST_COUNT_CACHE_SECONDS)
    return total, False


PageFetch = Callable[[str, Sequence[Any], bool], list[tuple[Any, ...]]]
"""Runs a statement of a page's ids and returns its rows, each as the statement's columns (``pk``,
``n``: the window count or NULL) and then what the fetcher adds; ordered by ``pk``, ascending when
told (``households.api.list_json.page_fetch`` adds each row's JSON: the page and its body in one
statement)."""


def fetch_ids(using: str) -> PageFetch:
    """The plain fetcher: the statement's own rows, on the ``using`` database."""

    def fetch(sql: str, params: Sequence[Any], ascending: bool) -> list[tuple[Any, ...]]:
        with connections[using].cursor() as cursor:
            cursor.execute(f"SELECT * FROM ({sql}) ids ORDER BY 1 {'ASC' if ascending else 'DESC'}", params)
            return cursor.fetchall()

    return fetch


def ids_statement(queryset: QuerySet[Any]) -> tuple[str, list[Any]] | None:
    """A page statement of ``queryset`` (ordered and sliced) for a ``PageFetch``: its ids as ``pk``,
    ``n`` NULL; None when it can match nothing (e.g. ``pk__in=[]``)."""
    try:
        sql, params = queryset.values_list("pk").query.sql_with_params()
    except EmptyResultSet:
        return None
    return f"SELECT page.pk, CAST(NULL AS BIGINT) AS n FROM ({sql}) page", list(params)


def first_rows_counted(queryset: QuerySet[Any], size: int, limit: int | None = None,
                       fetch: PageFetch | None = None) -> tuple[list[tuple[Any, ...]], int, bool]:
    """The first ``size`` rows of ``queryset``, newest (highest id) first, as ``fetch`` gives them,
    and bounded_count's (total, exact) of it, in one statement: the page is read with a window count
    over at most ``limit`` + 1 rows (``COUNT(*) OVER ()``), or, when an estimate is kept for this
    list, on its own. A first page of a search costs one query instead of two."""
    limit = settings.LIST_EXACT_COUNT_UP_TO if limit is None else limit
    fetch = fetch or fetch_ids(queryset.db)
    try:
        sql, params = queryset.order_by("-pk").values_list("pk", flat=True).query.sql_with_params()
    except EmptyResultSet:
        return [], 0, True
    key = _count_key(queryset.db, limit, "first:" + sql, params)
    total = cache.get(key)
    if total is not None:
        return fetch(f"SELECT page.pk, CAST(NULL AS BIGINT) AS n FROM ({sql} LIMIT {int(size)}) page",
                     list(params), False), total, False
    rows = fetch(f"SELECT page.pk, COUNT(*) OVER () AS n FROM ({sql} LIMIT {int(limit) + 1}) page "
                 f"ORDER BY 1 DESC LIMIT {int(size)}", list(params), False)
    seen = rows[0][1] if rows else 0
    total, exact = _seen(queryset, seen, limit, key)
    return rows, total, exact


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


def _fetched(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """A ``PageFetch``'s rows as page rows: the id, and what the fetcher added."""
    return [{"id": row[0], "built": row[2:]} for row in rows]


def _positive_int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


class KeysetParams(ParamsForm):
    """The API's page parameters: an id to start after or before, or a page number (malformed or
    empty: 400, like every API parameter)."""

    after = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    before = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    page = PageParam()


class KeysetPagination(BasePagination):
    """Newest first by id. ``after`` / ``before`` (an id) choose the page; ``page`` (1, 2, …) is kept
    for the first pages. Answers ``count`` (exact up to the setting), ``count_is_exact``, ``next``,
    ``previous`` and ``results``, so clients of the page-number pagination keep working."""

    page_size = 50
    max_offset_pages = 20  # ?page=n beyond this answers the last of these pages: deeper, follow next

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any]:
        """The page's rows: model instances, dicts of the view's ``list_values`` (counted on the
        queryset as given, so that the joins those values need stay out of the count), or, when the
        view has a ``page_fetch`` (``PageFetch``), ``{"id": …, "built": (what it added, …)}``."""
        self.request = request
        self.page_number: int | None = None
        if any(name in request.query_params for name in KeysetParams.base_fields):
            query = read_api(KeysetParams, request.query_params)
        else:  # no page asked for (most requests): the first page, without validating a form
            query = dict.fromkeys(KeysetParams.base_fields)
        after, before = query["after"], query["before"]
        fetch = getattr(view, "page_fetch", None)
        if fetch is not None and not after and not before and (query["page"] or 1) == 1:
            # a first page built by the database: the page, its count and its rows in one statement
            first, self.count, self.count_is_exact = first_rows_counted(queryset, self.page_size + 1, fetch=fetch)
            self.has_previous, self.page_number = False, 1
            self.has_next = len(first) > self.page_size
            self.rows = _fetched(first[: self.page_size])
            return self.rows
        self.count, self.count_is_exact = bounded_count(queryset)
        values = getattr(view, "list_values", None)
        if values and fetch is None:
            queryset = queryset.values(*values)

        def take(part: QuerySet[Any], ascending: bool = False) -> list[Any]:
            if fetch is None:
                return list(part)
            statement = ids_statement(part)
            return _fetched(fetch(*statement, ascending)) if statement else []

        ordered = queryset.order_by("-pk")
        if after:
            rows = take(ordered.filter(pk__lt=after)[: self.page_size + 1])
            self.has_previous = True
        elif before:
            rows = take(queryset.order_by("pk").filter(pk__gt=before)[: self.page_size + 1], ascending=True)
            has_more = len(rows) > self.page_size
            rows = rows[: self.page_size][::-1]
            self.has_next, self.has_previous = True, has_more
            self.rows = rows
            return rows
        else:
            number = min(query["page"] or 1, self.max_offset_pages)
            offset = (number - 1) * self.page_size
            rows = take(ordered[offset: offset + self.page_size + 1])
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
            {"name": name, "required": False, "in": "query", "description": text,
             "schema": {"type": "integer", "minimum": 1, "maximum": top}}
            for name, text, top in (
                ("after", "The page after this id (the next link).", 2**63 - 1),
                ("before", "The page before this id (the previous link).", 2**63 - 1),
                ("page", "A page number, for the first pages only.", MAX_PAGE),
            )
        ]


# HTML lists: a whitelisted sort, pages by number up to a limit, keyset pages beyond ---------------

@dataclass(frozen=True)
class SortKey:
    """A column a list may be sorted by: the URL value, the model field (a date or the id) and its
    label. Each has an index on (field, id), so a page in either direction is one index range."""

    name: str
    field: str
    label: Any
    kind: str = "date"  # "date" or "int": how a cursor's value is read back


def parse_cursor(text: str, key: SortKey) -> tuple[Any, int] | None:
    """(value, id) of a cursor ``<value>~<id>`` (``<id>`` alone for the id sort); None if malformed."""
    if key.field == "id":
        pk = _positive_int(text)
        return (pk, pk) if pk else None
    value, _sep, pk_text = text.partition("~")
    pk = _positive_int(pk_text)
    if pk is None:
        return None
    try:
        parsed: Any = datetime.date.fromisoformat(value) if key.kind == "date" else int(value)
    except ValueError:
        return None
    return parsed, pk


def make_cursor(row: Any, key: SortKey) -> str:
    if key.field == "id":
        return str(row.pk)
    value = getattr(row, key.field)
    return f"{value.isoformat() if hasattr(value, 'isoformat') else value}~{row.pk}"


class ListPage:
    """One page of an HTML list, ordered by ``key`` then id (both ascending or both descending).

    Pages 1 … ``max_offset_pages`` are reached by number (``?page=n``: an OFFSET of at most
    ``max_offset_pages`` × ``per_page`` index entries); beyond them only by "next" (``?after=<cursor>``,
    the last row's sort value and id: one index probe whatever the depth). A jump past the limit shows
    the last numbered page and says why (``jump_refused``). The total is ``bounded_count``'s."""

    def __init__(self, queryset: QuerySet[Any], *, key: SortKey, descending: bool, per_page: int,
                 page: int | None = None, after: str = "", count_from: QuerySet[Any] | None = None,
                 max_offset_pages: int = 100) -> None:
        self.key, self.descending, self.per_page = key, descending, per_page
        self.max_offset_pages = max_offset_pages
        self.count, self.count_is_exact = bounded_count(count_from if count_from is not None else queryset)
        field = key.field
        order = [f"-{field}", "-id"] if descending else [field, "id"]
        if field == "id":
            order = order[:1]
        ordered = queryset.order_by(*order)
        cursor = parse_cursor(after, key) if after else None
        self.jump_refused = False
        self.keyset = cursor is not None
        if cursor is not None:
            value, pk = cursor
            op = "lt" if descending else "gt"
            if field == "id":
                ordered = ordered.filter(**{f"pk__{op}": pk})
            else:
                # (field, id) past the cursor; the redundant bound on the field alone lets the index on
                # (field, id) start its range at the cursor instead of filtering from the list's start
                ordered = ordered.filter(Q(**{f"{field}__{op}e": value}),
                                         Q(**{f"{field}__{op}": value}) | Q(**{f"pk__{op}": pk}))
            self.number = min(page or self.max_offset_pages + 1, MAX_SHOWN_PAGE)  # shown only
            rows = list(ordered[: per_page + 1])
        else:
            number = page or 1
            if number > max_offset_pages:
                number, self.jump_refused = max_offset_pages, True
            last = self.num_pages
            if last is not None and number > last:
                number = last
            self.number = number
            offset = (number - 1) * per_page
            rows = list(ordered[offset: offset + per_page + 1])
        self.has_next = len(rows) > per_page
        self.object_list = rows[:per_page]
        self.has_previous = self.number > 1

    @property
    def num_pages(self) -> int | None:
        """The number of pages when the total is exact, else None (an estimate gives no last page)."""
        if not self.count_is_exact:
            return None
        return max(1, -(-self.count // self.per_page))

    @property
    def jump_max(self) -> int:
        """The last page a "go to page" form may ask for."""
        pages = self.num_pages
        return min(pages, self.max_offset_pages) if pages is not None else self.max_offset_pages

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_params(self) -> dict[str, Any]:
        """The query parameters of the next page (beyond the numbered pages: a cursor)."""
        if not self.has_next:
            return {}
        if self.number < self.max_offset_pages and not self.keyset:
            return {"page": self.number + 1}
        return {"after": make_cursor(self.object_list[-1], self.key), "page": self.number + 1}

    def previous_params(self) -> dict[str, Any]:
        """The previous page by number (pages past the numbered ones go back to the last of them)."""
        if not self.has_previous:
            return {}
        return {"page": min(self.number - 1, self.max_offset_pages)}


MAX_SHOWN_PAGE = 1_000_000


def list_links(query: Any, page: ListPage, keys: Any, sort: str) -> dict[str, Any]:
    """The links of a list page, each keeping every other parameter of ``query`` (the request's
    GET): next and previous, the sort of each column (a click on the sorted column reverses it), and
    the parameters a "go to page" form carries along."""
    base = query.copy()
    for name in ("page", "after"):
        base.pop(name, None)

    def url(q: Any, **extra: Any) -> str:
        q = q.copy()
        for name, value in extra.items():
            q[name] = value
        return "?" + q.urlencode()

    previous = page.previous_params()
    unsorted = base.copy()
    unsorted.pop("sort", None)
    sorts = {}
    for key in keys:
        state = "asc" if sort == key.name else "desc" if sort == f"-{key.name}" else ""
        sorts[key.name] = {"url": url(unsorted, sort=key.name if state == "desc" else f"-{key.name}"),
                           "state": state, "label": key.label}
    return {
        "next": url(base, **page.next_params()) if page.has_next else "",
        "previous": (url(base, **previous) if previous.get("page", 1) > 1 else url(base)) if page.has_previous else "",
        "sorts": sorts,
        "keep": [(name, value) for name, values in base.lists() for value in values],
        "query": base.urlencode(),
    }


class CountedPaginator(Paginator):
    """A numbered paginator of a short list (corrections, approvals, a figure's people) whose count is
    taken on the plain queryset (the per-row annotations would only slow the COUNT) and bounded
    (``bounded_count``: exact up to the setting, the planner's estimate beyond; ``count_is_exact``)."""

    def __init__(self, object_list: Any, per_page: int, *, count_from: QuerySet, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self._count_from = count_from

    @cached_property
    def _bounded(self) -> tuple[int, bool]:
        return bounded_count(self._count_from)

    @cached_property
    def count(self) -> int:
        return self._bounded[0]

    @property
    def count_is_exact(self) -> bool:
        return self._bounded[1]
