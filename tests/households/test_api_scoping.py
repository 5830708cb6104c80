"""Every households endpoint: out of scope answers 404, a read-only role 403 on writes."""

from rest_framework.test import APIClient

from households.models import TransferApplication
from tests.base import CastTestCase, person_data

Status = TransferApplication.Status


class ApiScopingTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # one application at 鲁甸 (bob's station, erin's county); alice and dave are out of scope
        cls.app = cls.receive(cls.bob, members=[person_data(area="530621")])
        cls.person = cls.app.members.get()
        cls.household = cls.app.household

    def call(self, user, method, url, data=None):
        client = APIClient()
        client.force_authenticate(user)
        return getattr(client, method)(url, data or {}, format="json")

    def reads(self):
        return [
            f"/api/v1/applications/{self.app.pk}/",
            f"/api/v1/applications/{self.app.pk}/events/",
            f"/api/v1/households/{self.household.pk}/",
            f"/api/v1/people/{self.person.pk}/",
        ]

    def writes(self):
        a = f"/api/v1/applications/{self.app.pk}"
        return [
            ("post", f"{a}/move/", {"move": "complete"}),
            ("post", f"{a}/move/", {"move": "return", "note": "缺材料"}),
            ("post", f"{a}/move/", {"move": "resubmit"}),
            ("post", f"{a}/move/", {"move": "reject", "note": "不符合条件"}),
            ("post", f"{a}/move/", {"move": "withdraw"}),
            ("post", f"{a}/documents/", {"documents": []}),
            ("patch", f"/api/v1/households/{self.household.pk}/", {"head_name": "张三"}),
            ("patch", f"/api/v1/people/{self.person.pk}/", {"phone": "13800000000"}),
        ]

    def test_out_of_scope_reads_answer_404(self):
        for user in (self.alice, self.carol, self.dave):
            for url in self.reads():
                self.assertEqual(self.call(user, "get", url).status_code, 404, (user, url))

    def test_out_of_scope_writes_answer_404_and_change_nothing(self):
        for user in (self.alice, self.dave):
            for method, url, data in self.writes():
                self.assertEqual(self.call(user, method, url, data).status_code, 404, (user, url))
        self.app.refresh_from_db()
        self.assertEqual(self.app.status, Status.RECEIVED)
        self.assertEqual(self.app.events.count(), 1)

    def test_out_of_scope_rows_are_absent_from_lists(self):
        for url in ("/api/v1/applications/", "/api/v1/households/", "/api/v1/people/"):
            self.assertEqual(self.call(self.alice, "get", url).json()["count"], 0, url)
            self.assertEqual(self.call(self.erin, "get", url).json()["count"], 1, url)

    def test_in_scope_reads_answer_200_for_every_role_that_sees_them(self):
        for user in (self.bob, self.erin, self.frank, self.root):
            for url in self.reads():
                self.assertEqual(self.call(user, "get", url).status_code, 200, (user, url))

    def test_a_member_unit_sees_nobody_without_a_case_of_its_kind(self):
        for user in (self.grace, self.heidi):  # the application is received: no case is open yet
            for url in self.reads():
                self.assertEqual(self.call(user, "get", url).status_code, 404, (user, url))

    def test_read_only_roles_get_403_on_every_write(self):
        for user in (self.frank, self.grace, self.heidi):
            for method, url, data in [*self.writes(), ("post", "/api/v1/applications/", {})]:
                self.assertEqual(self.call(user, method, url, data).status_code, 403, (user, url))
        self.app.refresh_from_db()
        self.assertEqual(self.app.status, Status.RECEIVED)

    def test_the_county_officer_may_act_in_the_county(self):
        r = self.call(self.erin, "patch", f"/api/v1/households/{self.household.pk}/", {"head_name": "马德福"})
        self.assertEqual(r.status_code, 200, r.content)
        r = self.call(self.erin, "post", f"/api/v1/applications/{self.app.pk}/move/", {"move": "return", "note": "缺户口簿"})
        self.assertEqual(r.status_code, 200, r.content)

    def test_a_user_without_an_assignment_sees_nothing(self):
        from tests.base import make_user

        nobody = make_user("mallory")
        for url in self.reads():
            self.assertEqual(self.call(nobody, "get", url).status_code, 404, url)
        self.assertEqual(self.call(nobody, "post", f"/api/v1/applications/{self.app.pk}/move/", {"move": "complete"}).status_code,
                         403)
