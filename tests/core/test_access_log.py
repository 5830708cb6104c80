"""The access log: written on commit, append-only, read-only in the admin, purged only by command."""

import datetime

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from nongzhuancheng.audit import AccessEvent, record
from tests.base import PASSWORD, CastTestCase


class AccessLogTest(CastTestCase):
    def kinds(self, username):
        return list(AccessEvent.objects.filter(username=username).order_by("id").values_list("kind", flat=True))

    def test_sign_in_sign_out_and_a_failed_sign_in_are_recorded(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("login"), {"username": "dave", "password": "wrong"})
            self.client.post(reverse("login"), {"username": "dave", "password": PASSWORD})
            self.client.post(reverse("logout"))
        self.assertEqual(self.kinds("dave"), ["sign_in_failed", "sign_in", "sign_out"])
        failed = AccessEvent.objects.filter(kind="sign_in_failed").get()
        self.assertIsNone(failed.user)
        self.assertEqual(AccessEvent.objects.get(kind="sign_in").role, "county_officer")

    def test_an_event_is_written_only_when_its_transaction_commits(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            record(AccessEvent.Kind.EXPORT, user=self.frank, subject="x")
        self.assertFalse(AccessEvent.objects.exists())
        self.assertEqual(len(callbacks), 1)

    def test_it_is_append_only(self):
        with self.captureOnCommitCallbacks(execute=True):
            record(AccessEvent.Kind.EXPORT, user=self.frank, subject="x")
        event = AccessEvent.objects.get()
        event.subject = "changed"
        for attempt in (event.save, event.delete, AccessEvent.objects.all().delete,
                        lambda: AccessEvent.objects.update(subject="y")):
            with self.assertRaises(TypeError):
                attempt()
        self.assertEqual(AccessEvent.objects.get().subject, "x")

    def test_the_admin_shows_it_read_only(self):
        with self.captureOnCommitCallbacks(execute=True):
            record(AccessEvent.Kind.EXPORT, user=self.frank, subject="x")
        event = AccessEvent.objects.get()
        self.login(self.root)
        self.assertEqual(self.client.get(reverse("admin:nongzhuancheng_accessevent_changelist")).status_code, 200)
        change = reverse("admin:nongzhuancheng_accessevent_change", args=[event.pk])
        self.assertEqual(self.client.get(change).status_code, 200)
        self.client.post(change, {"subject": "changed"})
        self.assertEqual(self.client.get(reverse("admin:nongzhuancheng_accessevent_add")).status_code, 403)
        delete = reverse("admin:nongzhuancheng_accessevent_delete", args=[event.pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        self.assertEqual(AccessEvent.objects.get().subject, "x")

    def test_the_purge_command_removes_only_events_past_the_retention(self):
        with self.captureOnCommitCallbacks(execute=True):
            record(AccessEvent.Kind.EXPORT, user=self.frank, subject="old")
            record(AccessEvent.Kind.EXPORT, user=self.frank, subject="new")
        old = AccessEvent.objects.get(subject="old")
        from django.db import connection

        with connection.cursor() as c:  # age the row as time would
            c.execute(f"UPDATE {AccessEvent._meta.db_table} SET at = %s WHERE id = %s",
                      [timezone.now() - datetime.timedelta(days=40), old.pk])
        with override_settings(NZC_ACCESS_LOG_RETENTION_DAYS=30):
            call_command("access_log_purge", stdout=open("/dev/null", "w"))
        self.assertEqual(list(AccessEvent.objects.values_list("subject", flat=True)), ["new"])

    def test_a_refusal_of_an_object_out_of_scope_is_recorded(self):
        app = self.receive(self.alice)
        self.login(self.bob)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.get(reverse("households:application_detail", args=[app.pk]))
        self.assertEqual(response.status_code, 404)
        event = AccessEvent.objects.get(kind=AccessEvent.Kind.REFUSED)
        self.assertEqual((event.username, event.detail["status"]), ("bob", 404))


    def test_a_refusal_through_an_api_token_is_recorded_as_a_sessions_is(self):
        app = self.receive(self.alice)
        token = Token.objects.create(user=self.bob)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        with self.captureOnCommitCallbacks(execute=True):
            out_of_scope = client.get(f"/api/v1/applications/{app.pk}/")
        self.assertEqual(out_of_scope.status_code, 404)
        event = AccessEvent.objects.get(kind=AccessEvent.Kind.REFUSED)
        self.assertEqual((event.user_id, event.username, event.detail["status"]), (self.bob.pk, "bob", 404))
        self.assertEqual(event.path, f"/api/v1/applications/{app.pk}/")

    def test_a_403_through_an_api_token_is_recorded(self):
        token = Token.objects.create(user=self.frank)  # a city reader may not receive applications
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post("/api/v1/applications/", {}, format="json")
        self.assertEqual(response.status_code, 403)
        event = AccessEvent.objects.get(kind=AccessEvent.Kind.REFUSED)
        self.assertEqual((event.username, event.detail["status"]), ("frank", 403))


class ApiTrustTest(CastTestCase):
    def test_the_schema_and_docs_need_a_signed_in_user(self):
        for url in ("/api/schema/", "/api/docs/"):
            self.assertIn(APIClient().get(url).status_code, (401, 403), url)
            client = APIClient()
            client.force_authenticate(self.alice)
            self.assertEqual(client.get(url).status_code, 200, url)

    def test_an_api_token_expires(self):
        token = Token.objects.create(user=self.alice)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        self.assertEqual(client.get("/api/v1/applications/").status_code, 200)
        Token.objects.filter(pk=token.pk).update(created=timezone.now() - datetime.timedelta(days=31))
        with override_settings(NZC_API_TOKEN_DAYS=30):
            self.assertIn(client.get("/api/v1/applications/").status_code, (401, 403))
        self.assertFalse(Token.objects.filter(user=self.alice).exists())


class AccessLogPageTest(CastTestCase):
    def test_the_city_office_reads_and_exports_it_and_nobody_else_does(self):
        with self.captureOnCommitCallbacks(execute=True):
            record(AccessEvent.Kind.ID_VIEW, user=self.dave, person_id=7, subject="530602**********3X")
        url = reverse("access_log")
        self.login(self.frank)
        response = self.client.get(url, {"kind": "id_view"})
        self.assertContains(response, "530602**********3X")
        self.assertContains(response, "dave")
        with self.captureOnCommitCallbacks(execute=True):
            export = self.client.get(url, {"kind": "id_view", "format": "csv"})
        self.assertIn("dave", export.content.decode("utf-8-sig"))
        self.assertTrue(AccessEvent.objects.filter(kind="export", username="frank", subject="access-log").exists())
        for user in (self.alice, self.dave, self.grace):
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, 403, user)

    def test_a_county_officers_whole_id_view_and_export_show_on_the_log_and_on_the_persons_page(self):
        app = self.complete(self.alice)
        person = app.members.get()
        self.login(self.dave)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("households:person_id_reveal", args=[person.pk]))
            self.client.post(reverse("imports:export_people") + "?format=csv", {"reason": "核对参保名单"})
        self.login(self.frank)
        body = self.client.get(reverse("access_log"), {"username": "dave"}).content.decode()
        self.assertIn("查看完整身份号码", body)
        self.assertIn("导出", body)
        self.login(self.dave)
        page = self.client.get(reverse("entitlements:person", args=[person.pk]))
        self.assertContains(page, "谁查看过此人的完整身份号码")
        self.assertEqual([e.username for e in page.context["viewers"]], ["dave"])
