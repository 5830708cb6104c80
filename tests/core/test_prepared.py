"""nongzhuancheng.prepared: a statement prepared on the connection, or Django's cursor where that is off."""

from unittest import SkipTest, mock

from django.db import connection
from django.test import TestCase

from nongzhuancheng import prepared


def _prepared_count(marker):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{marker}%"])
        return cursor.fetchone()[0]


class PreparedCursorTest(TestCase):
    def setUp(self):
        if not prepared.enabled():
            raise SkipTest("prepared statements: PostgreSQL with DB_PREPARED_STATEMENTS on")

    def test_a_statement_is_prepared_once_and_answers_each_parameter(self):
        sql = "SELECT %(n)s::int * 2 AS nzc_prepared_probe"
        answers = []
        for n in (1, 2, 3):
            with prepared.prepared_cursor() as cursor:
                cursor.execute(sql, {"n": n})
                answers.append(cursor.fetchone()[0])
        self.assertEqual(answers, [2, 4, 6])
        self.assertEqual(_prepared_count("nzc_prepared_probe"), 1)

    def test_errors_are_django_errors_and_the_connection_goes_on(self):
        from django.db import DatabaseError, transaction

        with self.assertRaises(DatabaseError), transaction.atomic():
            with prepared.prepared_cursor() as cursor:
                cursor.execute("SELECT 1 / %(n)s::int AS nzc_prepared_zero", {"n": 0})
        with prepared.prepared_cursor() as cursor:
            cursor.execute("SELECT 1 / %(n)s::int AS nzc_prepared_zero", {"n": 1})
            self.assertEqual(cursor.fetchone()[0], 1)

    def test_turned_off_it_is_djangos_own_cursor(self):
        options = {k: v for k, v in connection.settings_dict["OPTIONS"].items() if k != "prepare_threshold"}
        with mock.patch.dict(connection.settings_dict, {"OPTIONS": options}):  # DB_PREPARED_STATEMENTS=0
            self.assertFalse(prepared.enabled())
            with prepared.prepared_cursor() as cursor:
                cursor.execute("SELECT %s::int AS nzc_prepared_off", [5])
                self.assertEqual(cursor.fetchone()[0], 5)
        self.assertEqual(_prepared_count("nzc_prepared_off"), 0)


    def test_a_logged_statement_reads_with_its_values_as_any_other(self):
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as seen, prepared.prepared_cursor() as cursor:
            cursor.execute("SELECT %s::int + 1 AS nzc_prepared_logged, %s::text", [41, "张'伟"])
            self.assertEqual(cursor.fetchone(), (42, "张'伟"))
        (query,) = seen.captured_queries
        self.assertIn("SELECT 41::int + 1 AS nzc_prepared_logged, '张''伟'::text", query["sql"])
        self.assertEqual(_prepared_count("nzc_prepared_logged"), 1)
