import datetime
import functools

from django.test import SimpleTestCase, override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from households.workdays import add_working_days, is_workday, working_days_between
from tests.base import CastTestCase

D = datetime.date
# The day-by-day reference walk asks the calendar about the same days again and again (300 spans of up
# to 3000 days within 2004–2039): remember each answer once.
_is_workday = functools.cache(is_workday)


class WorkdaysTest(SimpleTestCase):
    def test_the_2012_national_day_holiday_and_its_adjusted_saturday(self):
        self.assertTrue(is_workday(D(2012, 9, 29)))  # Saturday, worked to make up for the holiday
        for day in range(1, 8):
            self.assertFalse(is_workday(D(2012, 10, day)))
        self.assertFalse(is_workday(D(2012, 9, 30)))  # Mid-Autumn Festival
        self.assertTrue(is_workday(D(2012, 10, 8)))

    def test_five_working_days_from_the_friday_before_national_day(self):
        # 9-29 (adjusted Saturday) is day 1; 9-30 to 10-7 are off; 10-8, 9, 10, 11 are days 2 to 5
        self.assertEqual(add_working_days(D(2012, 9, 28), 5), D(2012, 10, 11))
        self.assertEqual(add_working_days(D(2012, 9, 27), 5), D(2012, 10, 10))
        self.assertEqual(add_working_days(D(2012, 9, 29), 1), D(2012, 10, 8))

    def test_an_ordinary_week(self):
        self.assertEqual(add_working_days(D(2012, 10, 15), 5), D(2012, 10, 22))  # Monday -> next Monday
        self.assertEqual(add_working_days(D(2012, 10, 13), 0), D(2012, 10, 13))

    def test_working_days_between_counts_after_the_start(self):
        self.assertEqual(working_days_between(D(2012, 9, 28), D(2012, 10, 11)), 5)
        self.assertEqual(working_days_between(D(2012, 10, 11), D(2012, 9, 28)), 0)

    def test_a_year_the_calendar_library_does_not_cover_falls_back_to_weekdays(self):
        self.assertTrue(is_workday(D(2200, 1, 6)))  # a Monday
        self.assertFalse(is_workday(D(2200, 1, 4)))  # a Saturday


class DueDateTest(CastTestCase):
    def test_an_application_received_before_national_day_is_due_after_it(self):
        app = self.receive(self.alice, received_on=D(2012, 9, 28))
        self.assertEqual(app.due_on, D(2012, 10, 11))

    @override_settings(NZC_TIME_LIMIT_WORKING_DAYS=3)
    def test_the_time_limit_is_a_setting(self):
        app = self.receive(self.alice, received_on=D(2012, 9, 28))
        self.assertEqual(app.due_on, D(2012, 10, 9))


class WorkingDaysAgreeWithTheCalendarTest(SimpleTestCase):
    """working_days_between counts by arithmetic; it must agree with a day-by-day walk."""

    @given(
        start=st.dates(min_value=D(2004, 1, 1), max_value=D(2030, 12, 31)),
        span=st.integers(min_value=0, max_value=3000),
    )
    @settings(max_examples=300, deadline=None)
    def test_it_agrees_with_walking_the_calendar_day_by_day(self, start, span):
        end = start + datetime.timedelta(days=span)
        walked = sum(1 for i in range(1, span + 1) if _is_workday(start + datetime.timedelta(days=i)))
        self.assertEqual(working_days_between(start, end), walked)
