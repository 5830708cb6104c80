"""Every URL of the public app: the open pages answer anyone, the offices' pages refuse an anonymous
visitor, every view says which it is, and every page renders for every role.

(The core walk in tests/core/test_scoping_walk.py covers the apps in its OUR_APPS; this one walks
the public app the same way.)"""

import logging

from django.contrib.auth.models import AnonymousUser
from django.urls import get_resolver, reverse

from nongzhuancheng.scoping import NoScopedRowsMixin, ScopedSelectorsMixin
from public import services
from public.models import Grievance, Notice, NoticePreference, Prefill, StationDesk
from tests.base import household_data, person_data
from tests.core.test_scoping_walk import walk

from .helpers import PublicTestCase

OPEN = {"public:guide", "public:stations", "public:lookup", "public:ask", "public:ask_answer", "public:prefill"}


def public_urls(values=None):
    for path, pattern, name in walk(get_resolver().url_patterns, values=values):
        if pattern.callback.__module__.startswith("public."):
            yield "/" + path, pattern, name


class PublicUrlWalkTest(PublicTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.app = cls.complete(cls, cls.alice)
        cls.grievance = services.grievance_submit(kind="consultation", county=None, application=cls.app, question="问")
        cls.prefill = services.prefill_submit(station=cls.zy_station, household=household_data(),
                                              members=[person_data()])

    def test_it_walks_every_url_of_the_app(self):
        names = {name for _, _, name in public_urls()}
        self.assertEqual(len(names), 14)
        self.assertLessEqual(OPEN, names)

    def test_every_view_is_open_by_design_or_scoped(self):
        offenders = []
        for _url, pattern, name in public_urls():
            cls = pattern.callback.view_class
            is_open = getattr(cls, "public_page", False)
            if is_open != (name in OPEN):
                offenders.append(f"{name}: public_page={is_open}")
            if not is_open and not issubclass(cls, (ScopedSelectorsMixin, NoScopedRowsMixin)):
                offenders.append(f"{name}: neither public nor scoped")
        self.assertEqual(offenders, [])

    def test_the_open_pages_answer_an_anonymous_visitor_and_the_others_send_to_sign_in(self):
        login = reverse("login")
        values = {"reference": self.grievance.reference, "pk": self.grievance.pk}
        for url, _, name in public_urls(values):
            response = self.client.get(url)
            with self.subTest(url=url):
                if name in OPEN:
                    self.assertEqual(response.status_code, 200)
                else:
                    self.assertEqual(response.status_code, 302)
                    self.assertTrue(response["Location"].startswith(login))

    def test_every_page_renders_for_every_role_in_chinese_and_english(self):
        logging.disable(logging.CRITICAL)
        self.addCleanup(logging.disable, logging.NOTSET)
        self.client.raise_request_exception = False
        failures, rendered = [], 0
        for user in (self.alice, self.bob, self.dave, self.erin, self.frank, self.grace, self.root):
            self.client.force_login(user)
            pk_of = {
                "public:grievance_answer": Grievance.objects.for_user(user).values_list("pk", flat=True).first(),
                "public:application_notices": self.app.pk,
                "public:prefill_receive": self.prefill.pk,
            }
            for _, _, name in list(public_urls()):
                if name in pk_of and pk_of[name] is None:
                    continue  # nothing of the kind in this user's scope
                values = {"reference": self.grievance.reference, "pk": pk_of.get(name) or 1}
                url = next(u for u, _, n in public_urls(values) if n == name)
                for language in ("zh-hans", "en"):
                    response = self.client.get(url, HTTP_ACCEPT_LANGUAGE=language)
                    rendered += 1
                    if response.status_code >= 500:
                        failures.append(f"{user} {language} {url} -> {response.status_code}")
        self.assertGreater(rendered, 100)
        self.assertEqual(failures, [])

    def test_the_models_tied_to_a_place_are_scoped_and_give_nothing_to_the_anonymous(self):
        for model in (Grievance, Notice, NoticePreference, Prefill, StationDesk):
            with self.subTest(model=model.__name__):
                self.assertFalse(model.objects.for_user(AnonymousUser()).exists())
                self.assertEqual(model.objects.for_user(self.root).count(), model.objects.count())
