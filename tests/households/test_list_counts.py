"""A list's bounded count: an estimate (a long list) is kept for the next pages, an exact count never."""

from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from households.models import TransferApplication
from nongzhuancheng.pagination import bounded_count
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
