"""A database that drops its connections: a safe read is tried again, anything else is a 503 with
Retry-After (a page asking to try again, JSON for the API), never a 500."""

import json
from unittest import mock

from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase
from django.urls import ResolverMatch

from nongzhuancheng.faults import DatabaseUnavailableMiddleware


def request_to(path, method="get", view=None, **extra):
    request = getattr(RequestFactory(), method)(path, **extra)
    request.resolver_match = ResolverMatch(view or (lambda r: HttpResponse("ok")), (), {})
    return request


class DatabaseUnavailableMiddlewareTest(SimpleTestCase):
    def setUp(self):
        self.middleware = DatabaseUnavailableMiddleware(lambda r: HttpResponse())
        self.closing = mock.patch("nongzhuancheng.faults._drop_broken_connections")
        self.closed = self.closing.start()
        self.addCleanup(self.closing.stop)

    def test_a_read_is_tried_again_on_a_fresh_connection(self):
        response = self.middleware.process_exception(request_to("/progress/"), OperationalError("server closed"))
        self.assertEqual((response.status_code, response.content), (200, b"ok"))
        self.closed.assert_called()

    def test_a_read_that_fails_again_is_a_503_page_in_chinese_with_retry_after(self):
        def still_down(request):
            raise OperationalError("connection refused")

        response = self.middleware.process_exception(request_to("/progress/", view=still_down), OperationalError("x"))
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "5")
        self.assertIn("数据库暂时无法连接", response.content.decode())
        self.assertIn("请稍候几秒钟再试一次", response.content.decode())

    def test_a_write_is_not_repeated_and_answers_503(self):
        view = mock.Mock(return_value=HttpResponse("written"))
        response = self.middleware.process_exception(request_to("/households/new/", "post", view=view),
                                                     OperationalError("terminating connection"))
        self.assertEqual(response.status_code, 503)
        view.assert_not_called()

    def test_the_api_gets_json(self):
        response = self.middleware.process_exception(request_to("/api/v1/applications/", "post"),
                                                     OperationalError("x"))
        self.assertEqual(response.status_code, 503)
        self.assertEqual(json.loads(response.content)["code"], "database_unavailable")
        self.assertEqual(response["Retry-After"], "5")

    def test_other_errors_are_left_alone(self):
        self.assertIsNone(self.middleware.process_exception(request_to("/"), ValueError("bug")))
