import datetime

from django.db import connection
from django.http import HttpRequest  # django-axes: authenticate() needs the request
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from households import services
from households.models import Person, TransferApplication
from households.reference import REQUIRED_DOCUMENTS
from tests.base import PASSWORD, CastTestCase, household_data, person_data

Status = TransferApplication.Status


class ApiCase(CastTestCase):
    def setUp(self):
        self.api = APIClient()

    def as_user(self, user):
        self.api.force_authenticate(user)
        return self.api


class ApplicationCreateApiTest(ApiCase):
    def payload(self, members=None, **extra):
        data = {
            "household": household_data(),
            "documents": REQUIRED_DOCUMENTS,
            "members": members or [person_data(), person_data(relation="spouse", male=False)],
        }
        data.update(extra)
        return data

    def test_it_receives_a_household_with_its_members(self):
        r = self.as_user(self.alice).post("/api/v1/applications/", self.payload(), format="json")
        self.assertEqual(r.status_code, 201, r.content)
        body = r.json()
        self.assertEqual(body["status"], "received")
        self.assertEqual(body["station"], self.zy_station.pk)
        self.assertEqual(len(body["members"]), 2)
        self.assertEqual(body["events"][0]["to_status"], "received")
        self.assertEqual(body["allowed_moves"], ["complete", "return", "reject", "withdraw", "withdraw_duplicate"])
        # the detail response of one's own new application shows the whole number
        self.assertNotIn("*", body["members"][0]["id_number"])

    def test_it_accepts_a_legacy_15_digit_number_with_spaces_and_stores_18(self):
        member = person_data(id_number="532101 800101 001")
        r = self.as_user(self.alice).post("/api/v1/applications/", self.payload(members=[member]), format="json")
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual(r.json()["members"][0]["id_number"], "532101198001010010")

    def test_a_bad_id_number_answers_400_naming_the_member_and_writes_nothing(self):
        good = person_data()
        bad = person_data(id_number="530602198502301234")  # 30 February
        r = self.as_user(self.alice).post("/api/v1/applications/", self.payload(members=[good, bad]), format="json")
        self.assertEqual(r.status_code, 400)
        body = r.json()
        self.assertEqual(body["members"][0], {})
        self.assertIn("1985-02-30", body["members"][1]["id_number"][0])
        self.assertEqual(TransferApplication.objects.count(), 0)
        self.assertEqual(Person.objects.count(), 0)

    def test_a_typed_sex_that_contradicts_the_number_is_an_error(self):
        member = person_data(male=True, sex="F")
        r = self.as_user(self.alice).post("/api/v1/applications/", self.payload(members=[member]), format="json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("性别与身份号码不符", r.json()["members"][0]["sex"][0])

    def test_a_second_transfer_of_the_same_person_is_refused_naming_the_first_station(self):
        member = person_data(area="530621")
        self.complete(self.bob, members=[member])
        r = self.as_user(self.alice).post("/api/v1/applications/", self.payload(members=[member]), format="json")
        self.assertEqual(r.status_code, 400)
        message = r.json()["members"][0]["id_number"][0]
        self.assertIn("鲁甸县", message)
        self.assertIn(str(self.ld_station.name), message)

    def test_a_county_officer_must_name_a_station_in_the_county(self):
        r = self.as_user(self.dave).post("/api/v1/applications/", self.payload(), format="json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("station", r.json())
        r = self.as_user(self.dave).post(
            "/api/v1/applications/", self.payload(station=self.ld_station.pk), format="json"
        )
        self.assertEqual(r.status_code, 403)
        r = self.as_user(self.dave).post(
            "/api/v1/applications/", self.payload(station=self.zy_station2.pk), format="json"
        )
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual(r.json()["station"], self.zy_station2.pk)

    def test_read_only_roles_get_403_on_create(self):
        for user in (self.frank, self.grace):
            r = self.as_user(user).post("/api/v1/applications/", self.payload(), format="json")
            self.assertEqual(r.status_code, 403, user)
            self.assertIn("只能查看", r.json()["detail"])
        self.assertEqual(TransferApplication.objects.count(), 0)

    def test_anonymous_requests_are_refused(self):
        self.assertIn(APIClient().get("/api/v1/applications/").status_code, (401, 403))


class ApplicationWorkflowApiTest(ApiCase):
    def test_each_move_through_the_one_endpoint_calls_the_service_and_records_the_event(self):
        app = self.receive(self.alice, documents=[])
        api = self.as_user(self.alice)
        r = api.post(f"/api/v1/applications/{app.pk}/move/", {"move": "return", "note": "缺户口簿"}, format="json")
        self.assertEqual(r.json()["status"], "returned")
        r = api.post(f"/api/v1/applications/{app.pk}/move/", {"move": "resubmit", "documents": REQUIRED_DOCUMENTS}, format="json")
        self.assertEqual(r.json()["status"], "received")
        r = api.post(f"/api/v1/applications/{app.pk}/move/", {"move": "complete"}, format="json")
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["status"], "completed")
        events = api.get(f"/api/v1/applications/{app.pk}/events/").json()
        self.assertEqual([e["to_status"] for e in events], ["received", "returned", "received", "completed"])
        self.assertEqual(events[1]["note"], "缺户口簿")
        self.assertEqual(events[1]["actor"], "alice")

    def test_the_document_checklist_is_recorded_then_completion_is_allowed(self):
        app = self.receive(self.alice, documents=[])
        api = self.as_user(self.alice)
        r = api.post(f"/api/v1/applications/{app.pk}/documents/", {"documents": ["hukou_booklet"]}, format="json")
        self.assertEqual(r.json()["missing_documents"], [d for d in REQUIRED_DOCUMENTS if d != "hukou_booklet"])
        r = api.post(f"/api/v1/applications/{app.pk}/documents/", {"documents": ["passport"]}, format="json")
        self.assertEqual(r.status_code, 400)
        api.post(f"/api/v1/applications/{app.pk}/documents/", {"documents": REQUIRED_DOCUMENTS}, format="json")
        r = api.post(f"/api/v1/applications/{app.pk}/move/", {"move": "complete"}, format="json")
        self.assertEqual(r.json()["status"], "completed")
        r = api.post(f"/api/v1/applications/{app.pk}/documents/", {"documents": []}, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("已结束的申请不能修改材料", r.json()["detail"][0])

    def test_drf_own_validation_messages_are_chinese_too(self):
        r = self.as_user(self.alice).post("/api/v1/applications/", {"household": {}}, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.json()["members"], ["该字段是必填项。"])

    def test_a_refused_move_answers_400_in_chinese(self):
        app = self.complete(self.alice)
        r = self.as_user(self.alice).post(f"/api/v1/applications/{app.pk}/move/", {"move": "withdraw"}, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("不能从“办结”变为“撤回”", r.json()["detail"][0])

    def test_completing_without_the_documents_is_refused(self):
        app = self.receive(self.alice, documents=["hukou_booklet"])
        r = self.as_user(self.alice).post(f"/api/v1/applications/{app.pk}/move/", {"move": "complete"}, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("材料不全", r.json()["detail"][0])

    def test_reject_and_return_need_a_note(self):
        app = self.receive(self.alice)
        for action in ("reject", "return"):
            r = self.as_user(self.alice).post(f"/api/v1/applications/{app.pk}/move/", {"move": action}, format="json")
            self.assertEqual(r.status_code, 400)
            self.assertIn("note", r.json())

    def test_a_move_the_table_does_not_know_answers_400_naming_the_moves(self):
        app = self.receive(self.alice)
        r = self.as_user(self.alice).post(f"/api/v1/applications/{app.pk}/move/", {"move": "accept"}, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("move", r.json())
        app.refresh_from_db()
        self.assertEqual(app.status, Status.RECEIVED)

    def test_a_completion_date_can_be_given_but_not_in_the_future(self):
        app = self.receive(self.alice, received_on=datetime.date(2012, 10, 8))
        tomorrow = datetime.date.today() + datetime.timedelta(days=2)
        r = self.as_user(self.alice).post(
            f"/api/v1/applications/{app.pk}/move/", {"move": "complete", "completed_on": tomorrow.isoformat()}, format="json"
        )
        self.assertEqual(r.status_code, 400)
        r = self.as_user(self.alice).post(
            f"/api/v1/applications/{app.pk}/move/", {"move": "complete", "completed_on": "2012-10-12"}, format="json"
        )
        self.assertEqual(r.json()["completed_on"], "2012-10-12")


class ApplicationListApiTest(ApiCase):
    def test_list_masks_id_numbers_and_detail_shows_them_whole(self):
        app = self.receive(self.alice)
        number = app.members.get().id_number
        api = self.as_user(self.alice)
        listed = api.get("/api/v1/applications/").json()["results"][0]["members"][0]["id_number"]
        self.assertEqual(listed, number[:6] + "**********" + number[-2:])
        detail = api.get(f"/api/v1/applications/{app.pk}/").json()["members"][0]["id_number"]
        self.assertEqual(detail, number)

    def test_city_readers_and_member_units_see_masked_numbers_even_on_detail(self):
        app = self.complete(self.alice)  # its head has a housing case: the housing unit's to deliver
        for user in (self.frank, self.grace):
            detail = self.as_user(user).get(f"/api/v1/applications/{app.pk}/").json()
            self.assertIn("**********", detail["members"][0]["id_number"])

    def test_a_member_unit_sees_only_applications_with_a_case_of_its_kind(self):
        received = self.receive(self.alice)  # no case of anyone's kind yet
        completed = self.complete(self.alice, members=[person_data(relation="spouse", birth=datetime.date(1950, 1, 1)),
                                                       person_data(birth=datetime.date(1960, 1, 1))])
        for user in (self.grace, self.heidi):
            api = self.as_user(user)
            self.assertEqual(api.get(f"/api/v1/applications/{received.pk}/").status_code, 404)
            listed = [row["id"] for row in api.get("/api/v1/applications/").json()["results"]]
            self.assertNotIn(received.pk, listed)
            self.assertIn(completed.pk, listed)

    def test_filters_reuse_the_list_selector(self):
        a = self.complete(self.alice, members=[person_data(category="veteran", name="王志强")])
        b = self.receive(self.alice, members=[person_data(category="graduate")])
        api = self.as_user(self.dave)

        def ids(query):
            r = api.get("/api/v1/applications/", query)
            self.assertEqual(r.status_code, 200, r.content)
            return [row["id"] for row in r.json()["results"]]

        self.assertEqual(ids({"status": "completed"}), [a.pk])
        self.assertEqual(ids({"category": "graduate"}), [b.pk])
        self.assertEqual(ids({"q": "王志强"}), [a.pk])
        self.assertEqual(ids({"q": a.members.get().id_number}), [])  # never an ID number in a URL
        self.assertEqual(ids({"q": "-"}), [])  # separators alone match nobody
        self.assertEqual(ids({"q": a.number}), [a.pk])
        self.assertEqual(ids({"county": self.zhaoyang.pk}), [b.pk, a.pk])
        self.assertEqual(ids({"station": self.zy_station2.pk}), [])
        today = datetime.date.today().isoformat()
        self.assertEqual(ids({"completed_from": today, "completed_to": today}), [a.pk])
        self.assertEqual(ids({"received_from": today}), [b.pk, a.pk])
        self.assertEqual(api.get("/api/v1/applications/", {"received_from": "not-a-date"}).status_code, 400)

    def test_the_list_is_paginated_and_its_query_count_is_pinned(self):
        for _ in range(3):
            self.receive(self.alice, members=[person_data(), person_data(relation="child")])
        api = self.as_user(self.alice)
        # count, the page with household/station/county, the members of the page; on PostgreSQL one
        # statement: the first page's ids with their count (a window count) and each row's JSON
        queries = 1 if connection.vendor == "postgresql" else 3
        with self.assertNumQueries(queries):
            body = api.get("/api/v1/applications/").json()
        self.assertEqual(body["count"], 3)
        for _ in range(5):
            self.receive(self.alice, members=[person_data(), person_data(relation="child")])
        with self.assertNumQueries(queries):
            body = api.get("/api/v1/applications/").json()
        self.assertEqual(body["count"], 8)
        self.assertEqual(len(body["results"]), 8)
        self.assertEqual(len(body["results"][0]["members"]), 2)

    def test_the_detail_query_count_is_pinned(self):
        app = self.receive(self.alice, members=[person_data(), person_data(relation="child")])
        services.application_return(application=app, actor=self.alice, note="缺材料")
        api = self.as_user(self.alice)
        api.get(f"/api/v1/applications/{app.pk}/")
        # the application with household/station/county/created_by, members, events with actors
        with self.assertNumQueries(3):
            body = api.get(f"/api/v1/applications/{app.pk}/").json()
        self.assertEqual(len(body["events"]), 2)

    def test_a_token_authenticates_api_requests(self):
        self.receive(self.alice)
        r = APIClient().post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}, format="json")
        self.assertEqual(r.status_code, 200)
        token = r.json()["token"]
        self.assertEqual(token, Token.objects.get(user=self.alice).key)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        self.assertEqual(client.get("/api/v1/applications/").json()["count"], 1)
        bad = APIClient()
        bad.credentials(HTTP_AUTHORIZATION="Token not-a-token")
        self.assertIn(bad.get("/api/v1/applications/").status_code, (401, 403))

    def test_session_authentication_works_for_signed_in_pages(self):
        self.receive(self.alice)
        self.client.login(request=HttpRequest(), username="alice", password=PASSWORD)
        self.assertEqual(self.client.get("/api/v1/applications/").json()["count"], 1)


class IdCheckApiTest(ApiCase):
    def test_it_validates_and_normalises_a_number(self):
        r = self.as_user(self.alice).post("/api/v1/id-check/", {"id_number": "５３０６２２１９４６０４０８２４７７"})
        body = r.json()
        self.assertTrue(body["valid"])
        self.assertEqual(body["id_number"], "530622194604082477")
        self.assertEqual(body["sex"], "M")
        self.assertEqual(body["birth_date"], "1946-04-08")
        self.assertIn("巧家县", body["area_name"])
        self.assertIsNone(body["claim"])

    def test_it_explains_a_bad_number(self):
        body = self.as_user(self.alice).post("/api/v1/id-check/", {"id_number": "530602198001011235"}).json()
        self.assertFalse(body["valid"])
        self.assertIn("校验位", body["errors"]["id_number"][0])

    def test_it_tells_a_clerk_where_and_when_a_number_was_claimed_city_wide_and_nothing_more(self):
        member = person_data(area="530621", name="马金兰", phone="13988888888")
        app = self.complete(self.bob, members=[member])
        body = self.as_user(self.alice).post("/api/v1/id-check/", {"id_number": member["id_number"]}).json()
        self.assertEqual(body["claim"]["station"], str(self.ld_station))
        self.assertEqual(body["claim"]["completed_on"], app.completed_on.isoformat())
        text = str(body)
        self.assertNotIn("马金兰", text)
        self.assertNotIn("13988888888", text)
        self.assertNotIn(app.household.head_name, text)


class ServiceWritesThroughApiOnlyTest(ApiCase):
    def test_a_clerk_cannot_move_another_stations_application(self):
        app = self.receive(self.bob)
        r = self.as_user(self.alice).post(f"/api/v1/applications/{app.pk}/move/", {"move": "complete"}, format="json")
        self.assertEqual(r.status_code, 404)
        app.refresh_from_db()
        self.assertEqual(app.status, Status.RECEIVED)
        self.assertEqual(services.moves_allowed(app), ["complete", "return", "reject", "withdraw", "withdraw_duplicate"])
