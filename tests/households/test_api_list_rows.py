"""The application list API's hand-built representation is the documented serializer's output."""

import datetime
import json
from unittest import SkipTest

from django.db import connection
from django.utils import translation
from rest_framework.test import APIClient

from households import services
from households.api import list_json
from households.api import serializers as s
from households.models import Person, TransferApplication
from nongzhuancheng.pagination import ids_statement
from tests.base import CastTestCase, person_data


class ListRepresentationTest(CastTestCase):
    def setUp(self):
        self.api = APIClient()
        self.api.force_authenticate(self.dave)  # county officer of 昭阳区: both stations' applications
        apps = []
        for i in range(6):
            members = [person_data(), person_data(relation="spouse", male=False), person_data(relation="child")][: 1 + i % 3]
            actor = self.alice if i % 2 else self.carol
            apps.append(self.receive(actor, members=members, received_on=datetime.date(2012, 3, 1 + i)))
        services.application_complete(application=apps[1], actor=self.alice, on=datetime.date(2012, 3, 9))
        services.application_move(application=apps[2], move="return", actor=self.carol, note="材料不全")
        TransferApplication.objects.filter(pk=apps[3].pk).update(number=None)  # a number may be missing

    def serializer_output(self, ids):
        return _serializer_output(ids)

    def test_the_list_answers_exactly_what_the_list_serializer_gives(self):
        body = self.api.get("/api/v1/applications/").json()
        self.assertEqual(len(body["results"]), 6)
        expected = self.serializer_output([row["id"] for row in body["results"]])
        as_json = self.api.get("/api/v1/applications/").content
        self.assertEqual(body["results"], _json_roundtrip(expected))
        self.assertIn(b'"birth_date":null', as_json.replace(b" ", b""))
        self.assertTrue(any(row["number"] is None for row in body["results"]))
        self.assertTrue(any(row["completed_on"] for row in body["results"]))
        for row in body["results"]:
            for member in row["members"]:
                self.assertIn("*", member["id_number"])
                self.assertIsNotNone(member["birth_year"])

    def test_every_member_is_listed_in_id_order_and_the_labels_follow_the_language(self):
        body = self.api.get("/api/v1/applications/", HTTP_ACCEPT_LANGUAGE="en").json()
        for row in body["results"]:
            ids = list(Person.objects.filter(application_id=row["id"]).order_by("id").values_list("id", flat=True))
            self.assertEqual([m["id"] for m in row["members"]], ids)
        from django.utils import translation

        with translation.override("en"):
            expected = self.serializer_output([row["id"] for row in body["results"]])
        self.assertEqual(body["results"], _json_roundtrip(expected))

    def test_keyset_links_follow_the_plain_rows(self):
        first = self.api.get("/api/v1/applications/").json()
        ids = [row["id"] for row in first["results"]]
        after = self.api.get("/api/v1/applications/", {"after": ids[2]}).json()
        self.assertEqual([row["id"] for row in after["results"]], ids[3:])
        before = self.api.get("/api/v1/applications/", {"before": ids[3]}).json()
        self.assertEqual([row["id"] for row in before["results"]], ids[:3])
        self.assertIn(f"after={ids[2]}", before["next"])
        self.assertIsNone(before["previous"])  # nothing newer


def _serializer_output(ids):
    """The documented serializer's rows of these applications, newest first."""
    rows = (TransferApplication.objects.filter(pk__in=ids).select_related("household", "county", "station")
            .prefetch_related("members").order_by("-id"))
    return [dict(row) for row in s.ApplicationListSerializer(rows, many=True, context={"full_id": False}).data]


def _page(ids, prepare=True):
    """The rows (id, count, JSON) list_json's fetcher gives for a statement of these ids, newest first."""
    statement = ids_statement(TransferApplication.objects.filter(pk__in=ids).order_by("-pk"))
    return list_json.page_fetch(prepare=prepare)(*statement, False)


def _json_roundtrip(data):
    from rest_framework.utils.encoders import JSONEncoder

    return json.loads(json.dumps(data, cls=JSONEncoder))


class PrebuiltPageTest(CastTestCase):
    """On PostgreSQL the list's JSON is built by the database (list_json): the same objects as the
    Python representation, whatever the text holds and in either language."""

    def test_the_page_built_by_postgresql_is_the_python_representation(self):
        if connection.vendor != "postgresql":
            raise SkipTest("the prebuilt page is PostgreSQL's")
        odd = 'O\'Neil "50%" \\ 张\t伟'[:40]
        apps = [self.receive(self.alice, members=[person_data(name=odd), person_data(relation="child")],
                             head_name=odd, received_on=datetime.date(2012, 3, 2)),
                self.receive(self.carol, members=[person_data()], received_on=datetime.date(2012, 3, 5))]
        services.application_complete(application=apps[1], actor=self.carol, on=datetime.date(2012, 3, 9))
        ids = [app.pk for app in reversed(apps)]
        for language in ("zh-hans", "en"):
            with translation.override(language):
                rows = list(TransferApplication.objects.filter(pk__in=ids).order_by("-id")
                            .values(*s.LIST_APPLICATION_VALUES))
                members = (Person.objects.filter(application_id__in=ids).order_by("id")
                           .values_list(*s.LIST_MEMBER_VALUES))
                expected = _json_roundtrip(s.application_list_representation(rows, members))
                built = [json.loads(row[2]) for row in _page(ids)]
            self.assertEqual(built, expected, language)
        self.assertEqual(built[1]["household"]["head_name"], odd)
        self.assertEqual(built[0]["status_display"], "Completed")

    def test_a_page_filtered_beyond_the_search_box_is_built_the_same_and_planned_each_time(self):
        """A status or a date range may want another plan for another value: that page is built in
        the same statement, not prepared; the unfiltered list and a search are."""
        if connection.vendor != "postgresql":
            raise SkipTest("the prebuilt page is PostgreSQL's")
        api = APIClient()
        api.force_authenticate(self.dave)
        apps = [self.receive(self.alice, members=[person_data(name=f"张伟{i}")], received_on=datetime.date(2012, 3, 1 + i))
                for i in range(4)]
        services.application_complete(application=apps[1], actor=self.alice, on=datetime.date(2012, 3, 9))

        def prepared_pages():
            with connection.cursor() as cursor:
                cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
                               ["%json_build_object(%"])
                return [row[0] for row in cursor.fetchall()]

        before = len(prepared_pages())
        filtered = api.get("/api/v1/applications/", {"status": "received", "received_from": "2012-03-02"}).json()
        self.assertEqual([row["id"] for row in filtered["results"]], [apps[3].pk, apps[2].pk])
        self.assertEqual(len(prepared_pages()), before)  # planned each time
        with translation.override("zh-hans"):
            expected = _serializer_output([apps[3].pk, apps[2].pk])
        self.assertEqual(filtered["results"], _json_roundtrip(expected))
        searched = api.get("/api/v1/applications/", {"q": "张伟"}).json()
        self.assertEqual({row["id"] for row in searched["results"]}, {app.pk for app in apps})
        self.assertEqual(len(prepared_pages()), before + 1)  # the search's page: prepared
        after = api.get("/api/v1/applications/", {"q": "张伟", "after": apps[2].pk}).json()
        self.assertEqual([row["id"] for row in after["results"]], [apps[1].pk, apps[0].pk])

    def test_the_page_statement_is_prepared_once_a_connection_and_answers_the_current_rows(self):
        if connection.vendor != "postgresql":
            raise SkipTest("prepared statements are PostgreSQL's")
        app = self.receive(self.alice, members=[person_data()], received_on=datetime.date(2012, 3, 2))

        def prepared():
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                               ["%json_build_object(%"])
                return cursor.fetchone()[0]

        before = prepared()
        with translation.override("zh-hans"):
            with self.assertNumQueries(1):  # seen by Django's wrappers like any query
                first = json.loads(_page([app.pk])[0][2])
            self.assertEqual(prepared(), before + 1)
            services.person_update(person=app.members.get(), actor=self.dave, name="李新名")
            again = json.loads(_page([app.pk])[0][2])
            self.assertEqual(prepared(), before + 1)  # executed again, not prepared again
        self.assertNotEqual(first["members"][0]["name"], "李新名")
        self.assertEqual(again["members"][0]["name"], "李新名")  # the prepared plan reads the rows as they are now
        with translation.override("en"):
            _page([app.pk])
        self.assertEqual(prepared(), before + 2)  # another language, another statement
