"""Ten-day periods (旬): 上旬 days 1–10, 中旬 11–20, 下旬 21 to the end of the month.

Pure date arithmetic, no Django. 36 periods a year, numbered 1–36 within the year.
"""

import calendar
import datetime
from dataclasses import dataclass

PART_NAMES = {1: "上旬", 2: "中旬", 3: "下旬"}


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int
    part: int  # 1 上旬, 2 中旬, 3 下旬

    def __post_init__(self) -> None:
        if not (1 <= self.month <= 12 and self.part in (1, 2, 3)):
            raise ValueError(f"no such period: {self.year}-{self.month} part {self.part}")

    @classmethod
    def containing(cls, day: datetime.date) -> "Period":
        part = 1 if day.day <= 10 else 2 if day.day <= 20 else 3
        return cls(day.year, day.month, part)

    @classmethod
    def from_index(cls, year: int, index: int) -> "Period":
        """Period number ``index`` (1–36) of ``year``."""
        if not 1 <= index <= 36:
            raise ValueError("a year has 36 ten-day periods")
        return cls(year, (index - 1) // 3 + 1, (index - 1) % 3 + 1)

    @classmethod
    def parse(cls, text: str) -> "Period":
        """'2012-10-2' → 2012年10月中旬."""
        year, month, part = (int(x) for x in text.split("-"))
        return cls(year, month, part)

    @property
    def index(self) -> int:
        return (self.month - 1) * 3 + self.part

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.month, (1, 11, 21)[self.part - 1])

    @property
    def end(self) -> datetime.date:
        if self.part == 3:
            return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return datetime.date(self.year, self.month, 10 * self.part)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def next(self) -> "Period":
        if self.part < 3:
            return Period(self.year, self.month, self.part + 1)
        if self.month < 12:
            return Period(self.year, self.month + 1, 1)
        return Period(self.year + 1, 1, 1)

    def previous(self) -> "Period":
        if self.part > 1:
            return Period(self.year, self.month, self.part - 1)
        if self.month > 1:
            return Period(self.year, self.month - 1, 3)
        return Period(self.year - 1, 12, 3)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, datetime.date) and self.start <= day <= self.end

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month:02d}-{self.part}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月{PART_NAMES[self.part]}"

    @property
    def english_label(self) -> str:
        """'1st–10th Oct 2012': the days themselves (上旬 is not "the first ten days" of a language
        that has no such word; "previous period" is written as such where that is meant)."""
        month = _MONTHS[self.month - 1]
        return f"{_ordinal(self.start.day)}–{_ordinal(self.end.day)} {month} {self.year}"

    def __str__(self) -> str:
        return self.label


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def periods_of_year(year: int) -> list[Period]:
    return [Period.from_index(year, i) for i in range(1, 37)]


def last_ended_period(today: datetime.date) -> Period:
    """The period that ended most recently before ``today`` (what a bulletin made today reports)."""
    return Period.containing(today).previous()


def remaining_periods(as_of: datetime.date) -> list[Period]:
    """Periods of as_of's year that end after ``as_of`` (the current one counts if unfinished)."""
    current = Period.containing(as_of)
    periods = [p for p in periods_of_year(as_of.year) if p >= current]
    if periods and periods[0].end == as_of:
        periods = periods[1:]
    return periods


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def days_elapsed(as_of: datetime.date) -> int:
    """Days of as_of's year elapsed at the end of ``as_of`` (1 on 1 January, 365 or 366 on 31 December)."""
    return (as_of - datetime.date(as_of.year, 1, 1)).days + 1


def year_elapsed_share(as_of: datetime.date) -> float:
    """序时进度: the share of the year elapsed at the end of ``as_of`` (days elapsed ÷ days in year).

    A float; exact figures divide ``days_elapsed`` by ``days_in_year`` as Decimals."""
    return days_elapsed(as_of) / days_in_year(as_of.year)
