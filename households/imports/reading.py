"""Reading the rows of a checked file: CSV (UTF-8 with or without BOM, or GB18030) or the first
sheet of an .xlsx workbook (python-calamine). A file that breaks while it is read is refused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from .limits import ImportRefused, max_bytes

# The longest text a cell may hold (Excel's own limit); longer cells, and NUL characters, which no
# register field holds and PostgreSQL cannot store, are refused naming the row and the column.
MAX_CELL_CHARS = 32_767


def decode_csv(data: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM) or GB18030 (what Excel saves on Chinese Windows)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportRefused(_("无法识别 CSV 文件的编码：请保存为 UTF-8 或 GB18030（GBK）编码。")) from None


def data_lines(text: str) -> int:
    """The lines of a CSV text below its header (the progress counts data rows, never the header)."""
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    return max(0, lines - 1)


def read_rows(fmt: str, data: bytes) -> tuple[list[Any], Iterator[list[Any]], int]:
    """(headers, iterator of raw rows, estimated data-row count)."""
    if fmt == "csv":
        text = decode_csv(data)
        # the csv module's own limit (128 kB a field) would stop the reader with an error that names
        # nothing: let it read any cell the file can hold, and refuse a long one below by row and column
        csv.field_size_limit(max(csv.field_size_limit(), max_bytes()))
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            csv_headers = next(reader, None)
        except csv.Error:
            raise ImportRefused(_("无法读取 CSV 文件的表头行，文件格式有误。")) from None
        if csv_headers is None:
            raise ImportRefused(_("文件中没有表头行。"))
        return csv_headers, _csv_guarded(reader, csv_headers), data_lines(text)
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
        headers = next(rows, None)
    except Exception:  # calamine raises its own errors for broken XML, zip or password
        raise ImportRefused(_("无法读取该工作簿，文件可能已损坏。请用 Excel 打开后另存为 .xlsx 再上传。")) from None
    if headers is None:
        raise ImportRefused(_("工作簿的第一张表是空的。"))
    return headers, _cells_checked(_guarded(rows), headers), max(0, sheet.height - 1)


def _guarded(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    try:
        yield from rows
    except Exception:
        raise ImportRefused(_("读取工作簿时出错，文件可能已损坏。")) from None


def _csv_guarded(reader: Any, headers: list[Any]) -> Iterator[list[Any]]:
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportRefused(_("第 %(row)d 行无法读取（%(error)s），请检查该行的引号和分隔符。") % {
                "row": reader.line_num, "error": exc}) from None
        yield from _cells_checked(iter([row]), headers, first=reader.line_num)


def _cells_checked(rows: Iterator[list[Any]], headers: list[Any], first: int = 2) -> Iterator[list[Any]]:
    """Rows as read, refused at the first cell with a NUL character or over MAX_CELL_CHARS; rows are
    numbered as the spreadsheet shows them (the header is row 1)."""
    for n, row in enumerate(rows, start=first):
        for i, cell in enumerate(row):
            if isinstance(cell, str) and ("\x00" in cell or len(cell) > MAX_CELL_CHARS):
                column = str(headers[i]) if i < len(headers) and headers[i] else _("第 %(n)d 列") % {"n": i + 1}
                if "\x00" in cell:
                    message = _("第 %(row)d 行“%(column)s”列含有空字符（NUL），文件可能已损坏或不是文本表格。")
                else:
                    message = _("第 %(row)d 行“%(column)s”列的内容过长（%(length)d 个字符，最多 %(max)d 个）。")
                raise ImportRefused(message % {"row": n, "column": column, "length": len(cell),
                                               "max": MAX_CELL_CHARS})
        yield row
