"""Lists that cost the same on every page: keyset pages and a bounded count in the API, the search
box by name prefix and by a whole ID number (straight to the ID index)."""

from unittest import mock

from django.db import connection
from django.db.models import QuerySet
from django.test import override_settings
from rest_framework.test import APIClient

from households import selectors
from households.models import TransferApplication
from nongzhuancheng.pagination import KeysetPagination, bounded_count
from tests.base import CastTestCase, person_data

URL = "/api/v1/applications/"


class KeysetPagesTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.apps = [cls.receive(cls.alice, members=[person_data()]) for _ in range(7)]
        cls.newest_first = [a.pk for a in reversed(cls.apps)]

    def setUp(self):
        self.api = APIClient()
        self.api.force_authenticate(self.alice)

    def ids(self, body):
        return [row["id"] for row in body["results"]]

    def walk(self, url):
        seen, pages = [], 0
        while url:
            body = self.api.get(url).json()
            seen += self.ids(body)
            url, pages = body["next"], pages + 1
        return seen, pages

    def test_following_next_walks_every_row_once_newest_first(self):
        with mock.patch.object(KeysetPagination, "page_size", 3):
            seen, pages = self.walk(URL)
            body = self.api.get(URL).json()
            second = self.api.get(body["next"]).json()
            back = self.api.get(second["previous"]).json()
        self.assertEqual((seen, pages), (self.newest_first, 3))
        self.assertIn(f"after={self.newest_first[2]}", body["next"])
        self.assertEqual(self.ids(back), self.newest_first[:3])
        self.assertEqual((body["count"], body["count_is_exact"]), (7, True))

    def test_a_page_after_an_id_is_one_probe_whatever_its_depth(self):
        # bounded count, then the page and its members (in one statement where PostgreSQL builds the JSON)
        with self.assertNumQueries(2 if connection.vendor == "postgresql" else 3):
            body = self.api.get(URL, {"after": self.newest_first[4]}).json()
        self.assertEqual(self.ids(body), self.newest_first[5:])
        self.assertIsNone(body["next"])

    def test_page_numbers_still_answer_the_first_pages(self):
        body = self.api.get(URL, {"page": 1}).json()
        self.assertEqual(self.ids(body), self.newest_first)
        self.assertIsNone(body["previous"])

    def test_the_count_is_exact_up_to_the_setting_and_bounded_beyond(self):
        with override_settings(LIST_EXACT_COUNT_UP_TO=5):
            body = self.api.get(URL).json()
        self.assertFalse(body["count_is_exact"])
        self.assertGreaterEqual(body["count"], 6)  # the planner's estimate, or the rows it read
        self.assertEqual(bounded_count(TransferApplication.objects.all(), 10), (7, True))


class SearchBoxTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.zw = cls.receive(cls.alice, members=[person_data(name="张伟")])
        cls.zwm = cls.receive(cls.alice, members=[person_data(name="张伟明")])
        cls.lzw = cls.receive(cls.alice, members=[person_data(name="李张伟")])
        cls.head = cls.receive(cls.alice, members=[person_data(name="赵云")], head_name="张伟国")

    def found(self, q, user=None):
        return set(selectors.application_list(user=user or self.alice, filters={"q": q}).values_list("pk", flat=True))

    def test_a_name_finds_the_people_and_heads_whose_name_starts_with_it(self):
        self.assertEqual(self.found("张伟"), {self.zw.pk, self.zwm.pk, self.head.pk})
        self.assertEqual(self.found("张伟明"), {self.zwm.pk})

    def test_a_whole_id_number_goes_to_the_id_index_only_and_never_through_the_search_box(self):
        number = self.zw.members.get().id_number
        self.assertEqual(selectors.whole_id_number(number), number)
        self.assertEqual(selectors.whole_id_number(number[:10]), None)
        ids = selectors.application_ids_by_id_number(number)
        self.assertIsInstance(ids, QuerySet)
        self.assertIn('"id_number" =', str(ids.query))
        self.assertEqual(set(ids.values_list("application_id", flat=True)), {self.zw.pk})
        # the GET search box matches names and numbers only: an ID number there (or its prefix,
        # which would rebuild masked numbers) finds nothing; the POST search form takes it whole
        self.assertEqual(self.found(number), set())
        self.assertEqual(self.found(number[:10]), set())

    def test_a_search_stays_in_the_users_scope(self):
        self.assertEqual(self.found("张伟", user=self.bob), set())
        self.assertEqual(self.found(self.zw.members.get().id_number, user=self.bob), set())
