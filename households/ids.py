"""Resident ID numbers (GB 11643-1999), on top of python-stdnum.

python-stdnum computes the check digit and knows every area code ever assigned. Its own
``validate()`` is stricter than real life (it checks the area code against the birth year, so it
turns away a 巧家 resident born in 1946 whose number was issued after 2001) and looser in places
(it accepts a birth date in 2099). So we take its parts and apply our own rules: an area code is
valid if it was ever assigned, a birth date may not be in the future or implausibly old, and every
failure is a clear validation message.
"""

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric

from nongzhuancheng.masking import mask

OLDEST_BIRTH_YEAR = 1890
_SEPARATORS = re.compile(r"[\s\-_/.,·]+")


@dataclass(frozen=True)
class ResidentId:
    number: str  # 18 characters
    birth_date: datetime.date
    sex: str  # "M" or "F"
    area_code: str
    area_name: str

    @property
    def masked(self):
        return mask(self.number)


@functools.lru_cache(maxsize=8192)
def area_name(code):
    """The name of an area code if it was ever assigned (any year), else None.

    A province-level code (``530000``) is returned by name too; ``parse`` refuses it because
    numbers are issued with county-level (or prefecture-level) codes."""
    try:
        results = numdb.get("cn/loc").info(code)
    except Exception:  # stdnum raises bare KeyError on some codes
        return None
    info = {}
    for _part, props in results:
        info.update(props)
    county = info.get("county")
    if not county:
        return None
    names = [re.sub(r"^\[[^\]]*\]", "", part) for part in county.split(",")]
    province = info.get("province", "")
    return province + names[-1]


def clean(raw):
    """Full-width digits, spaces and separators pasted in are removed; x becomes X."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return _SEPARATORS.sub("", text).upper()


def upgrade_15(number15):
    """Convert a legacy 15-digit number (YYMMDD, no check digit) to 18 digits."""
    body = number15[:6] + "19" + number15[6:]
    return body + ric.calc_check_digit(body + "0")


def parse(raw, today=None):
    """Validate and normalise a resident ID number. Returns a ResidentId or raises ValidationError."""
    number = clean(raw)
    if not number:
        raise ValidationError(_("请填写公民身份号码。"), code="required")
    if len(number) == 15:
        if not number.isdigit():
            raise ValidationError(_("15位身份号码只能由数字组成。"), code="format")
        number = upgrade_15(number)
    elif len(number) != 18:
        raise ValidationError(
            _("公民身份号码应为18位（或旧版15位），当前为%(n)d位。") % {"n": len(number)}, code="length"
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("公民身份号码前17位应为数字，最后一位为数字或X。"), code="format")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("身份号码中的出生日期 %(d)s 不是有效日期。") % {"d": f"{number[6:10]}-{number[10:12]}-{number[12:14]}"},
            code="birth_date",
        ) from None
    today = today or timezone.localdate()
    if birth > today:
        raise ValidationError(_("身份号码中的出生日期 %(d)s 晚于今天。") % {"d": birth.isoformat()}, code="birth_future")
    if birth.year < OLDEST_BIRTH_YEAR:
        raise ValidationError(_("身份号码中的出生日期 %(d)s 不合理。") % {"d": birth.isoformat()}, code="birth_old")
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        raise ValidationError(
            _("身份号码校验位错误：最后一位应为 %(e)s，输入的是 %(g)s，请核对号码。") % {"e": expected, "g": number[17]},
            code="checksum",
        )
    name = area_name(number[:6]) if not number[:6].endswith("0000") else None
    if name is None:
        raise ValidationError(
            _("身份号码前6位 %(c)s 不是有效的行政区划代码。") % {"c": number[:6]}, code="area"
        )
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentId(number=number, birth_date=birth, sex=sex, area_code=number[:6], area_name=name)


def normalise(raw):
    """The 18-digit form of a valid number (raises ValidationError otherwise)."""
    return parse(raw).number


def make(area_code, birth_date, sequence):
    """Build a checksum-correct number (for demo data and tests). ``sequence`` is 0–999; odd is male."""
    body = f"{area_code}{birth_date:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")
