"""Export any list to .xlsx or .csv: the same rows the page shows, in the user's scope.

Cells a spreadsheet would run as a formula (starting with =, +, -, @, or a tab/CR) are neutralised
with a leading apostrophe. Resident ID numbers are masked, and a birth date beside them shows its year
only (``nongzhuancheng.masking`` explains why); they are whole only when the caller passes the reason
a user granted the policy's ``ID_EXPORT_WHOLE`` typed. Every export is written to the access log
(its filter, its row count, masked or whole, and the reason).

    columns = [Column(_("姓名"), "name"), Column(_("公民身份号码"), "id_number", id_number=True), ...]
    return export_response(rows, columns, fmt="xlsx", filename="applications", user=request.user)
"""

import csv
import io
from dataclasses import dataclass
from typing import Any, Callable

from django.http import HttpResponse
from django.utils import timezone

from nongzhuancheng.masking import mask, mask_sql

from .audit import AccessEvent, record
from .scoping import ID_EXPORT_WHOLE, allows, visible_fields

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class Column:
    header: Any  # str or a lazy gettext string
    source: str | Callable[[Any], Any]  # attribute path ("household.head_name"), dict key, or callable
    id_number: bool = False
    birth_date: bool = False  # a masked export shows the year only
    # (model name, field) of a person's, household's or application's field: the column is left out
    # for a user who may not see that field (need-to-know, ``scoping.visible_fields``)
    field: tuple[str, str] | None = None

    def value(self, row):
        if callable(self.source):
            return self.source(row)
        value = row
        for part in self.source.split("."):
            if value is None:
                return None
            value = value.get(part) if isinstance(value, dict) else getattr(value, part)
        return value() if callable(value) else value


def visible_columns(columns, user):
    """The columns the user may see: a column of a field ``visible_fields`` leaves out is dropped."""
    shown = {}
    kept = []
    for column in columns:
        if column.field is not None:
            model_name, name = column.field
            if model_name not in shown:
                shown[model_name] = visible_fields(user, model_name)
            if shown[model_name] is not None and name not in shown[model_name]:
                continue
        kept.append(column)
    return kept


def neutralise(value):
    """Make a text cell safe to open in a spreadsheet."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat() if not hasattr(value, "hour") else timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return neutralise(str(value))


def table(rows, columns, *, full_ids=False):
    """Header row and data rows, cleaned for a spreadsheet."""
    yield [str(c.header) for c in columns]
    for row in rows:
        out = []
        for c in columns:
            v = c.value(row)
            if c.id_number and v and not full_ids:
                v = mask(v)
            elif c.birth_date and v and not full_ids:
                v = v.year
            out.append(cell(v))
        yield out


def render(rows, columns, fmt, *, full_ids=False, sheet_title="data"):
    """The file's bytes in ``fmt`` ('csv' is UTF-8 with BOM so that Excel reads Chinese)."""
    data = table(rows, columns, full_ids=full_ids)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        for r in data:
            writer.writerow(r)
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=sheet_title[:31])
        for r in data:
            ws.append(r)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    raise ValueError(f"unknown export format {fmt!r}")


def export_response(rows, columns, *, fmt, filename, user, sheet_title="data", request=None, count=None,
                    whole_reason=""):
    if fmt not in FORMATS:
        return HttpResponse("unknown format", status=400, content_type="text/plain; charset=utf-8")
    whole = bool(whole_reason) and allows(user, ID_EXPORT_WHOLE)
    columns = visible_columns(columns, user)
    body = render(rows, columns, fmt, full_ids=whole, sheet_title=sheet_title)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.{fmt}"'
    if whole:
        response["Cache-Control"] = "no-store"
    filters = {k: v for k, v in (request.GET.items() if request is not None else []) if k != "id_number"}
    record(AccessEvent.Kind.EXPORT, request=request, user=user, subject=filename,
           detail={"filter": filters, "rows": count, "format": fmt, "whole": whole, "reason": whole_reason})
    return response


# Files written by a worker ------------------------------------------------------------------------

def _value_plan(model, columns):
    """For each column, (values() lookup, {stored value: label} or None), or None when a column's
    source is a callable (such a list is written from model instances instead)."""
    plan = []
    for c in columns:
        if callable(c.source):
            return None
        parts = c.source.split(".")
        current, path = model, []
        for part in parts[:-1]:
            field = current._meta.get_field(part)
            current = field.related_model
            path.append(part)
        last = parts[-1]
        labels = None
        if last.startswith("get_") and last.endswith("_display"):
            last = last[4:-8]
            labels = {value: str(label) for value, label in current._meta.get_field(last).flatchoices}
        plan.append(("__".join([*path, last]), labels))
    return plan


def stream_table(queryset, columns, *, full_ids=False, chunk_size=5000):
    """The rows of ``table()`` for a queryset, read through a server-side cursor (PostgreSQL) as plain
    values, without building model instances: the same cells, masked the same way."""
    plan = _value_plan(queryset.model, columns)
    if plan is None:
        yield from table(queryset.iterator(chunk_size=chunk_size), columns, full_ids=full_ids)
        return
    yield [str(c.header) for c in columns]
    masked = [c.id_number and not full_ids for c in columns]
    year_only = [c.birth_date and not full_ids for c in columns]
    labels = [p[1] for p in plan]
    steps = list(zip(labels, masked, year_only, strict=True))
    for values in queryset.values_list(*[p[0] for p in plan]).iterator(chunk_size=chunk_size):
        out = []
        for v, (lab, hide, year) in zip(values, steps, strict=True):
            if lab is not None:
                v = lab.get(v, v)
            if hide and v:
                v = mask(v)
            elif year and v:
                v = v.year
            out.append(cell(v))
        yield out


def write_file(path, rows, fmt, *, sheet_title="data", progress=None, every=5000):
    """Write ``rows`` (header first, as ``stream_table`` yields them) to ``path`` in ``fmt``; calls
    ``progress(data rows written)`` every ``every`` rows. Returns the number of data rows."""
    written = -1  # the header is not a data row
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write("\ufeff")
            writer = csv.writer(fh)
            for r in rows:
                writer.writerow(r)
                written += 1
                if progress and written and written % every == 0:
                    progress(written)
    elif fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=sheet_title[:31])
        for r in rows:
            ws.append(r)
            written += 1
            if progress and written and written % every == 0:
                progress(written)
        wb.save(path)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return max(written, 0)


# CSV files written by PostgreSQL itself ----------------------------------------------------------

_TEXT_TYPES = {"CharField", "TextField", "SlugField", "EmailField"}
_INT_TYPES = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
              "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField"}


def _final_field(queryset, source):
    """The model field (or the annotation's output field) a column's source ends at."""
    from django.core.exceptions import FieldDoesNotExist

    model = current = queryset.model
    parts = source.split(".")
    for part in parts[:-1]:
        current = current._meta.get_field(part).related_model
    last = parts[-1]
    if last.startswith("get_") and last.endswith("_display"):
        last = last[4:-8]
    try:
        return current._meta.get_field(last)
    except FieldDoesNotExist:
        annotation = queryset.query.annotations.get(last) if current is model else None
        return annotation.output_field if annotation is not None else None


def _neutralised_sql(expr):
    """``neutralise()`` in SQL, and the empty string as NULL (COPY writes NULL as an empty field, as
    the csv module writes an empty string; a non-NULL empty string it would quote)."""
    first = r"left(v, 1) IN ('=', '+', '-', '@', E'\t', E'\r')"
    return f"(SELECT NULLIF(CASE WHEN {first} THEN '''' || v ELSE v END, '') FROM (SELECT ({expr})::text AS v) n)"


def _sql_plan(queryset, columns, *, full_ids):
    """(values() lookups, [(SQL of the cell from the column t.c<i>, params)]) writing the same cells as
    ``stream_table``, or None when a column has no SQL form here (a callable, an unknown type)."""
    plan = _value_plan(queryset.model, columns)
    if plan is None:
        return None
    cells = []
    for i, (c, (_lookup, labels)) in enumerate(zip(columns, plan, strict=True)):
        field = _final_field(queryset, c.source)
        kind = field.get_internal_type() if field is not None else None
        col = f"t.c{i}"
        params: list[Any] = []
        if kind in _TEXT_TYPES:
            expr = col
            if labels:
                expr = f"CASE {col} " + " ".join("WHEN %s THEN %s" for _ in labels) + f" ELSE {col} END"
                params = [x for pair in labels.items() for x in pair]
            if c.id_number and not full_ids:
                expr = mask_sql(f"({expr})")
            expr = _neutralised_sql(expr)
        elif labels:
            return None  # choices of a non-text field: left to stream_table
        elif kind in _INT_TYPES:
            expr = f"{col}::text"
        elif kind == "DecimalField":  # numeric(m, d)::text keeps its places, as str(Decimal) does
            expr = _neutralised_sql(f"{col}::text")
        elif kind == "DateField":
            expr = (f"extract(year FROM {col})::int::text" if c.birth_date and not full_ids
                    else f"to_char({col}, 'YYYY-MM-DD')")
        elif kind == "DateTimeField":
            expr = f"to_char({col} AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI')"
            params = [timezone.get_current_timezone_name()]
        elif kind == "BooleanField":
            expr = f"CASE WHEN {col} THEN '是' WHEN NOT {col} THEN '否' END"
        else:
            return None
        cells.append((expr, params))
    return [p[0] for p in plan], cells


def copy_csv(path, queryset, columns, *, full_ids=False, progress=None, every=5000):
    """Write the same file as ``write_file(path, stream_table(queryset, columns), "csv")`` with
    ``COPY (…) TO STDOUT`` (PostgreSQL): the cells (labels, masking, formula neutralising) are computed
    by SQL and the rows written as PostgreSQL sends them. Returns the number of data rows, or None
    when the columns have no SQL form (the caller then uses ``stream_table``)."""
    import psycopg
    from django.db import connections

    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or len(columns) < 2:  # one column: csv writes an empty cell as ""
        return None
    planned = _sql_plan(queryset, columns, full_ids=full_ids)
    if planned is None:
        return None
    lookups, cells = planned
    inner, inner_params = queryset.values_list(*lookups).query.sql_with_params()
    names = ", ".join(f"c{i}" for i in range(len(cells)))
    select = ", ".join(expr for expr, _ in cells)
    params = [p for _, ps in cells for p in ps] + list(inner_params)
    sql = f"COPY (SELECT {select} FROM ({inner}) AS t({names})) TO STDOUT WITH (FORMAT csv)"
    header = io.StringIO()
    csv.writer(header).writerow([str(c.header) for c in columns])
    written = 0
    with open(path, "wb") as fh, connection.cursor() as cursor:
        raw = cursor.cursor
        statement = psycopg.ClientCursor(raw.connection).mogrify(sql, params)
        fh.write(("\ufeff" + header.getvalue()).encode("utf-8"))
        with raw.copy(statement) as copy:
            for row in copy:  # one row a message, ending in "\n" (csv ends its rows in "\r\n")
                if row[-1:] != b"\n":
                    raise ValueError("COPY sent a partial row")
                fh.write(row[:-1])
                fh.write(b"\r\n")
                written += 1
                if progress and written % every == 0:
                    progress(written)
    return written
