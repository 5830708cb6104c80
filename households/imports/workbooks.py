"""The workbooks an import hands out: the template to fill in and the file of rows to fix."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from nongzhuancheng.models import County, PoliceStation

from ..models import TransferApplication
from . import cells
from .validation import Result

Status = TransferApplication.Status


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


def import_template(*, user: Any) -> bytes:
    """The template workbook: the data sheet with Chinese headers (ID column as text) and a second
    sheet explaining each column, its allowed values and the station codes the user may import for."""
    from openpyxl import Workbook

    with translation.override(settings.LANGUAGE_CODE):
        wb = Workbook()
        _data_sheet(wb.active)
        _help_sheet(wb.create_sheet(_("填写说明")), user)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()


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
            for row in range(2, 2002):
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
