"""Ten-day period arithmetic, checked over whole years with hypothesis."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from nongzhuancheng.periods import (
    Period,
    days_elapsed,
    days_in_year,
    last_ended_period,
    periods_of_year,
    remaining_periods,
    year_elapsed_share,
)

years = st.integers(min_value=1990, max_value=2100)
days = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 12, 31))


@given(years)
def test_every_day_of_a_year_falls_in_exactly_one_period(year):
    periods = periods_of_year(year)
    assert len(periods) == 36
    day = datetime.date(year, 1, 1)
    while day.year == year:
        assert sum(1 for p in periods if day in p) == 1
        assert Period.containing(day) in periods
        day += datetime.timedelta(days=1)
    assert sum(p.days for p in periods) == days_in_year(year)


@given(years)
def test_periods_are_contiguous_and_last_8_to_11_days(year):
    periods = periods_of_year(year)
    for a, b in zip(periods, periods[1:], strict=False):
        assert b.start == a.end + datetime.timedelta(days=1)
    assert all(8 <= p.days <= 11 for p in periods)
    assert all(p.days == 10 for p in periods if p.part in (1, 2))


@given(st.sampled_from([2000, 2004, 2012, 2016, 2020, 2024, 2096]))
def test_the_last_period_of_february_in_a_leap_year_ends_on_the_29th(year):
    p = Period(year, 2, 3)
    assert p.end == datetime.date(year, 2, 29) and p.days == 9
    assert days_in_year(year) == 366


@given(st.sampled_from([2011, 2013, 2014, 2015, 2019, 2100]))
def test_the_last_period_of_february_in_a_common_year_has_8_days(year):
    assert Period(year, 2, 3).days == 8


@given(days)
def test_next_and_previous_round_trip(day):
    p = Period.containing(day)
    assert p.next().previous() == p
    assert p.previous().next() == p
    assert p.next().start == p.end + datetime.timedelta(days=1)
    assert Period.from_index(p.year, p.index) == p
    assert Period.parse(f"{p.year}-{p.month}-{p.part}") == p
    assert last_ended_period(day) == p.previous()


@given(days)
def test_remaining_periods_all_end_after_the_day(day):
    remaining = remaining_periods(day)
    assert all(p.end > day and p.year == day.year for p in remaining)
    assert len(remaining) == 36 - Period.containing(day).index + (0 if Period.containing(day).end == day else 1)


@given(days, days)
def test_year_elapsed_share_is_monotonic_within_a_year(a, b):
    b = b.replace(year=a.year) if not (b.month == 2 and b.day == 29) else b.replace(day=28, year=a.year)
    if a <= b:
        assert year_elapsed_share(a) <= year_elapsed_share(b)
    assert 0 < year_elapsed_share(a) <= 1


@given(years)
def test_year_elapsed_share_is_one_on_31_december(year):
    assert year_elapsed_share(datetime.date(year, 12, 31)) == 1.0
    assert days_elapsed(datetime.date(year, 12, 31)) == days_in_year(year)
    assert year_elapsed_share(datetime.date(year, 1, 1)) == 1 / days_in_year(year)


def test_the_pace_on_20_october_2012():
    # day 294 of 366
    assert days_elapsed(datetime.date(2012, 10, 20)) == 294
    assert str(Period.containing(datetime.date(2012, 10, 20))) == "2012年10月中旬"
