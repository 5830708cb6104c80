"""Working days, with Chinese public holidays and adjusted working days (chinesecalendar)."""

import datetime

import chinese_calendar


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


def working_days_between(start, end):
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            count += 1
    return count
