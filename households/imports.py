"""Spreadsheet import of households, people and transfer applications: the fast path.

A county office's sheet has one row per person with the household's columns repeated. The path is

    check the file (size, type, macros, encryption, zip bomb)      import_file_check
    read rows (csv: UTF-8 with or without BOM, or GB18030; xlsx: python-calamine)
    validate every row with the rules of households.services        row_check, plus claims and scope
    write households, applications, people, events and history     in one transaction

Validation calls the same functions as ``households.services`` (``person_check_identity`` over
``households.ids.parse``, ``duplicate_message`` for a person already claimed) and looks up claims,
stations and households in one query per batch. On PostgreSQL the rows go in with COPY and the
events and simple-history rows are made by the database (INSERT … SELECT); elsewhere bulk_create.

Imported applications skip ``_move`` and the per-application ``application_completed`` signal on
purpose: they record transfers already done on paper. Their ``ApplicationEvent`` rows (受理, and 办结
for completed ones) and their simple-history rows ('+', see history_enabled) are created in bulk,
with the importing user as actor and the file named in the note. Once the import has committed,
``households.signals.applications_imported`` names its completed applications (entitlements opens
their people's records in Celery tasks).

All or nothing: with ``mode="all_or_nothing"`` one bad row means nothing is written. Importing the
same file twice creates nothing the second time: a row whose ID number is already claimed by the
same person of the same household at the same station is skipped as already imported.
"""

import contextlib
import csv
import datetime
import io
import logging
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nongzhuancheng.models import County, PoliceStation
from nongzhuancheng.scoping import ADMIN, CLERK, COUNTY_OFFICER, assignment_of, can_write, role_of

from .models import ApplicationEvent, Household, Person, TransferApplication
from .reference import (
    REQUIRED_DOCUMENTS,
    Category,
    Education,
    Ethnicity,
    HouseholdKind,
    MaritalStatus,
    Relation,
)
from .services import duplicate_message, person_check_identity
from .signals import applications_imported
from .workdays import add_working_days

Status = TransferApplication.Status
logger = logging.getLogger(__name__)


def _limit(name, default):
    """An import limit from settings (read at each use, so that a deployment can change it)."""
    return getattr(settings, name, default)


def max_bytes():
    return _limit("NZC_IMPORT_MAX_BYTES", 30 * 1024 * 1024)


def max_rows():
    return _limit("NZC_IMPORT_MAX_ROWS", 200_000)


def max_uncompressed():
    return _limit("NZC_IMPORT_MAX_UNCOMPRESSED_BYTES", 300 * 1024 * 1024)


def max_ratio():
    return _limit("NZC_IMPORT_MAX_ZIP_RATIO", 100)


def history_enabled():
    """Whether imports also write simple-history '+' rows for what they create (on by default).
    They are made by the database in three INSERT … SELECT statements; on 100,000 people they add
    about 15 % to the import on a quiet machine (the historical tables carry as many indexes as the
    tables). Switched off, the audit trail of an import is its ImportJob (who, when, the file itself,
    kept) and the ApplicationEvent rows naming the file; ``manage.py populate_history --auto`` can
    add the initial rows later."""
    return _limit("NZC_IMPORT_HISTORY", True)


def inline_bytes():
    """Files up to this size are checked and imported in the request; larger ones in a Celery task."""
    return _limit("NZC_IMPORT_INLINE_BYTES", 200 * 1024)


BATCH = 5000
KEPT_ERRORS = 500  # errors kept on the job for the page; the error file has all of them

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


class ImportRefused(Exception):
    """A problem with the file as a whole (its message is shown to the user as it is)."""


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    required: bool
    help: str


def columns():
    """The template's columns, in order (headers are what a township clerk types)."""
    return [
        Col("county", _("县区"), True, _("县区名称或行政区划代码，如 昭阳区 或 530602")),
        Col("station", _("派出所编号"), True, _("受理派出所的8位编号，见“派出所编号”列表")),
        Col("household_number", _("户号"), True, _("户口簿上的户号；同一户的成员填相同户号")),
        Col("household_kind", _("户别"), True, _("农业家庭户、非农业家庭户、居民家庭户或集体户")),
        Col("head_name", _("户主姓名"), True, _("户口簿首页的户主姓名")),
        Col("township", _("乡镇"), True, _("原户籍所在乡镇")),
        Col("village", _("村（社区）"), True, _("原户籍所在村（社区）")),
        Col("address", _("住址"), True, _("户口簿首页的住址")),
        Col("name", _("姓名"), True, _("转户人员姓名")),
        Col("id_number", _("公民身份号码"), True, _("18位（或旧版15位）号码；请把该列设为文本格式，以免被改成科学计数法")),
        Col("sex", _("性别"), False, _("男或女；可不填，由身份号码得出；填写时须与号码一致")),
        Col("birth_date", _("出生日期"), False, _("YYYY-MM-DD；可不填；填写时须与身份号码一致")),
        Col("ethnicity", _("民族"), False, _("如 汉族、回族、苗族、彝族（GB/T 3304）；不填为汉族")),
        Col("education", _("文化程度"), False, _("GB/T 4658，如 初级中学、小学")),
        Col("marital_status", _("婚姻状况"), False, _("未婚、已婚、丧偶、离婚、未说明")),
        Col("relation", _("与户主关系"), True, _("户主、配偶、子女、父母等")),
        Col("phone", _("联系电话"), False, _("手机或固定电话")),
        Col("occupation", _("职业"), False, _("如 务工、经商")),
        Col("category", _("转户类别"), True, _("十一类之一，见“转户类别”列表")),
        Col("destination_address", _("迁入城镇地址"), True, _("迁入的城镇详细地址")),
        Col("status", _("办理状态"), True, _("受理 或 办结")),
        Col("received_on", _("受理日期"), True, _("YYYY-MM-DD，不能晚于今天")),
        Col("completed_on", _("办结日期"), False, _("状态为办结时必填，YYYY-MM-DD，不早于受理日期、不晚于今天")),
    ]


# Columns whose values go to a model field with a max_length, checked before writing.
_LENGTHS = {
    "household_number": Household._meta.get_field("number").max_length,
    "head_name": Household._meta.get_field("head_name").max_length,
    "township": Household._meta.get_field("township").max_length,
    "village": Household._meta.get_field("village").max_length,
    "address": Household._meta.get_field("address").max_length,
    "name": Person._meta.get_field("name").max_length,
    "phone": Person._meta.get_field("phone").max_length,
    "occupation": Person._meta.get_field("occupation").max_length,
    "destination_address": Person._meta.get_field("destination_address").max_length,
}
_CHOICE_CLASSES = {
    "household_kind": HouseholdKind,
    "ethnicity": Ethnicity,
    "education": Education,
    "marital_status": MaritalStatus,
    "relation": Relation,
    "category": Category,
}


def _choice_map(choices):
    mapping = {}
    for value, label in choices.choices:
        mapping[str(value)] = value
        mapping[str(label)] = value
        if str(label).endswith("族") and len(str(label)) > 2:
            mapping[str(label)[:-1]] = value  # 汉 for 汉族
    return mapping


def _normalise_header(text):
    return unicodedata.normalize("NFKC", str(text or "")).strip().lstrip("*").strip()


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Result:
    rows_read: int = 0
    rows_error: int = 0
    rows_skipped: int = 0
    rows_written: int = 0
    households_new: int = 0
    people_new: int = 0
    applications_new: int = 0
    errors: list = field(default_factory=list)  # RowError
    bad_rows: list = field(default_factory=list)  # (row number, raw values, [messages])
    headers: list = field(default_factory=list)
    timings: dict = field(default_factory=lambda: {"read": 0.0, "validate": 0.0, "write": 0.0})
    written: bool = False
    refused: bool = False
    message: str = ""


# --------------------------------------------------------------------------------------------------
# The file: limits and formats


def import_file_check(*, name, data):
    """The file's format ('csv' or 'xlsx'); raises ImportRefused with a Chinese message otherwise."""
    lower = (name or "").lower()
    if len(data) > max_bytes():
        raise ImportRefused(
            _("文件过大：%(size)s MB，上限为 %(max)s MB。请拆分后分批导入。")
            % {"size": round(len(data) / 1048576, 1), "max": round(max_bytes() / 1048576, 1)}
        )
    if not data:
        raise ImportRefused(_("文件是空的。"))
    if lower.endswith((".xlsm", ".xltm", ".xlsb")):
        raise ImportRefused(_("不接受启用宏的工作簿（.xlsm 等）。请另存为普通的 .xlsx 文件后再上传。"))
    if data[:8] == OLE2_MAGIC:
        raise ImportRefused(
            _("该文件是加密（设置了打开密码）的工作簿或旧版 .xls 文件，无法读取。请取消密码并另存为 .xlsx 后再上传。")
        )
    if lower.endswith(".xlsx"):
        if data[:4] != ZIP_MAGIC:
            raise ImportRefused(_("文件扩展名是 .xlsx，但内容不是 Excel 工作簿，文件可能已损坏。"))
        _zip_check(data)
        return "xlsx"
    if lower.endswith(".csv"):
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise ImportRefused(_("CSV 文件是 UTF-16 编码，无法读取。请另存为 UTF-8 或 GB18030（GBK）编码的 CSV。"))
        if data[:4] == ZIP_MAGIC or b"\x00" in data[:4096]:
            raise ImportRefused(_("文件扩展名是 .csv，但内容不是文本表格。"))
        return "csv"
    raise ImportRefused(_("只接受 .xlsx 或 .csv 文件。请使用下载的模板填写。"))


def _zip_check(data):
    """Refuse macros and zip bombs before anything decompresses the workbook."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRefused(_("无法打开该工作簿，文件可能已损坏。")) from None
    total = 0
    for info in infos:
        total += info.file_size
        if info.filename.lower().endswith("vbaproject.bin"):
            raise ImportRefused(_("该工作簿含有宏（VBA），不予接受。请另存为普通的 .xlsx 文件后再上传。"))
        if info.compress_size and info.file_size > 1024 * 1024 and info.file_size / info.compress_size > max_ratio():
            raise ImportRefused(_("该工作簿的压缩比异常（疑似“压缩炸弹”），已拒绝。"))
    if total > max_uncompressed():
        raise ImportRefused(
            _("该工作簿解压后达 %(size)s MB，超过上限 %(max)s MB（疑似“压缩炸弹”），已拒绝。")
            % {"size": total // 1048576, "max": max_uncompressed() // 1048576}
        )
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise ImportRefused(_("无法打开该工作簿，文件可能已损坏。"))
    if b"macroEnabled" in archive.read("[Content_Types].xml"):
        raise ImportRefused(_("该工作簿是启用宏的格式，不予接受。请另存为普通的 .xlsx 文件后再上传。"))


def decode_csv(data):
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


def read_rows(fmt, data):
    """(headers, iterator of raw rows, estimated data-row count)."""
    if fmt == "csv":
        text = decode_csv(data)
        reader = csv.reader(io.StringIO(text, newline=""))
        headers = next(reader, None)
        if headers is None:
            raise ImportRefused(_("文件中没有表头行。"))
        return headers, reader, text.count("\n")
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


def _guarded(rows):
    try:
        yield from rows
    except Exception:
        raise ImportRefused(_("读取工作簿时出错，文件可能已损坏。")) from None


# --------------------------------------------------------------------------------------------------
# Cells


def _text(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


_DATE_FORMATS = ("%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def _date(value):
    """A date from a cell (date, Excel serial number or text); None when blank; ValueError if unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 200000:
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise ValueError(value)
    text = str(value).strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def row_check(data, *, today):
    """The rules ``households.services`` applies to one member, for a row already mapped to Person
    fields. Returns (cleaned data, {field: message}). Claims are checked by the caller in bulk."""
    errors = {}
    try:
        rid = person_check_identity(
            id_number=data["id_number"], sex=data.get("sex") or None, birth_date=data.get("birth_date") or None,
            today=today,
        )
        data["id_number"], data["sex"], data["birth_date"] = rid.number, rid.sex, rid.birth_date
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors[key] = messages[0]
    if not data.get("name"):
        errors["name"] = _("请填写姓名。")
    if data.get("category") not in _CATEGORIES:
        errors["category"] = _("转户类别必须是十一类之一。")
    if not data.get("destination_address"):
        errors["destination_address"] = _("请填写迁入城镇地址。")
    return data, errors


# --------------------------------------------------------------------------------------------------
# Validation of a whole file


class _Group:
    """One household of the file: where it is, its register data and its application."""

    __slots__ = ("key", "row", "station", "number", "household", "status", "received_on", "completed_on", "people")

    def __init__(self, key, row, station, number, household, status, received_on, completed_on):
        self.key, self.row, self.station, self.number = key, row, station, number
        self.household, self.status = household, status
        self.received_on, self.completed_on = received_on, completed_on
        self.people = []


class _Validator:
    def __init__(self, *, actor, headers, today):
        self.actor = actor
        self.today = today
        self.role = role_of(actor)
        self.assignment = assignment_of(actor)
        cols = columns()
        self.header_of = {c.key: str(c.header) for c in cols}
        index = {}
        for i, raw in enumerate(headers):
            index.setdefault(_normalise_header(raw), i)
        missing = [str(c.header) for c in cols if c.required and _normalise_header(c.header) not in index]
        if missing:
            raise ImportRefused(
                _("表头缺少必填列：%(cols)s。请使用下载的模板。") % {"cols": "、".join(missing)}
            )
        self.positions = [(c.key, index.get(_normalise_header(c.header))) for c in cols]
        self.required = [c.key for c in cols if c.required]
        self.choices = {key: _choice_map(cls) for key, cls in _CHOICE_CLASSES.items()}
        self.statuses = {
            str(Status.RECEIVED.label): Status.RECEIVED, Status.RECEIVED.value: Status.RECEIVED,
            str(Status.COMPLETED.label): Status.COMPLETED, Status.COMPLETED.value: Status.COMPLETED,
        }
        self.sexes = {"男": "M", "女": "F", "M": "M", "F": "F", "m": "M", "f": "F"}
        self.counties = {}
        for county in County.objects.all():
            for code in [county.code, county.name, *county.all_codes]:
                self.counties[code] = county
        self.stations = {s.code: s for s in PoliceStation.objects.select_related("county")}
        self.seen = {}  # id number -> row number
        self.groups = {}  # (station id, household number) -> _Group

    def map_row(self, raw):
        """Raw cells -> (values by key, {key: message})."""
        values, errors = {}, {}
        width = len(raw)
        for key, pos in self.positions:
            values[key] = raw[pos] if pos is not None and pos < width else None
        for key in self.required:
            v = values[key]
            if v is None or (isinstance(v, str) and not v.strip()):
                errors[key] = _("此项为必填，不能为空。")
        return values, errors

    def check(self, number, raw):
        """Validate one row. Returns (group, person dict, {key: message})."""
        values, errors = self.map_row(raw)
        out = {}
        # ID number first: a number typed into a numeric cell has lost its last digits.
        id_raw = values["id_number"]
        if isinstance(id_raw, (int, float)) and not isinstance(id_raw, bool) and abs(id_raw) >= 10**15:
            errors["id_number"] = _("身份号码被存成了数字，后几位已丢失。请把该列设为文本格式后重新填写。")
        for key in ("county", "station", "household_number", "head_name", "township", "village", "address",
                    "name", "phone", "occupation", "destination_address", "status", "sex"):
            out[key] = _text(values[key])
        for key, limit in _LENGTHS.items():
            if len(out[key]) > limit:
                errors.setdefault(key, _("不能超过 %(n)d 个字符。") % {"n": limit})
        for key, mapping in self.choices.items():
            text = _text(values[key])
            if key == "ethnicity" and text.isdigit() and len(text) == 1:
                text = "0" + text
            if not text:
                out[key] = Ethnicity.HAN.value if key == "ethnicity" else ""
                continue
            value = mapping.get(text)
            if value is None:
                if key not in errors:
                    errors[key] = (
                        _("转户类别“%(v)s”不是十一类之一。") % {"v": text} if key == "category"
                        else _("“%(v)s”不是允许的值，见模板的“填写说明”。") % {"v": text}
                    )
                out[key] = ""
            else:
                out[key] = value
        # Place and scope.
        county = self.counties.get(out["county"]) if out["county"] else None
        station = self.stations.get(out["station"]) if out["station"] else None
        if out["county"] and county is None:
            errors["county"] = _("未知的县区“%(v)s”。") % {"v": out["county"]}
        if out["station"] and station is None:
            errors["station"] = _("未知的派出所编号“%(v)s”。") % {"v": out["station"]}
        elif station is not None and county is not None and station.county_id != county.pk:
            errors["station"] = _("派出所编号 %(s)s（%(n)s）不属于%(c)s。") % {
                "s": station.code, "n": station, "c": county.name}
        if county is not None and "county" not in errors and self.role == COUNTY_OFFICER \
                and county.pk != self.assignment.county_id:
            errors["county"] = _("只能导入本县区（%(c)s）的数据，这一行是%(r)s。") % {
                "c": self.assignment.county, "r": county.name}
        if station is not None and "station" not in errors and self.role == CLERK \
                and station.pk != self.assignment.station_id:
            errors["station"] = _("只能导入本派出所（%(s)s）的数据。") % {"s": self.assignment.station}
        # Status and dates.
        status = self.statuses.get(out["status"]) if out["status"] else None
        if out["status"] and status is None:
            errors["status"] = _("办理状态只能是“受理”或“办结”。")
        dates = {}
        for key in ("received_on", "completed_on", "birth_date"):
            try:
                dates[key] = _date(values[key])
            except ValueError:
                errors.setdefault(key, _("无法识别的日期“%(v)s”，请写成 YYYY-MM-DD。") % {"v": _text(values[key])})
                dates[key] = None
                continue
            if dates[key] is not None and dates[key] > self.today:
                errors.setdefault(key, _("日期 %(d)s 晚于今天。") % {"d": dates[key].isoformat()})
        received_on, completed_on = dates["received_on"], dates["completed_on"]
        if status == Status.COMPLETED and completed_on is None and "completed_on" not in errors:
            errors["completed_on"] = _("办理状态为“办结”时必须填写办结日期。")
        if status == Status.RECEIVED and completed_on is not None:
            errors.setdefault("completed_on", _("办理状态为“受理”时不应填写办结日期。"))
        if received_on and completed_on and completed_on < received_on:
            errors.setdefault("completed_on", _("办结日期早于受理日期。"))
        # The person: the same rules as households.services.
        person = {
            "name": out["name"], "id_number": _text(id_raw), "sex": self.sexes.get(out["sex"], out["sex"]),
            "birth_date": dates["birth_date"], "ethnicity": out["ethnicity"], "education": out["education"],
            "marital_status": out["marital_status"], "relation": out["relation"], "phone": out["phone"],
            "occupation": out["occupation"], "category": out["category"],
            "destination_address": out["destination_address"],
        }
        if out["sex"] and person["sex"] not in ("M", "F"):
            errors.setdefault("sex", _("性别只能填“男”或“女”。"))
            person["sex"] = ""
        if "birth_date" in errors:
            person["birth_date"] = None
        if "id_number" not in errors:
            person, person_errors = row_check(person, today=self.today)
            for key, message in person_errors.items():
                if key == "category" and "category" in errors:
                    continue
                errors.setdefault(key, message)
        # The same person twice in the file.
        if "id_number" not in errors:
            earlier = self.seen.get(person["id_number"])
            if earlier is not None:
                errors["id_number"] = _("与第 %(n)d 行是同一人（身份号码重复）。") % {"n": earlier}
            else:
                self.seen[person["id_number"]] = number
        # The household and its application: the first good row of a household defines them.
        group = None
        group_keys = ("county", "station", "household_number", "household_kind", "head_name", "township",
                      "village", "address", "status", "received_on", "completed_on")
        if station is not None and not any(k in errors for k in group_keys):
            key = (station.pk, out["household_number"])
            group = self.groups.get(key)
            if group is None:
                household = {k: out[k] for k in ("head_name", "township", "village", "address")}
                household["kind"] = out["household_kind"] or HouseholdKind.AGRICULTURAL
                group = _Group(key, number, station, out["household_number"], household, status,
                               received_on, completed_on)
                self.groups[key] = group
            elif (group.status, group.received_on, group.completed_on) != (status, received_on, completed_on):
                errors["status"] = _("同一户（户号 %(h)s）的办理状态和日期应与第 %(n)d 行相同。") % {
                    "h": out["household_number"], "n": group.row}
        return group, person, errors

    def claims(self, batch):
        """Claims already held on the batch's ID numbers, in one query: {id number: (person pk,
        station id, household number, name)}."""
        wanted = [person["id_number"] for _n, _raw, _g, person, errors in batch if not errors]
        if not wanted:
            return {}
        if connection.vendor == "postgresql":  # one array parameter instead of 5,000 placeholders
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT p.id_number, p.id, p.station_id, h.number, p.name FROM {_PERSON_TABLE} p "
                    f"JOIN {_HOUSEHOLD_TABLE} h ON h.id = p.household_id "
                    "WHERE p.holds_claim AND p.id_number = ANY(%s)",
                    [wanted],
                )
                rows = cursor.fetchall()
        else:
            rows = Person.objects.filter(id_number__in=wanted, holds_claim=True).values_list(
                "id_number", "pk", "station_id", "household__number", "name"
            )
        return {r[0]: r[1:] for r in rows}


_PERSON_TABLE = Person._meta.db_table
_HOUSEHOLD_TABLE = Household._meta.db_table
_CATEGORIES = frozenset(Category.values)


def import_validate(*, actor, headers, rows, progress=None, result=None):
    """Validate every row; returns (Result, the households of the file with their good people)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _validate(actor=actor, headers=headers, rows=rows, progress=progress, result=result)


def _blank(raw):
    """A line with nothing in it (empty cells, or cells of spaces only)."""
    if not any(raw):
        return True
    try:
        return not "".join(raw).strip()
    except TypeError:  # a number or a date among the cells
        return False


def _validate(*, actor, headers, rows, progress, result):
    result = result or Result()
    today = timezone.localdate()
    v = _Validator(actor=actor, headers=headers, today=today)
    result.headers = [_text(h) for h in headers]
    header_of = v.header_of
    number = 1  # the header is row 1 of the sheet
    rows = iter(rows)
    while True:
        t0 = time.perf_counter()
        raw_batch = []
        for raw in rows:
            number += 1
            if _blank(raw):
                continue
            raw_batch.append((number, raw))
            if len(raw_batch) >= BATCH:
                break
        t1 = time.perf_counter()
        result.timings["read"] += t1 - t0
        if not raw_batch:
            break
        result.rows_read += len(raw_batch)
        if result.rows_read > max_rows():
            raise ImportRefused(
                _("文件超过 %(max)d 行的上限。请拆分后分批导入。") % {"max": max_rows()}
            )
        batch = []
        for n, raw in raw_batch:
            group, person, errors = v.check(n, raw)
            batch.append((n, raw, group, person, errors))
        found = v.claims(batch)
        claimed = {}  # person pk -> rows whose ID number that person already holds
        skipped = set()
        for n, _raw, group, person, errors in batch:
            if not errors:
                existing = found.get(person["id_number"])
                if existing is not None:
                    pk, station_id, household_number, name = existing
                    if (group is not None and station_id == group.station.pk and household_number == group.number
                            and name == person["name"]):
                        result.rows_skipped += 1
                        skipped.add(n)
                        continue
                    claimed.setdefault(pk, []).append(errors)
                    errors["id_number"] = None  # filled in below with where and when
        if claimed:
            for existing in Person.objects.filter(pk__in=list(claimed)).select_related(
                "application", "station", "station__county"
            ):
                for errors in claimed[existing.pk]:
                    errors["id_number"] = duplicate_message(existing)
        for n, raw, group, person, errors in batch:
            if errors:
                messages = []
                for key, message in errors.items():
                    if len(result.errors) < KEPT_ERRORS:
                        result.errors.append(RowError(n, header_of[key], str(message)))
                    messages.append(f"{header_of[key]}：{message}")
                result.rows_error += 1
                result.bad_rows.append((n, [_text(c) for c in raw], messages))
            elif n not in skipped:
                group.people.append(person)
        result.timings["validate"] += time.perf_counter() - t1
        if progress:
            progress(rows_read=result.rows_read, rows_error=result.rows_error, rows_skipped=result.rows_skipped)
    groups = [g for g in v.groups.values() if g.people]
    result.people_new = sum(len(g.people) for g in groups)
    result.applications_new = len(groups)
    t0 = time.perf_counter()
    existing = _existing_households(groups)
    for g in groups:
        g.household["id"] = existing.get(g.key)
    result.households_new = sum(1 for g in groups if g.household["id"] is None)
    result.timings["validate"] += time.perf_counter() - t0
    return result, groups


def _existing_households(groups):
    numbers = sorted({g.number for g in groups})
    stations = sorted({g.station.pk for g in groups})
    found = {}
    for i in range(0, len(numbers), BATCH):
        for pk, station_id, number in Household.objects.filter(
            station_id__in=stations, number__in=numbers[i:i + BATCH]
        ).values_list("pk", "station_id", "number"):
            found[(station_id, number)] = pk
    return found


# --------------------------------------------------------------------------------------------------
# Writing


@contextlib.contextmanager
def _timed(timings, key):
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[key] = timings.get(key, 0.0) + time.perf_counter() - start


def import_write(*, actor, groups, note, progress=None, timings=None, completed_ids=None):
    """Write the households, applications, people, events and history of ``groups`` in the current
    transaction. Returns the number of people written. ``timings`` gets the seconds of each step;
    ``completed_ids``, a list, gets the ids of the completed applications written."""
    timings = {} if timings is None else timings
    now = timezone.now()
    due = {}
    for g in groups:
        if g.received_on not in due:
            due[g.received_on] = add_working_days(g.received_on, settings.NZC_TIME_LIMIT_WORKING_DAYS)
    with _timed(timings, "write_rows"):
        if connection.vendor == "postgresql":
            app_ids = _write_copy(actor=actor, groups=groups, note=note, now=now, due=due, progress=progress)
        else:
            app_ids = _write_bulk(actor=actor, groups=groups, note=note, now=now, due=due)
    if completed_ids is not None:
        completed_ids += [pk for g, pk in zip(groups, app_ids, strict=True) if g.status == Status.COMPLETED]
    new_household_ids = [g.household["id"] for g in groups if g.household.get("new")]
    reason = _("表格导入")
    with _timed(timings, "write_events"):
        _events(actor=actor, app_ids=app_ids, now=now, note=note)
    if not history_enabled():
        return sum(len(g.people) for g in groups)
    with _timed(timings, "write_history"):
        _history(Household, new_household_ids, now=now, actor=actor, reason=reason)
        _history(TransferApplication, app_ids, now=now, actor=actor, reason=reason)
        _history(Person, app_ids, now=now, actor=actor, reason=reason, key="application_id")
    return sum(len(g.people) for g in groups)


def _app_fields(g, app_id, actor, note, now, due):
    completed = g.status == Status.COMPLETED
    return {
        "id": app_id,
        "number": f"{g.station.county.code}{g.received_on:%Y%m%d}{app_id:07d}" if app_id else None,
        "household_id": g.household["id"], "county_id": g.station.county_id, "station_id": g.station.pk,
        "status": g.status, "received_on": g.received_on, "due_on": due[g.received_on],
        "completed_on": g.completed_on if completed else None,
        "documents": list(REQUIRED_DOCUMENTS) if completed else [], "note": note,
        "created_by_id": actor.pk, "created_at": now, "updated_at": now,
    }


_HOUSEHOLD_COLS = ["id", "county_id", "station_id", "number", "kind", "head_name", "township", "village", "address",
                   "created_at", "updated_at"]
_APP_COLS = ["id", "number", "household_id", "county_id", "station_id", "status", "received_on", "due_on",
             "completed_on", "documents", "note", "created_by_id", "created_at", "updated_at"]
_PERSON_COLS = ["application_id", "household_id", "name", "id_number", "sex", "birth_date", "ethnicity",
                "education", "marital_status", "relation", "phone", "occupation", "category",
                "destination_address", "holds_claim", "county_id", "station_id", "completed_on"]


def _allocate(model, n):
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
        )
        return [r[0] for r in cursor.fetchall()]


def _copy(table, cols, rows):
    qn = connection.ops.quote_name
    sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in cols)}) FROM STDIN"
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def _write_copy(*, actor, groups, note, now, due, progress):
    import json

    new = [g for g in groups if g.household["id"] is None]
    for g, pk in zip(new, _allocate(Household, len(new)), strict=True):
        g.household["id"] = pk
        g.household["new"] = True
    _copy(Household._meta.db_table, _HOUSEHOLD_COLS, (
        (g.household["id"], g.station.county_id, g.station.pk, g.number, g.household["kind"],
         g.household["head_name"], g.household["township"], g.household["village"], g.household["address"],
         now, now)
        for g in new
    ))
    app_ids = _allocate(TransferApplication, len(groups))
    apps = []
    for g, pk in zip(groups, app_ids, strict=True):
        a = _app_fields(g, pk, actor, note, now, due)
        a["documents"] = json.dumps(a["documents"])
        apps.append([a[c] for c in _APP_COLS])
    _copy(TransferApplication._meta.db_table, _APP_COLS, apps)
    written = 0

    def people():
        nonlocal written
        for g, app_id in zip(groups, app_ids, strict=True):
            completed_on = g.completed_on if g.status == Status.COMPLETED else None
            hh, county_id, station_id = g.household["id"], g.station.county_id, g.station.pk
            for p in g.people:
                yield (app_id, hh, p["name"], p["id_number"], p["sex"], p["birth_date"], p["ethnicity"],
                       p["education"], p["marital_status"], p["relation"], p["phone"], p["occupation"],
                       p["category"], p["destination_address"], True, county_id, station_id, completed_on)
                written += 1
                if progress and written % 20000 == 0:
                    progress(rows_written=written)

    _copy(Person._meta.db_table, _PERSON_COLS, people())
    return app_ids


def _write_bulk(*, actor, groups, note, now, due):
    new = [g for g in groups if g.household["id"] is None]
    households = Household.objects.bulk_create(
        [Household(county_id=g.station.county_id, station_id=g.station.pk, number=g.number, **{
            k: g.household[k] for k in ("kind", "head_name", "township", "village", "address")}) for g in new],
        batch_size=1000,
    )
    for g, h in zip(new, households, strict=True):
        g.household["id"] = h.pk
        g.household["new"] = True
    apps = []
    for g in groups:
        fields = _app_fields(g, None, actor, note, now, due)
        fields.pop("id")
        apps.append(TransferApplication(**fields))
    apps = TransferApplication.objects.bulk_create(apps, batch_size=1000)
    for g, app in zip(groups, apps, strict=True):
        app.number = f"{g.station.county.code}{g.received_on:%Y%m%d}{app.pk:07d}"
    TransferApplication.objects.bulk_update(apps, ["number"], batch_size=1000)
    people = []
    for g, app in zip(groups, apps, strict=True):
        for p in g.people:
            people.append(Person(
                application_id=app.pk, household_id=g.household["id"], county_id=g.station.county_id,
                station_id=g.station.pk, holds_claim=True, completed_on=app.completed_on, **p,
            ))
    Person.objects.bulk_create(people, batch_size=1000)
    return [a.pk for a in apps]


def _in_chunks(ids):
    if connection.vendor == "postgresql":
        # a join with the unnested array: "= ANY(array)" compares every row with every element
        yield "IN (SELECT unnest(%s::bigint[]))", [list(ids)]
        return
    for i in range(0, len(ids), 500):
        chunk = list(ids[i:i + 500])
        yield f"IN ({', '.join(['%s'] * len(chunk))})", chunk


def _events(*, actor, app_ids, now, note):
    """受理 for every imported application, then 办结 for the completed ones, made by the database."""
    if not app_ids:
        return
    qn = connection.ops.quote_name
    event = qn(ApplicationEvent._meta.db_table)
    app = qn(TransferApplication._meta.db_table)
    cols = "application_id, actor_id, at, from_status, to_status, note"
    with connection.cursor() as cursor:
        for where, params in _in_chunks(app_ids):
            cursor.execute(
                f"INSERT INTO {event} ({cols}) SELECT id, %s, %s, '', %s, %s FROM {app} WHERE id {where}",
                [actor.pk, now, Status.RECEIVED.value, note, *params],
            )
            cursor.execute(
                f"INSERT INTO {event} ({cols}) SELECT id, %s, %s, %s, %s, %s FROM {app} "
                f"WHERE status = %s AND id {where}",
                [actor.pk, now, Status.RECEIVED.value, Status.COMPLETED.value, note, Status.COMPLETED.value, *params],
            )


def _history(model, ids, *, now, actor, reason, key="id"):
    """simple_history's '+' rows for rows just written, copied by the database."""
    if not ids:
        return
    qn = connection.ops.quote_name
    hist = model.history.model
    hist_cols = {f.column for f in hist._meta.concrete_fields}
    cols = [f.column for f in model._meta.concrete_fields if f.column in hist_cols]
    target = ", ".join(qn(c) for c in cols + ["history_date", "history_change_reason", "history_type",
                                                  "history_user_id"])
    source = ", ".join(qn(c) for c in cols)
    with connection.cursor() as cursor:
        for where, params in _in_chunks(ids):
            cursor.execute(
                f"INSERT INTO {qn(hist._meta.db_table)} ({target}) SELECT {source}, %s, %s, '+', %s "
                f"FROM {qn(model._meta.db_table)} WHERE {qn(key)} {where}",
                [now, reason[:100], actor.pk, *params],
            )


# --------------------------------------------------------------------------------------------------
# The whole path


def import_file(*, actor, name, data, mode, dry_run=False, progress=None):
    """Check, read, validate and (unless ``dry_run``) write a file. Returns a Result.

    Raises ImportRefused for a problem with the file as a whole, PermissionDenied for a read-only role."""
    if not can_write(actor) or role_of(actor) not in (CLERK, COUNTY_OFFICER, ADMIN):
        raise PermissionDenied(_("当前角色不能导入数据。"))
    fmt = import_file_check(name=name, data=data)
    t0 = time.perf_counter()
    headers, rows, estimate = read_rows(fmt, data)
    if progress:
        progress(rows_total=estimate, phase="checking")
    result = Result()
    result.timings["read"] += time.perf_counter() - t0
    result, groups = import_validate(actor=actor, headers=headers, rows=rows, progress=progress, result=result)
    with translation.override(settings.LANGUAGE_CODE):
        if dry_run:
            return result
        if result.rows_error and mode == "all_or_nothing":
            result.refused = True
            result.message = _("有 %(n)d 行错误。按“全部或全不”方式，本次没有导入任何数据；请改正错误行后重新上传。") % {
                "n": result.rows_error}
            return result
        if not groups:
            result.message = _("没有需要导入的新数据。")
            return result
        note = _("表格导入：%(f)s") % {"f": name}
        t0 = time.perf_counter()
        if progress:
            progress(phase="writing")
        completed_ids = []
        try:
            with _timed(result.timings, "write_commit"), transaction.atomic():
                result.rows_written = import_write(actor=actor, groups=groups, note=note[:200], progress=progress,
                                                   timings=result.timings, completed_ids=completed_ids)
        except IntegrityError:
            raise ImportRefused(
                _("导入期间有其他人员登记了相同的身份号码或户号，本次没有导入任何数据。请重新上传检查。")
            ) from None
        result.timings["write"] = time.perf_counter() - t0
        if completed_ids:
            # after the commit (at once, unless a caller's transaction is still open), outside the
            # write timings: the receivers queue their work (entitlements: Celery tasks)
            with _timed(result.timings, "after_commit"):
                transaction.on_commit(partial(_announce, actor, completed_ids))
        result.written = True
        result.message = _("已导入 %(p)d 人（%(a)d 份申请，新建 %(h)d 户）。") % {
            "p": result.rows_written, "a": result.applications_new, "h": result.households_new}
    return result


def _announce(actor, completed_ids):
    """applications_imported, sent once the import has committed. A receiver's failure is logged and
    does not turn the import, already written, into an error."""
    for receiver, outcome in applications_imported.send_robust(
        sender=TransferApplication, application_ids=completed_ids, actor=actor
    ):
        if isinstance(outcome, Exception):
            logger.error("applications_imported: %r failed for %d applications", receiver, len(completed_ids),
                         exc_info=outcome)


# --------------------------------------------------------------------------------------------------
# Import jobs: the upload, its check (preview), its import, their progress and their error file


def import_job_create(*, actor, upload, mode):
    """Keep an uploaded file as a job (refuses a bad file at once with ImportRefused)."""
    from .import_models import ImportJob

    role = role_of(actor)
    if not can_write(actor) or role not in (CLERK, COUNTY_OFFICER, ADMIN):
        raise PermissionDenied(_("当前角色不能导入数据。"))
    if mode not in ImportJob.Mode.values:
        raise ImportRefused(_("请选择导入方式。"))
    if upload.size > max_bytes():
        raise ImportRefused(
            _("文件过大：%(size)s MB，上限为 %(max)s MB。请拆分后分批导入。")
            % {"size": round(upload.size / 1048576, 1), "max": round(max_bytes() / 1048576, 1)}
        )
    data = upload.read()
    name = (upload.name or "upload").rsplit("/", 1)[-1][:200]
    fmt = import_file_check(name=name, data=data)
    assignment = assignment_of(actor)
    job = ImportJob(
        created_by=actor, original_name=name, file_format=fmt, mode=mode,
        county_id=assignment.county_id if assignment and role != ADMIN else None,
        station_id=assignment.station_id if assignment and role == CLERK else None,
    )
    job.file.save(f"upload.{fmt}", ContentFile(data), save=False)
    job.save()
    return job


def import_job_start(*, job, actor, run):
    """Queue the check (``run=False``) or the import (``run=True``) of a job: small files at once,
    large ones in a Celery task enqueued on commit. Returns the job."""
    from .import_models import ImportJob

    if not can_write(actor):
        raise PermissionDenied(_("当前角色不能导入数据。"))
    State = ImportJob.State
    if run and job.state != State.CHECKED:
        raise ValidationError(_("只有检查完成的文件可以导入。"))
    job.state = State.IMPORTING if run else State.QUEUED
    job.phase = ""
    job.rows_read = job.rows_written = 0
    job.save(update_fields=["state", "phase", "rows_read", "rows_written"])
    if job.file.size <= inline_bytes():
        (import_job_run if run else import_job_check)(job_id=job.pk)
        job.refresh_from_db()
        return job
    from .tasks import import_job_check_task, import_job_run_task

    task = import_job_run_task if run else import_job_check_task
    transaction.on_commit(lambda: task.delay(job.pk))
    return job


def import_job_check(*, job_id):
    """The preview: read and validate everything, write nothing. Safe to run twice."""
    return _job_execute(job_id, dry_run=True)


def import_job_run(*, job_id):
    """The import itself (validation again, then the write). Safe to run twice: a finished job is
    left alone, and rows already imported are skipped."""
    return _job_execute(job_id, dry_run=False)


class _JobProgress:
    """Writes a job's counters where other connections can read them, even from inside the import's
    transaction (a second connection on PostgreSQL; on SQLite, which has one writer, only outside it)."""

    def __init__(self, job_id):
        self.job_id = job_id
        self.side = None

    def __call__(self, **fields):
        from .import_models import ImportJob

        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(**fields)
            return
        if connection.vendor != "postgresql":
            return
        if self.side is None:
            self.side = connection.copy()
        sets = ", ".join(f"{connection.ops.quote_name(k)} = %s" for k in fields)
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {connection.ops.quote_name(ImportJob._meta.db_table)} SET {sets} WHERE id = %s",
                [*fields.values(), self.job_id],
            )

    def close(self):
        if self.side is not None:
            self.side.close()


def _job_execute(job_id, *, dry_run):
    from .import_models import ImportJob

    State = ImportJob.State
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    expected = State.IMPORTING if not dry_run else State.QUEUED
    if job.state not in (expected, State.CHECKING if dry_run else State.IMPORTING):
        return job  # already done (a task delivered twice)
    if dry_run:
        job.state = State.CHECKING
        job.save(update_fields=["state"])
    progress = _JobProgress(job.pk)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with job.file.open("rb") as f:
                data = f.read()
            result = import_file(
                actor=job.created_by, name=job.original_name, data=data, mode=job.mode, dry_run=dry_run,
                progress=progress,
            )
        except (ImportRefused, PermissionDenied) as exc:
            job.state, job.message, job.phase = State.FAILED, str(exc), ""
            job.finished_at = timezone.now()
            job.save()
            return job
        except Exception:
            ImportJob.objects.filter(pk=job.pk).update(
                state=State.FAILED, phase="", message=_("导入时发生内部错误，没有导入任何数据。请联系管理员。"),
                finished_at=timezone.now(),
            )
            raise
        finally:
            progress.close()
        job.rows_total = result.rows_read
        job.rows_read, job.rows_error, job.rows_skipped = result.rows_read, result.rows_error, result.rows_skipped
        job.rows_written = result.rows_written
        job.households_new, job.people_new = result.households_new, result.people_new
        job.applications_new = result.applications_new
        job.errors = [e.as_dict() for e in result.errors]
        job.timings = {k: round(v, 3) for k, v in result.timings.items()}
        job.phase = ""
        if result.bad_rows:
            job.error_file.save(f"errors-{job.pk}.xlsx", ContentFile(error_rows_file(result)), save=False)
        if dry_run:
            job.state = State.CHECKED
            job.message = _preview_message(job)
        else:
            job.state = State.REFUSED if result.refused else State.DONE
            job.message = result.message
            job.finished_at = timezone.now()
        job.save()
    return job


def _preview_message(job):
    if job.rows_error and job.mode == "all_or_nothing":
        return _("有 %(n)d 行错误。按“全部或全不”方式导入将不会写入任何数据；请下载错误行，改正后重新上传。") % {
            "n": job.rows_error}
    if not job.people_new:
        return _("没有需要导入的新数据。")
    return _("可以导入：将新建 %(h)d 户、%(a)d 份申请、%(p)d 人。") % {
        "h": job.households_new, "a": job.applications_new, "p": job.people_new}


def error_rows_file(result):
    """The bad rows as a workbook: the original columns, then 行号 and 错误说明 (fix and upload again)."""
    from openpyxl import Workbook

    from nongzhuancheng.exports import neutralise

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("错误行"))
    ws.append([*result.headers, _("行号"), _("错误说明")])
    for number, raw, messages in result.bad_rows:
        ws.append([neutralise(v) for v in raw] + [""] * max(0, len(result.headers) - len(raw))
                  + [number, neutralise("；".join(messages))])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_template(*, user):
    """The template workbook: the data sheet with Chinese headers (ID column as text) and a second
    sheet explaining each column, its allowed values and the station codes the user may import for."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override(settings.LANGUAGE_CODE):
        cols = columns()
        wb = Workbook()
        ws = wb.active
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
        help_sheet = wb.create_sheet(_("填写说明"))
        help_sheet.append([_("列名"), _("是否必填"), _("说明"), _("允许的值")])
        allowed = {key: "、".join(str(label) for _v, label in cls.choices) for key, cls in _CHOICE_CLASSES.items()}
        allowed["status"] = f"{Status.RECEIVED.label}、{Status.COMPLETED.label}"
        allowed["sex"] = _("男、女")
        allowed["county"] = "、".join(f"{c.name}（{c.code}）" for c in County.objects.all())
        for c in cols:
            help_sheet.append([str(c.header), _("必填") if c.required else _("选填"), str(c.help), allowed.get(c.key, "")])
        for cell in help_sheet[1]:
            cell.font = Font(bold=True)
        help_sheet.append([])
        help_sheet.append([_("派出所编号"), _("派出所"), _("县区")])
        for station in PoliceStation.objects.for_user(user).select_related("county"):
            help_sheet.append([station.code, station.name, station.county.name])
        help_sheet.column_dimensions["A"].width = 16
        help_sheet.column_dimensions["C"].width = 50
        help_sheet.column_dimensions["D"].width = 80
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
