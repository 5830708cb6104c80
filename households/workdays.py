"""Working days, with Chinese public holidays and adjusted working days (chinesecalendar)."""

import bisect
import datetime

import chinese_calendar

# Official holidays falling on Monday–Friday, and adjusted working days falling on a weekend.
_WEEKDAY_HOLIDAYS = sorted(d for d in chinese_calendar.holidays if d.weekday() < 5)
_WEEKEND_WORKDAYS = sorted(d for d in chinese_calendar.workdays if d.weekday() >= 5)


def is_workday(day):
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the library does not cover yet: plain Monday–Friday
        return day.weekday() < 5


def add_working_days(start, days):
    """The date ``days`` working days after ``start`` (the day of receipt does not count)."""
    day = start
    left = days
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def _weekdays_upto(day):
    """Monday–Friday days from 0001-01-01 (a Monday) up to and including ``day``."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def _count_in(sorted_days, start, end):
    """How many of ``sorted_days`` fall in (start, end]."""
    return bisect.bisect_right(sorted_days, end) - bisect.bisect_right(sorted_days, start)


def working_days_between(start, end):
    """Working days after ``start`` up to and including ``end`` (0 if end <= start).

    Counted with arithmetic, then corrected by the holiday and adjusted-working-day tables, so a
    span of years costs microseconds (the overdue list computes it for every row)."""
    if end <= start:
        return 0
    count = _weekdays_upto(end) - _weekdays_upto(start)
    count -= _count_in(_WEEKDAY_HOLIDAYS, start, end)
    count += _count_in(_WEEKEND_WORKDAYS, start, end)
    return count
