"""The application list API's hand-built representation is the documented serializer's output."""

import datetime

from rest_framework.test import APIClient

from households import services
from households.api import serializers as s
from households.models import Person, TransferApplication
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
        rows = (TransferApplication.objects.filter(pk__in=ids).select_related("household", "county", "station")
                .prefetch_related("members").order_by("-id"))
        return [dict(row) for row in s.ApplicationListSerializer(rows, many=True, context={"full_id": False}).data]

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


def _json_roundtrip(data):
    import json

    from rest_framework.utils.encoders import JSONEncoder

    return json.loads(json.dumps(data, cls=JSONEncoder))
