"""The workbooks an import hands out: the template to fill in and the file of rows to fix."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from nongzhuancheng.models import County, PoliceStation

from ..ids import make as make_id
from ..models import TransferApplication
from ..reference import Relation
from . import cells
from .validation import Result

Status = TransferApplication.Status


def _id_column(headers: list[Any]) -> int | None:
    id_header = cells.normalise_header(next(str(c.header) for c in cells.columns() if c.key == "id_number"))
    return next((i for i, h in enumerate(headers) if cells.normalise_header(h) == id_header), None)


def masked_row(headers: list[Any], row: list[Any], id_col: int | None = None) -> list[str]:
    """A row as read, its ID number masked (nongzhuancheng.masking), padded to the headers."""
    from nongzhuancheng.masking import mask

    id_col = _id_column(headers) if id_col is None else id_col
    row = list(row) + [""] * max(0, len(headers) - len(row))
    if id_col is not None and id_col < len(row) and row[id_col]:
        row[id_col] = mask(str(row[id_col]).strip())
    return row


def preview_of(result: Result, *, error_rows: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(the header and the first rows, the first ``error_rows`` bad rows) as the preview page shows
    them, masked. The header comes first, as row 1 of the file (``"header": True``)."""
    id_col = _id_column(result.headers)
    first = [{"row": 1, "cells": list(result.headers), "errors": [], "skipped": False, "header": True}]
    first += [{"row": n, "cells": masked_row(result.headers, raw, id_col), "errors": messages, "skipped": skipped}
             for n, raw, messages, skipped in result.first_rows]
    bad = [{"row": n, "cells": masked_row(result.headers, raw, id_col), "errors": messages}
           for n, raw, messages in result.bad_rows[:error_rows]]
    return first, bad


def error_rows_file(result: Result) -> bytes:
    """The bad rows as a workbook: the original columns, then 行号 and 错误说明 (fix the rows of the
    original file by their 行号 and upload it again). ID numbers are masked like everywhere else
    (nongzhuancheng.masking): the file is kept and downloaded later, the original has them whole."""
    from openpyxl import Workbook

    from nongzhuancheng.exports import neutralise
    from nongzhuancheng.masking import mask

    id_header = cells.normalise_header(next(str(c.header) for c in cells.columns() if c.key == "id_number"))
    id_col = next((i for i, h in enumerate(result.headers) if cells.normalise_header(h) == id_header), None)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("错误行"))
    ws.append([*result.headers, _("行号"), _("错误说明")])
    for number, raw, messages in result.bad_rows:
        row = list(raw)
        if id_col is not None and id_col < len(row) and row[id_col]:
            row[id_col] = mask(str(row[id_col]).strip())
        ws.append([neutralise(v) for v in row] + [""] * max(0, len(result.headers) - len(row))
                  + [number, neutralise("；".join(messages))])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


DATA_ROWS = 2000  # rows of the data sheet prepared for typing (text format, drop-down lists)


def import_template(*, user: Any) -> bytes:
    """The template workbook: the data sheet with Chinese headers (code and number columns as text)
    and a drop-down list on every coded column; a second sheet explaining each column, its allowed
    values and the station codes the user may import for; a third with an example row (only the first
    sheet is read on upload); and the lists the drop-downs offer."""
    from openpyxl import Workbook

    with translation.override(settings.LANGUAGE_CODE):
        wb = Workbook()
        stations = list(PoliceStation.objects.for_user(user).select_related("county"))
        lists = choice_lists(stations)
        _data_sheet(wb.active)
        _help_sheet(wb.create_sheet(_("填写说明")), user)
        _example_sheet(wb.create_sheet(_("示例")), stations)
        _lists_sheet(wb, wb.active, lists)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()


def choice_lists(stations: list[PoliceStation]) -> dict[str, list[str]]:
    """{column key: the values its drop-down offers} for every coded column (labels, as typed)."""
    lists = {key: [str(label) for _v, label in cls.choices] for key, cls in cells.CHOICE_CLASSES.items()}
    lists["sex"] = [_("男"), _("女")]
    lists["status"] = [str(Status.RECEIVED.label), str(Status.COMPLETED.label)]
    lists["county"] = [c.name for c in County.objects.all()]
    lists["station"] = [s.code for s in stations]
    return lists


def _lists_sheet(wb: Any, data: Any, lists: dict[str, list[str]]) -> None:
    """A sheet of the allowed values, one column a coded column, and the data sheet's drop-downs
    pointing at them (a list longer than Excel's 255 characters cannot be written inline)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = wb.create_sheet(_("选项"))
    title = sheet.title
    keys = [c.key for c in cells.columns()]
    for n, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(n)
        sheet.cell(row=1, column=n, value=str(next(c.header for c in cells.columns() if c.key == key)))
        for i, value in enumerate(values, start=2):
            sheet.cell(row=i, column=n, value=value)
        if key not in keys or not values:
            continue
        target = get_column_letter(keys.index(key) + 1)
        check = DataValidation(
            type="list", formula1=f"'{title}'!${letter}$2:${letter}${len(values) + 1}", allow_blank=True,
            showErrorMessage=True, errorTitle=_("不在可选范围内"),
            error=_("请从下拉列表中选择（见“填写说明”）。"),
        )
        check.add(f"{target}2:{target}{DATA_ROWS + 1}")
        data.add_data_validation(check)
    sheet.sheet_state = "hidden"


def _example_sheet(sheet: Any, stations: list[PoliceStation]) -> None:
    """The headers and one filled-in example row (a fictitious person whose number is valid)."""
    from openpyxl.styles import Font

    station = stations[0] if stations else None
    county = station.county if station else County.objects.first()
    area = county.code if county else "530602"
    number = make_id(area, datetime.date(1985, 3, 12), 11)  # a valid number of the county, male
    example = {
        "county": county.name if county else "", "station": station.code if station else "",
        "household_number": "000123", "household_kind": str(cells.CHOICE_CLASSES["household_kind"].choices[0][1]),
        "head_name": "张明", "township": "凤凰街道", "village": "太平社区", "address": "太平社区3组12号",
        "name": "张明", "id_number": number, "sex": _("男"), "birth_date": "1985-03-12",
        "ethnicity": "汉族", "education": "", "marital_status": "", "relation": str(Relation.HEAD.label),
        "phone": "13800000000", "occupation": "务工", "category": str(cells.CHOICE_CLASSES["category"].choices[0][1]),
        "destination_address": "昭阳区龙泉路100号", "status": str(Status.RECEIVED.label),
        "received_on": "2012-06-12", "completed_on": "",
    }
    cols = cells.columns()
    sheet.append([str(c.header) for c in cols])
    sheet.append([example.get(c.key, "") for c in cols])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append([])
    sheet.append([_("这是一行示例，请在第一张表“导入数据”中填写；上传时只读取第一张表。")])


def _data_sheet(ws: Any) -> None:
    """Headers in bold (required ones red), the code and number columns formatted as text."""
    from openpyxl.styles import Font

    cols = cells.columns()
    ws.title = _("导入数据")
    ws.append([str(c.header) for c in cols])
    for i, c in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True, color="C00000" if c.required else "000000")
        letter = cell.column_letter
        ws.column_dimensions[letter].width = 20 if c.key in ("id_number", "address", "destination_address") else 12
        if c.key in ("id_number", "station", "household_number", "phone"):
            ws.column_dimensions[letter].number_format = "@"
            for row in range(2, DATA_ROWS + 2):
                ws.cell(row=row, column=i).number_format = "@"
    ws.freeze_panes = "A2"


def _help_sheet(sheet: Any, user: Any) -> None:
    """Each column, whether it is required, how to fill it and its allowed values; then the
    stations the user may import for."""
    from openpyxl.styles import Font

    sheet.append([_("列名"), _("是否必填"), _("说明"), _("允许的值")])
    allowed = {key: "、".join(str(label) for _v, label in cls.choices) for key, cls in cells.CHOICE_CLASSES.items()}
    allowed["status"] = f"{Status.RECEIVED.label}、{Status.COMPLETED.label}"
    allowed["sex"] = _("男、女")
    allowed["county"] = "、".join(f"{c.name}（{c.code}）" for c in County.objects.all())
    for c in cells.columns():
        sheet.append([str(c.header), _("必填") if c.required else _("选填"), str(c.help), allowed.get(c.key, "")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append([])
    sheet.append([_("派出所编号"), _("派出所"), _("县区")])
    for station in PoliceStation.objects.for_user(user).select_related("county"):
        sheet.append([station.code, station.name, station.county.name])
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["C"].width = 50
    sheet.column_dimensions["D"].width = 80
