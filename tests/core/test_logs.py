"""Log lines (nongzhuancheng/logs.py): each once, through the root's one handler, structured, with
the request id and the user's id; a client's error (403, 404) at INFO without a traceback."""

import contextlib
import io
import json
import logging

from django.conf import settings

from nongzhuancheng.logs import formatter
from tests.base import CastTestCase


@contextlib.contextmanager
def log_lines(style="json"):
    """What the configured handler writes (the real one: the root logger's StreamHandler), as lines."""
    handlers = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    assert len(handlers) == 1, handlers
    handler = handlers[0]
    stream, before = io.StringIO(), handler.formatter
    old = handler.setStream(stream)
    handler.setFormatter(formatter(style))
    lines: list[str] = []
    try:
        yield lines
    finally:
        handler.setStream(old)
        handler.setFormatter(before)
        lines.extend(line for line in stream.getvalue().splitlines() if line.strip())


class LogLinesTest(CastTestCase):
    def setUp(self):
        self.client.raise_request_exception = False

    def test_no_logger_but_the_root_has_a_handler_so_nothing_prints_twice(self):
        for name in ["django", "django.request", "django.server", "django.security", "celery", "households"]:
            writing = [h for h in logging.getLogger(name).handlers if not isinstance(h, logging.NullHandler)]
            self.assertEqual(writing, [], name)
        self.assertTrue(settings.LOGGING["loggers"]["django"]["propagate"])

    def test_a_404_is_one_json_line_at_info_with_request_id_and_user_and_no_traceback(self):
        self.login(self.dave)
        with log_lines() as lines:
            response = self.client.get("/households/applications/999999/")
        self.assertEqual(response.status_code, 404)
        mine = [json.loads(line) for line in lines if response["X-Request-ID"] in line]
        self.assertEqual(len(mine), 1, lines)  # once: not again by Django's own console handler
        (line,) = mine
        self.assertEqual((line["level"], line["logger"], line["status"]), ("info", "django.request", 404))
        self.assertEqual(line["request_id"], response["X-Request-ID"])
        self.assertEqual(line["user_id"], self.dave.pk)
        self.assertNotIn("exception", line)
        self.assertNotIn("Traceback", "\n".join(lines))

    def test_a_403_is_at_info_without_a_traceback(self):
        self.login(self.frank)
        with log_lines() as lines:
            response = self.client.get("/households/new/")
        self.assertEqual(response.status_code, 403)
        (line,) = [json.loads(line) for line in lines if response["X-Request-ID"] in line]
        self.assertEqual((line["level"], line["status"], line["user_id"]), ("info", 403, self.frank.pk))
        self.assertNotIn("Traceback", "\n".join(lines))

    def test_a_500_keeps_its_level_and_its_traceback_in_the_line(self):
        from unittest import mock

        self.login(self.dave)
        with mock.patch("nongzhuancheng.views.HomeView.get", side_effect=RuntimeError("boom")), \
                log_lines() as lines:
            response = self.client.get("/")
        self.assertEqual(response.status_code, 500)
        (line,) = [json.loads(line) for line in lines if response["X-Request-ID"] in line]
        self.assertEqual((line["level"], line["status"]), ("error", 500))
        self.assertIn("RuntimeError: boom", line["exception"])

    def test_the_console_style_is_one_readable_line_with_the_request_id(self):
        with log_lines("console") as lines:
            response = self.client.get("/no-such-page/")
        mine = [line for line in lines if response["X-Request-ID"] in line]
        self.assertEqual(len(mine), 1, lines)
        self.assertIn("[info", mine[0])
        self.assertIn(f"request_id={response['X-Request-ID']}", mine[0])
