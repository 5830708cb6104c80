"""The application list's page as JSON built by PostgreSQL.

``serializers.application_list_representation`` builds a page from plain values in Python; on
PostgreSQL the same objects come out of one query (``json_build_object`` a row, the members with
``json_agg``), so a list request costs about what the query costs: no model instances, no Python
dicts, no JSON encoding. The query is the pagination's own statement of the page's ids
(``pagination.PageFetch``) with each row's JSON added: the page, its count and its body in one
round trip. The fields, their order, the masks (``masking.mask_sql``, the rule of
``mask()``), the birth year instead of the birth date and the labels in the user's language are
those of the Python representation; tests/households/test_api_list_rows.py checks the two agree.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection
from django.utils import translation
from rest_framework.renderers import JSONRenderer

from nongzhuancheng.masking import mask_sql
from nongzhuancheng.pagination import PageFetch
from nongzhuancheng.prepared import prepared_cursor

from ..models import Household, Person, TransferApplication
from ..reference import Category, Relation


class PrebuiltJSON(bytes):
    """A response body that is already JSON (``PrebuiltJSONRenderer`` passes it through)."""


class PrebuiltJSONRenderer(JSONRenderer):
    """DRF's JSON renderer, which passes a ``PrebuiltJSON`` body through unchanged."""

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if isinstance(data, PrebuiltJSON):
            return bytes(data)
        return super().render(data, accepted_media_type, renderer_context)


def available() -> bool:
    return connection.vendor == "postgresql"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"  # %: the query has parameters


def _label(column: str, choices: Any) -> str:
    """The choice's label in the active language, as a CASE of literals (a JSON object of labels
    looked up a row cost a millisecond a page: the object is parsed again for every row)."""
    whens = " ".join(f"WHEN {_literal(str(value))} THEN {_literal(str(label))}" for value, label in choices)
    return f"CASE {column} {whens} ELSE {column} END"


def _day(column: str) -> str:
    return f"to_char({column}, 'YYYY-MM-DD')"


@cache
def _sql(language: str | None) -> tuple[str, str]:
    """The text around a statement of ids in ``language`` (its labels), built once a language."""
    a = TransferApplication._meta.db_table
    h = Household._meta.db_table
    p = Person._meta.db_table
    county = TransferApplication._meta.get_field("county").related_model._meta.db_table
    station = TransferApplication._meta.get_field("station").related_model._meta.db_table
    member = f"""json_build_object(
        'id', p.id, 'name', p.name, 'id_number', {mask_sql('p.id_number')}, 'sex', p.sex, 'birth_date', NULL,
        'birth_year', extract(year FROM p.birth_date)::int, 'relation', p.relation,
        'relation_display', {_label('p.relation', Relation.choices)}, 'category', p.category,
        'category_display', {_label('p.category', Category.choices)},
        'completed_on', {_day('p.completed_on')})"""
    return f"""
        SELECT page.pk, page.n, json_build_object(
            'id', a.id, 'number', a.number, 'status', a.status,
            'status_display', {_label('a.status', TransferApplication.Status.choices)},
            'household', json_build_object('id', h.id, 'number', h.number, 'head_name', h.head_name,
                                           'township', h.township, 'village', h.village),
            'county', a.county_id, 'county_name', c.name, 'station', a.station_id, 'station_name', s.name,
            'received_on', {_day('a.received_on')}, 'due_on', {_day('a.due_on')},
            'completed_on', {_day('a.completed_on')},
            'members', coalesce((SELECT json_agg({member} ORDER BY p.id) FROM {p} p WHERE p.application_id = a.id),
                                '[]'::json)
        )::text
        FROM (""", f""") page JOIN {a} a ON a.id = page.pk JOIN {h} h ON h.id = a.household_id
             JOIN {county} c ON c.id = a.county_id JOIN {station} s ON s.id = a.station_id
        ORDER BY page.pk """


def page_fetch(*, prepare: bool) -> PageFetch:
    """The pagination's fetcher (``PageFetch``) adding each application's JSON text to the rows of a
    statement of its ids. ``prepare``: the statement is planned once a connection (``prepared``),
    for a statement of ids whose plan does not depend on its values (the scope's, a search's ids);
    a list filtered by status or dates is planned each time, as any query."""

    def fetch(sql: str, params: Sequence[Any], ascending: bool) -> list[tuple[Any, ...]]:
        head, tail = _sql(translation.get_language())
        statement = head + sql + tail + ("ASC" if ascending else "DESC")
        with prepared_cursor() if prepare else connection.cursor() as cursor:
            cursor.execute(statement, list(params))
            return cursor.fetchall()

    return fetch


def paginated_body(envelope: dict[str, Any], rows: list[str]) -> PrebuiltJSON:
    """The paginated answer (``count``, ``count_is_exact``, ``next``, ``previous``) around the rows."""
    head = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
    return PrebuiltJSON((head[:-1] + ',"results":[' + ",".join(rows) + "]}").encode())
