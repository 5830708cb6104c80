from rest_framework.test import APIClient

from households.models import Person
from tests.base import CastTestCase, person_data


class PeopleAndHouseholdsApiTest(CastTestCase):
    def api(self, user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    def test_people_are_masked_in_the_list_and_whole_in_the_detail(self):
        app = self.receive(self.alice, members=[person_data(id_number="532101800101001")])
        person = app.members.get()
        listed = self.api(self.alice).get("/api/v1/people/").json()["results"][0]
        self.assertEqual(listed["id_number"], "532101**********10")
        detail = self.api(self.alice).get(f"/api/v1/people/{person.pk}/").json()
        self.assertEqual(detail["id_number"], "532101198001010010")
        self.assertEqual(self.api(self.frank).get(f"/api/v1/people/{person.pk}/").json()["id_number"],
                         "532101**********10")

    def test_people_can_be_found_by_a_pasted_or_legacy_number_sent_in_a_post_body(self):
        self.receive(self.alice, members=[person_data(id_number="532101800101001")])
        self.receive(self.alice)
        for raw in ("532101800101001", "532101 19800101 0010"):
            body = self.api(self.dave).post("/api/v1/people/search/", {"id_number": raw}).json()
            self.assertEqual(len(body), 1, raw)
            self.assertEqual(body[0]["id_number"], "532101**********10")

    def test_the_people_search_takes_only_a_whole_valid_number(self):
        self.receive(self.alice, members=[person_data(id_number="532101800101001")])
        r = self.api(self.dave).post("/api/v1/people/search/", {"id_number": "5321011980"})
        self.assertEqual(r.status_code, 400)
        self.assertNotIn("532101198001010010", r.content.decode())

    def test_an_id_number_in_a_url_finds_nobody(self):
        self.receive(self.alice, members=[person_data(id_number="532101800101001")])
        body = self.api(self.alice).get("/api/v1/applications/", {"q": "532101800101001"}).json()
        self.assertEqual(body["results"], [])
        body = self.api(self.alice).get("/api/v1/applications/", {"q": "5321011980"}).json()
        self.assertEqual(body["results"], [])
        self.receive(self.alice)
        body = self.api(self.dave).get("/api/v1/people/", {"id_number": "532101800101001"}).json()
        self.assertEqual(body["count"], 2)  # the parameter is no filter: everyone in dave's county

    def test_a_person_correction_through_the_api_uses_the_service(self):
        app = self.receive(self.alice, members=[person_data(male=True)])
        person = app.members.get()
        r = self.api(self.alice).patch(f"/api/v1/people/{person.pk}/", {"sex": "F"}, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("性别与身份号码不符", r.json()["sex"][0])
        r = self.api(self.alice).patch(f"/api/v1/people/{person.pk}/", {"category": "veteran"}, format="json")
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(Person.objects.get(pk=person.pk).category, "veteran")
        self.assertEqual(Person.objects.get(pk=person.pk).history.first().history_user, self.alice)

    def test_a_household_correction_through_the_api_keeps_history(self):
        app = self.receive(self.alice, head_name="李德明")
        r = self.api(self.dave).patch(f"/api/v1/households/{app.household_id}/", {"head_name": "李德民"},
                                      format="json")
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["head_name"], "李德民")
        self.assertEqual(app.household.history.first().history_user, self.dave)

    def test_a_new_application_can_name_an_existing_household(self):
        first = self.receive(self.alice)
        payload = {"household_id": first.household_id, "documents": [], "members": [person_data()]}
        r = self.api(self.alice).post("/api/v1/applications/", payload, format="json")
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual(r.json()["household"]["id"], first.household_id)
        other = self.receive(self.bob, members=[person_data(area="530621")])
        payload["household_id"] = other.household_id
        payload["members"] = [person_data()]
        r = self.api(self.alice).post("/api/v1/applications/", payload, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("household", r.json())

    def test_the_id_check_answers_post_only_and_needs_a_signed_in_user(self):
        r = self.api(self.alice).post("/api/v1/id-check/", {"id_number": "11010519491231002x"})
        self.assertTrue(r.json()["valid"])
        r = self.api(self.alice).get("/api/v1/id-check/", {"id_number": "11010519491231002x"})
        self.assertEqual(r.status_code, 405)
        self.assertIn(APIClient().post("/api/v1/id-check/", {"id_number": "11010519491231002X"}).status_code,
                      (401, 403))

    def test_the_id_check_reports_a_typed_sex_that_disagrees(self):
        body = self.api(self.alice).post("/api/v1/id-check/", {"id_number": "11010519491231002X", "sex": "M"}).json()
        self.assertFalse(body["valid"])
        self.assertEqual(body["id_number"], "11010519491231002X")
        self.assertIn("sex", body["errors"])
