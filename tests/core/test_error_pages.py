"""Error pages in the user's language with the site's navigation, never a traceback; the 500 page
renders without the database and shows the request id that the log line of the exception carries;
API errors in the user's language."""

import logging
from unittest import mock

from django.test import RequestFactory, override_settings
from django.urls import path

from nongzhuancheng import errors, request_id
from nongzhuancheng.urls import urlpatterns as site_patterns
from tests.base import CastTestCase


def _boom(request):
    raise RuntimeError("boom for the test")


urlpatterns = [*site_patterns, path("boom/", _boom), path("api/v1/boom/", _boom)]
handler400 = "nongzhuancheng.errors.bad_request"
handler403 = "nongzhuancheng.errors.permission_denied"
handler404 = "nongzhuancheng.errors.page_not_found"
handler500 = "nongzhuancheng.errors.server_error"


class _Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.addFilter(request_id.RequestIdFilter())
        self.records = []

    def emit(self, record):
        self.records.append(record)


@override_settings(ROOT_URLCONF=__name__)
class ErrorPagesTest(CastTestCase):
    def setUp(self):
        self.client.raise_request_exception = False

    def test_404_is_in_chinese_with_the_navigation(self):
        self.login(self.dave)
        response = self.client.get("/households/applications/999999/")
        self.assertContains(response, "页面不存在", status_code=404)
        self.assertContains(response, 'class="nav-link', status_code=404)
        self.assertNotContains(response, "Traceback", status_code=404)

    def test_404_is_in_english_for_an_english_reader(self):
        self.login(self.dave)
        response = self.client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Page not found", status_code=404)

    def test_403_is_in_chinese_with_the_navigation(self):
        self.login(self.frank)  # a city reader may not receive applications
        response = self.client.get("/households/new/")
        self.assertContains(response, "没有权限", status_code=403)
        self.assertContains(response, 'class="nav-link', status_code=403)

    def test_400_names_the_parameter(self):
        self.login(self.frank)
        response = self.client.get("/progress/?as_of=0001-01-01", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "as_of", status_code=400)
        self.assertContains(response, "Bad request", status_code=400)

    def test_500_shows_the_request_id_that_the_log_line_carries(self):
        records = _Records()
        logging.getLogger("django.request").addHandler(records)
        try:
            self.login(self.dave)
            response = self.client.get("/boom/")
        finally:
            logging.getLogger("django.request").removeHandler(records)
        self.assertEqual(response.status_code, 500)
        reference = response["X-Request-ID"]
        self.assertContains(response, reference, status_code=500)
        self.assertContains(response, "服务器出错", status_code=500)
        self.assertNotContains(response, "boom for the test", status_code=500)
        logged = [r for r in records.records if r.exc_info]
        self.assertTrue(logged)
        self.assertEqual(logged[0].request_id, reference)

    def test_500_renders_without_the_database_or_a_user(self):
        request = RequestFactory().get("/households/applications/")
        request.id = "abcdef0123456789"
        with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=RuntimeError("db down")):
            response = errors.server_error(request)
        self.assertEqual(response.status_code, 500)
        body = response.content.decode()
        self.assertIn("abcdef0123456789", body)
        self.assertIn('class="topbar"', body)

    def test_api_errors_answer_json_in_the_readers_language(self):
        response = self.client.get("/api/v1/boom/")
        self.assertEqual(response.status_code, 500)
        self.assertEqual(response.json()["request_id"], response["X-Request-ID"])
        self.assertEqual(self.client.get("/api/v1/nothing-here/").json()["detail"], "未找到。")
        english = self.client.get("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(english.json()["detail"], "Not found.")


class ApiLanguageTest(CastTestCase):
    def test_drf_errors_follow_accept_language(self):
        chinese = self.client.get("/api/v1/applications/")
        english = self.client.get("/api/v1/applications/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(chinese.status_code, english.status_code)
        self.assertNotEqual(chinese.json()["detail"], english.json()["detail"])
        self.assertEqual(english.json()["detail"], "Authentication credentials were not provided.")

    def test_a_bad_api_parameter_is_named_in_the_readers_language(self):
        self.login(self.frank)
        english = self.client.get("/api/v1/progress/?year=1999", HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(english.status_code, 400)
        self.assertIn("Parameter year", english.json()["year"][0])
        chinese = self.client.get("/api/v1/progress/?year=1999")
        self.assertIn("参数 year", chinese.json()["year"][0])


class RequestIdTest(CastTestCase):
    def test_every_response_carries_a_request_id(self):
        first, second = self.client.get("/accounts/login/"), self.client.get("/accounts/login/")
        self.assertTrue(first["X-Request-ID"])
        self.assertNotEqual(first["X-Request-ID"], second["X-Request-ID"])

    def test_a_proxys_request_id_is_kept_when_it_looks_like_one(self):
        kept = self.client.get("/accounts/login/", HTTP_X_REQUEST_ID="proxy-1234abcd")
        self.assertEqual(kept["X-Request-ID"], "proxy-1234abcd")
        replaced = self.client.get("/accounts/login/", HTTP_X_REQUEST_ID="bad id\nwith newline")
        self.assertNotEqual(replaced["X-Request-ID"], "bad id\nwith newline")

    def test_the_filter_puts_the_id_on_every_record_and_a_dash_outside_a_request(self):
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
        request_id.RequestIdFilter().filter(record)
        self.assertEqual(record.request_id, "-")
