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


class WhoAskedQueriesTest(CastTestCase):
    """Who the caller is and where they work come out of one query a request (the token's or the
    session's user, with its assignment), not one more when scoping first asks."""

    def assignment_queries(self, queries):
        return [q["sql"] for q in queries if q["sql"].lstrip().startswith('SELECT "nongzhuancheng_staffassignment"')]

    def test_a_token_request_reads_the_assignment_with_the_user(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from rest_framework.authtoken.models import Token

        token = Token.objects.create(user=self.dave)
        with CaptureQueriesContext(connection) as queries:
            answer = self.client.get("/api/v1/applications/", HTTP_AUTHORIZATION=f"Token {token.key}")
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(self.assignment_queries(queries.captured_queries), [])
        self.assertTrue(any("nongzhuancheng_staffassignment" in q["sql"] and "authtoken_token" in q["sql"]
                            for q in queries.captured_queries))
        me = self.client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}").json()
        self.assertEqual(me["role"], roles.COUNTY_OFFICER)

    def test_a_signed_in_page_reads_the_assignment_with_the_user_and_a_changed_role_shows_at_once(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.login(self.dave)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get("/households/applications/").status_code, 200)
        self.assertEqual(self.assignment_queries(queries.captured_queries), [])
        assignment = self.dave.assignment
        assignment.county = self.ludian
        assignment.save()
        page = self.client.get("/households/applications/").content.decode()
        self.assertIn(self.ludian.name, page)  # the next request reads the new place

    def test_a_user_without_an_assignment_and_a_bad_token_are_answered_as_before(self):
        from rest_framework.authtoken.models import Token

        from tests.base import make_user

        nobody = make_user("nobody")
        token = Token.objects.create(user=nobody)
        self.assertEqual(self.client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}").json()["role"], None)
        self.assertEqual(self.client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token " + "0" * 40).status_code, 401)
        nobody.is_active = False
        nobody.save()
        self.assertEqual(self.client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code, 401)
