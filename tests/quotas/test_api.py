"""Targets and progress API: reads scoped, writes only for the city office, 404 out of scope."""

import datetime

from django.urls import reverse
from rest_framework.test import APIClient

from quotas.models import Target

from .scenario import ScenarioTestCase


class ProgressApiTest(ScenarioTestCase):
    def setUp(self):
        self.api = APIClient()

    def test_it_returns_the_city_progress(self):
        self.api.force_authenticate(self.frank)
        data = self.api.get("/api/v1/progress/?year=2012&as_of=2012-10-15").json()
        self.assertEqual((data["target"], data["cumulative"], data["rate_display"], data["pace_display"]),
                         (500, 13, "2.6%", "78.9%"))
        self.assertEqual(data["counties"][0]["county_name"], "盐津县")
        self.assertEqual(data["counties"][0]["projected_date"], "2012-12-27")

    def test_a_county_drill_down_is_404_out_of_scope(self):
        self.api.force_authenticate(self.dave)
        own = self.api.get("/api/v1/progress/county/530602/?year=2012&as_of=2012-10-15")
        self.assertEqual(own.status_code, 200)
        self.assertEqual(own.json()["county"]["cumulative"], 6)
        self.assertEqual(len(own.json()["periods"]), 36)
        self.assertEqual(self.api.get("/api/v1/progress/county/530621/").status_code, 404)

    def test_anonymous_requests_are_refused(self):
        self.assertIn(self.api.get("/api/v1/progress/").status_code, (401, 403))


class TargetApiTest(ScenarioTestCase):
    def setUp(self):
        self.api = APIClient()

    def post(self, user, **data):
        self.api.force_authenticate(user)
        body = {"year": 2013, "level": "city", "amount": 200000, "effective_on": "2013-01-01"} | data
        return self.api.post("/api/v1/targets/", body, format="json")

    def test_an_admin_sets_and_revises_a_target(self):
        self.assertEqual(self.post(self.root).status_code, 201)
        response = self.post(self.root, amount=210000, effective_on="2013-07-01", document_number="示例〔2013〕1号")
        self.assertEqual(response.status_code, 201)
        self.assertEqual([r["amount"] for r in response.json()["revisions"]], [200000, 210000])
        self.assertEqual(Target.objects.get(year=2013).amount_on(datetime.date(2013, 6, 30)), 200000)

    def test_a_staff_city_reader_may_set_targets_but_a_plain_one_may_not(self):
        self.assertEqual(self.post(self.frank).status_code, 403)
        self.frank.is_staff = True
        self.frank.save()
        self.assertEqual(self.post(self.frank).status_code, 201)

    def test_county_officers_and_clerks_only_read(self):
        for user in (self.dave, self.alice, self.grace):
            self.assertEqual(self.post(user, level="county", county="530602").status_code, 403)

    def test_a_county_officer_sees_only_their_county_targets(self):
        self.api.force_authenticate(self.dave)
        rows = self.api.get("/api/v1/targets/").json()["results"]
        self.assertEqual({r["county_code"] for r in rows}, {"530602"})
        other = Target.objects.get(year=2012, county=self.ludian)
        self.assertEqual(self.api.get(f"/api/v1/targets/{other.pk}/").status_code, 404)

    def test_it_refuses_a_revision_outside_the_year(self):
        self.assertEqual(self.post(self.root, effective_on="2012-12-31").status_code, 400)

    def test_the_schema_documents_the_endpoints(self):
        self.api.force_authenticate(self.frank)
        schema = self.api.get(reverse("schema") + "?format=json").json()
        self.assertIn("/api/v1/progress/", schema["paths"])
        self.assertIn("/api/v1/progress/county/{code}/", schema["paths"])
        self.assertIn("/api/v1/targets/", schema["paths"])


class TargetDeleteApiTest(ScenarioTestCase):
    def test_only_the_city_office_deletes_a_target(self):
        api = APIClient()
        target = Target.objects.get(year=2012, county=self.yanjin)
        api.force_authenticate(self.frank)
        self.assertEqual(api.delete(f"/api/v1/targets/{target.pk}/").status_code, 403)
        api.force_authenticate(self.root)
        self.assertEqual(api.delete(f"/api/v1/targets/{target.pk}/").status_code, 204)
        self.assertFalse(Target.objects.filter(pk=target.pk).exists())
