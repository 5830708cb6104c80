"""Shared by the public app's tests: a cleared cache and handy posts."""

import re

from django.core.cache import cache

from tests.base import CastTestCase, person_data

CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">')


def without_csrf(html: str) -> str:
    return CSRF_INPUT.sub("", html)


class PublicTestCase(CastTestCase):
    def setUp(self):
        super().setUp()
        cache.clear()  # guide pages and rate-limit counters start afresh

    def tearDown(self):
        cache.clear()
        super().tearDown()

    def receive_with_phone(self, actor, phone="13800000001", **kwargs):
        area = actor.assignment.station.county.code
        return self.receive(actor, members=[person_data(area=area, phone=phone)], **kwargs)
