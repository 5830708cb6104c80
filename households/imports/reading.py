"""Reading the rows of a checked file: CSV (UTF-8 with or without BOM, or GB18030) or the first
sheet of an .xlsx workbook (python-calamine). A file that breaks while it is read is refused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from .limits import ImportRefused


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


def read_rows(fmt: str, data: bytes) -> tuple[list[Any], Iterator[list[Any]], int]:
    """(headers, iterator of raw rows, estimated data-row count)."""
    if fmt == "csv":
        text = decode_csv(data)
        reader = csv.reader(io.StringIO(text, newline=""))
        csv_headers = next(reader, None)
        if csv_headers is None:
            raise ImportRefused(_("文件中没有表头行。"))
        return csv_headers, reader, text.count("\n")
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
    return headers, _guarded(rows), max(0, sheet.height - 1)


def _guarded(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    try:
        yield from rows
    except Exception:
        raise ImportRefused(_("读取工作簿时出错，文件可能已损坏。")) from None
