"""The template's columns and how one cell is read: texts, dates (typed, text or an Excel serial
number) and coded values (a code or its Chinese label)."""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from ..models import Household, Person
from ..reference import (
    Category,
    Education,
    Employment,
    Ethnicity,
    HouseholdKind,
    IncomeSource,
    MaritalStatus,
    Relation,
)


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    required: bool
    help: str


def columns() -> list[Col]:
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
        Col("annual_income", _("家庭年收入（元）"), False, _("上一年全户收入，元，可不填；如 18000 或 18000.50")),
        Col("income_source", _("主要收入来源"), False,
            _("种植业、养殖业、外出务工、本地务工、个体经营、财产性收入、转移性收入或其他；可不填")),
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
        Col("employment", _("就业状况"), False,
            _("务农、受雇务工、个体经营、灵活就业、在校学生、未就业、离退休或无劳动能力；可不填")),
        Col("category", _("转户类别"), True, _("十一类之一，见“转户类别”列表")),
        Col("destination_address", _("迁入城镇地址"), True, _("迁入的城镇详细地址")),
        Col("status", _("办理状态"), True, _("受理 或 办结")),
        Col("received_on", _("受理日期"), True, _("YYYY-MM-DD，不能晚于今天")),
        Col("completed_on", _("办结日期"), False, _("状态为办结时必填，YYYY-MM-DD，不早于受理日期、不晚于今天")),
    ]


# Columns whose values go to a model field with a max_length, checked before writing.
LENGTHS = {
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
# Columns holding a coded value, and their codes.
CHOICE_CLASSES: dict[str, type[models.TextChoices]] = {
    "household_kind": HouseholdKind,
    "ethnicity": Ethnicity,
    "education": Education,
    "marital_status": MaritalStatus,
    "relation": Relation,
    "category": Category,
    "income_source": IncomeSource,
    "employment": Employment,
}
SEXES = {"男": "M", "女": "F", "M": "M", "F": "F", "m": "M", "f": "F"}


def choice_map(choices: type[models.TextChoices]) -> dict[str, str]:
    """{code or label: code} of a coded column (汉 as well as 汉族 for ethnicities)."""
    mapping = {}
    for value, label in choices.choices:
        mapping[str(value)] = value
        mapping[str(label)] = value
        if str(label).endswith("族") and len(str(label)) > 2:
            mapping[str(label)[:-1]] = value  # 汉 for 汉族
    return mapping


def normalise_header(text: Any) -> str:
    """A header as typed (full-width forms, spaces and the required marker * aside)."""
    return unicodedata.normalize("NFKC", str(text or "")).strip().lstrip("*").strip()


def text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0, dates as YYYY-MM-DD, blanks as ''."""
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


def date(value: Any) -> datetime.date | None:
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
    stripped = str(value).strip()
    if not stripped:
        return None
    try:
        return datetime.date.fromisoformat(stripped[:10])
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(stripped, fmt).date()
        except ValueError:
            continue
    raise ValueError(stripped)


INCOME_MAX = Decimal("9999999999.99")  # max_digits 12, decimal_places 2


def amount(value: Any) -> Decimal | None:
    """A sum of yuan from a cell (a number, or text with thousands separators or 元); None when
    blank; ValueError if unreadable, negative, too large or finer than a fen."""
    if value is None or value == "" or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
    else:
        typed = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "").replace(" ", "")
        typed = typed.removesuffix("元")
        try:
            number = Decimal(typed)
        except InvalidOperation:
            raise ValueError(value) from None
    if not number.is_finite() or number < 0 or number > INCOME_MAX or number != number.quantize(Decimal("0.01")):
        raise ValueError(value)
    return number.quantize(Decimal("0.01"))


def number_lost_digits(value: Any) -> bool:
    """An ID number typed into a numeric cell: Excel has kept 15 significant digits only."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 10**15


def blank(raw: list[Any]) -> bool:
    """A line with nothing in it (empty cells, or cells of spaces only)."""
    if not any(raw):
        return True
    try:
        return not "".join(raw).strip()
    except TypeError:  # a number or a date among the cells
        return False
