"""/api/v1/me/: who the caller is, for clients (and the list benchmark's reference endpoint)."""

from rest_framework.test import APIClient

from nongzhuancheng import roles
from nongzhuancheng.scoping import VIEW
from tests.base import CastTestCase


class MeTest(CastTestCase):
    def test_it_names_the_user_role_and_actions(self):
        api = APIClient()
        api.force_authenticate(self.dave)
        body = api.get("/api/v1/me/").json()
        self.assertEqual((body["username"], body["role"]), ("dave", roles.COUNTY_OFFICER))
        self.assertIn(VIEW, body["actions"])

    def test_it_refuses_an_anonymous_caller(self):
        self.assertIn(APIClient().get("/api/v1/me/").status_code, (401, 403))
