"""A list's bounded count: an estimate (a long list) is kept for the next pages, an exact count never."""

from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from households.models import TransferApplication
from nongzhuancheng.pagination import bounded_count, first_ids_counted
from tests.base import CastTestCase


class BoundedCountCacheTest(CastTestCase):
    def setUp(self):
        cache.clear()
        for _ in range(4):
            self.receive(self.alice)

    def test_an_estimate_is_read_once_then_from_the_cache_and_an_exact_count_every_time(self):
        rows = TransferApplication.objects.filter(station=self.zy_station)
        with override_settings(LIST_EXACT_COUNT_UP_TO=2):
            # the bounded count and (PostgreSQL) the planner's estimate; elsewhere the limit is the estimate
            with self.assertNumQueries(2 if connection.vendor == "postgresql" else 1):
                total, exact = bounded_count(rows)
            self.assertFalse(exact)
            self.assertGreaterEqual(total, 3)
            with self.assertNumQueries(0):
                self.assertEqual(bounded_count(rows), (total, False))
            with self.assertNumQueries(1):  # another query (another scope): its own count
                self.assertEqual(bounded_count(rows.filter(county=self.ludian)), (0, True))
        with self.assertNumQueries(1):  # another limit: counted again, exactly
            self.assertEqual(bounded_count(rows, 10), (4, True))
        self.receive(self.alice)
        self.assertEqual(bounded_count(rows, 10), (5, True))  # an exact count is never kept


    def test_a_first_page_with_its_count_agrees_with_the_page_and_the_bounded_count(self):
        rows = TransferApplication.objects.filter(station=self.zy_station)
        newest = list(rows.order_by("-pk").values_list("pk", flat=True))
        for size, limit in ((2, 10), (10, 10), (2, 3), (10, 3), (1, 0)):
            with self.subTest(size=size, limit=limit):
                cache.clear()
                with self.assertNumQueries(1 if limit >= len(newest) else self._estimate_queries()):
                    ids, total, exact = first_ids_counted(rows, size, limit)
                self.assertEqual(ids, newest[:size])
                cache.clear()
                self.assertEqual((total, exact), bounded_count(rows, limit))
        with override_settings(LIST_EXACT_COUNT_UP_TO=2):
            cache.clear()
            _ids, total, exact = first_ids_counted(rows, 2)
            self.assertFalse(exact)
            with self.assertNumQueries(1):  # the estimate kept: only the page is read
                self.assertEqual(first_ids_counted(rows, 2), (newest[:2], total, False))
        self.assertEqual(first_ids_counted(rows.filter(county=self.ludian), 5), ([], 0, True))
        self.assertEqual(first_ids_counted(rows.filter(pk__in=[]), 5), ([], 0, True))

    @staticmethod
    def _estimate_queries():
        return 2 if connection.vendor == "postgresql" else 1  # the page, and the planner's estimate

class SearchIdsTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from tests.base import person_data

        cls.found = {cls.receive(cls.alice, members=[person_data(name=f"张伟{i}")]).pk for i in range(3)}
        cls.found.add(cls.receive(cls.alice, members=[person_data(name="赵云")], head_name="张伟国").pk)
        cls.receive(cls.alice, members=[person_data(name="李张伟")])

    def search(self, q):
        from households import selectors

        return set(selectors.application_list(user=self.dave, filters={"q": q}).values_list("pk", flat=True))

    def test_a_few_matches_are_handed_on_as_ids_and_a_common_prefix_as_a_subquery_with_the_same_answer(self):
        from unittest import mock

        from households import selectors

        self.assertIsInstance(selectors.application_ids_matching("张伟"), list)
        self.assertEqual(self.search("张伟"), self.found)
        with mock.patch.object(selectors, "SEARCH_IDS_UP_TO", 1):
            self.assertNotIsInstance(selectors.application_ids_matching("张伟"), list)
            self.assertEqual(self.search("张伟"), self.found)
        number = TransferApplication.objects.get(pk=min(self.found)).number
        self.assertEqual(self.search(number.lower()), {min(self.found)})
        self.assertEqual(self.search("无此人"), set())

    def test_the_probes_keep_to_the_users_place_and_the_answer_is_what_for_user_shows(self):
        from unittest import mock

        from households import selectors
        from tests.base import person_data

        elsewhere = self.receive(self.bob, members=[person_data(area="530621", name="张伟乙")]).pk  # 鲁甸县
        in_county = selectors.application_ids_matching("张伟", user=self.dave)
        self.assertNotIn(elsewhere, in_county)  # 昭阳区's officer: his county's people only
        self.assertIn(elsewhere, selectors.application_ids_matching("张伟", user=self.frank))  # the city
        self.assertIn(elsewhere, selectors.application_ids_matching("张伟"))
        for user, expected in ((self.dave, self.found), (self.erin, {elsewhere}), (self.frank, self.found | {elsewhere}),
                               (self.alice, self.found), (self.carol, set())):
            shown = set(selectors.application_list(user=user, filters={"q": "张伟"}).values_list("pk", flat=True))
            self.assertEqual(shown, expected, user.username)
            with mock.patch.object(selectors, "SEARCH_IDS_UP_TO", 1):  # the subquery of a common prefix
                shown = set(selectors.application_list(user=user, filters={"q": "张伟"}).values_list("pk", flat=True))
            self.assertEqual(shown, expected, user.username)

    def test_a_prefix_with_like_wildcards_is_taken_literally(self):
        from tests.base import person_data

        literal = self.receive(self.alice, members=[person_data(name="张_伟")]).pk
        starred = self.receive(self.alice, members=[person_data(name="张*[?伟")]).pk
        self.assertEqual(self.search("张_"), {literal})
        self.assertEqual(self.search("张*[?"), {starred})
        for wildcard in ("%", "_", "*", "?", "[", "张?", "张%"):
            self.assertEqual(self.search(wildcard), set(), wildcard)

    def test_a_county_officers_probe_is_one_range_of_the_county_name_indexes(self):
        """(county, name) serves the probe kept to a county: both conditions are its index range. Tiny
        tables leave the planner's choice to chance, so the other indexes of the two tables are
        dropped for the EXPLAIN (in a savepoint rolled back) and sequential scans turned off: what
        is left is whether these two indexes can serve the probe."""
        from unittest import SkipTest

        from django.db import transaction
        from django.test.utils import CaptureQueriesContext

        from households import selectors
        from households.models import Household, Person

        if connection.vendor != "postgresql":
            raise SkipTest("PostgreSQL's plan")
        with CaptureQueriesContext(connection) as seen:
            selectors.application_ids_matching("张伟", user=self.dave)
        (probe,) = [q["sql"] for q in seen.captured_queries if "LIKE" in q["sql"]]
        kept = {"person_county_name_prefix", "household_county_head_prefix"}

        class Rollback(Exception):
            pass

        try:
            with transaction.atomic(), connection.cursor() as cursor:
                for model in (Person, Household):
                    cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s "
                                   "AND indexname NOT IN (SELECT conname FROM pg_constraint)",  # keys, unique
                                   [model._meta.db_table])
                    for (name,) in cursor.fetchall():
                        if name not in kept:
                            cursor.execute(f'DROP INDEX "{name}"')
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("EXPLAIN " + probe)  # no parameters: the captured text as it ran
                plan = "\n".join(row[0] for row in cursor.fetchall())
                raise Rollback
        except Rollback:
            pass
        for index, column in (("person_county_name_prefix", "name"), ("household_county_head_prefix", "head_name")):
            self.assertRegex(plan, rf"{index} on .*\n.*Index Cond: \(\(county_id = \d+\) AND \(\({column}\)::text ~>=~ '张伟'",
                             plan)
