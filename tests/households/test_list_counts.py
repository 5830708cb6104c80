"""A list's bounded count: an estimate (a long list) is kept for the next pages, an exact count never."""

from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from households.models import Person, TransferApplication
from nongzhuancheng.pagination import bounded_count, first_rows_counted
from tests.base import CastTestCase


def first_ids_counted(queryset, size, limit=None):
    """first_rows_counted with the plain fetcher: the first ids, and (total, exact)."""
    rows, total, exact = first_rows_counted(queryset, size, limit)
    return [row[0] for row in rows], total, exact


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

    def test_the_prefix_range_holds_exactly_the_names_that_start_with_the_text(self):
        """``__prefix`` on PostgreSQL is the range [text, successor): next to the last code points,
        the surrogates and the top of Unicode, it still finds exactly the names that start with it."""
        from nongzhuancheng.lookups import _successor
        from tests.base import person_data

        self.assertEqual(_successor("张伟"), "张传")
        self.assertEqual(_successor("a\ud7ff"), "a\ue000")  # the surrogates are no characters
        self.assertEqual(_successor("a\U0010ffff"), "b")
        self.assertIsNone(_successor("\U0010ffff\U0010ffff"))
        names = ["张伟", "张伟明", "张传", "张伊", "张", "a\ud7ff", "a\ud7ffz", "a\ue000", "a\U0010ffff",
                 "a\U0010ffffb", "b", "\U0010ffff", "\U0010ffff\U0010ffff", "\U0010ffffq"]
        for name in names:
            self.receive(self.alice, members=[person_data(name=name)])
        for text in ("张伟", "张", "a\ud7ff", "a\U0010ffff", "\U0010ffff", "\U0010ffff\U0010ffff", "b", "c"):
            found = set(Person.objects.filter(name__prefix=text, name__in=names).values_list("name", flat=True))
            self.assertEqual(found, {name for name in names if name.startswith(text)}, text)

    def test_a_county_officers_probe_is_one_range_of_the_county_name_indexes(self):
        """(county, name) serves the probe kept to a county: both conditions are its index range, in
        the generic plan the prepared probe keeps too (the range is written out: ``LIKE $1`` has no
        prefix to range over). Tiny tables leave the planner's choice to chance, so the other indexes
        of the two tables are dropped for the EXPLAIN (in a savepoint rolled back) and sequential scans
        turned off: what is left is whether these two indexes can serve the probe."""
        import re
        from unittest import SkipTest, mock

        from django.db import transaction

        from households import selectors
        from households.models import Household, Person
        from nongzhuancheng.prepared import PreparingCursor

        if connection.vendor != "postgresql":
            raise SkipTest("PostgreSQL's plan")
        seen = []
        original = PreparingCursor.execute

        def execute(cursor, query, params=None, **kwargs):
            seen.append((query, params))
            return original(cursor, query, params, **kwargs)

        with mock.patch.object(PreparingCursor, "execute", execute):
            selectors.application_ids_matching("张伟", user=self.dave)
        (probe, params), = [(q, p) for q, p in seen if "~>=~" in q]
        numbered = iter(range(1, len(params) + 1))
        kept = {"person_county_name_prefix", "household_county_head_prefix"}

        class Rollback(Exception):
            pass

        plans = {}
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
                cursor.execute("PREPARE nzc_probe AS " + re.sub("%s", lambda _m: f"${next(numbered)}", probe))
                for mode in ("force_custom_plan", "force_generic_plan"):
                    cursor.execute(f"SET LOCAL plan_cache_mode = {mode}")
                    cursor.execute(f"EXPLAIN EXECUTE nzc_probe({', '.join(['%s'] * len(params))})", params)
                    plans[mode] = "\n".join(row[0] for row in cursor.fetchall())
                raise Rollback
        except Rollback:
            pass
        for mode, plan in plans.items():
            for index, column in (("person_county_name_prefix", "name"), ("household_county_head_prefix", "head_name")):
                self.assertRegex(plan, rf"{index} on .*\n.*Index Cond: \(\(county_id = [^)]+\) AND "
                                       rf"\(\({column}\)::text ~>=~ ('张伟'|\$\d+)", f"{mode}\n{plan}")
        self.assertIn("$", plans["force_generic_plan"])  # the generic plan knew no value
