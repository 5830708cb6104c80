"""Every page of our apps renders for every role, in Chinese and in English, without a server error.

Objects in the URLs are taken from each user's own scope; the data includes a completed application,
a returned one, and a completed one whose clerk is not recorded, as bulk-loaded data (the 2012
figures, spreadsheet imports) may be.
"""

import logging

from django.apps import apps
from django.test import override_settings

from households import services
from households.models import TransferApplication
from tests.base import CastTestCase

from .test_scoping_walk import (
    FIXED_VALUES,
    OBJECT_URLS,
    _group_names,
    make_import_job,
    object_model,
    our_urls,
)


def in_scope_value(user, name, pattern, cast):
    """(param, value) of an object in the user's scope for this URL, or None if the URL takes none."""
    model, param = object_model(name, pattern.callback)
    params = _group_names(pattern.pattern) - set(FIXED_VALUES) - {"format"}
    if not params:
        return ()
    if model is None or param not in params:
        return None
    if model._meta.label == "nongzhuancheng.County":
        assignment = getattr(user, "assignment", None)
        county_id = assignment.county_id if assignment and assignment.county_id else cast.zhaoyang.pk
        obj = model.objects.get(pk=county_id)
    else:
        obj = model._default_manager.for_user(user).order_by("-pk").first()
    if obj is None:
        return None
    return ((param, getattr(obj, "code" if param == "code" else "pk")),)


@override_settings(ALLOWED_HOSTS=["testserver"])
class PagesRenderTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.completed = cls.complete(cls, cls.alice)
        returned = cls.receive(cls.alice)
        services.application_return(application=returned, actor=cls.alice, note="缺户口簿")
        bulk = cls.complete(cls, cls.alice)
        TransferApplication.objects.filter(pk=bulk.pk).update(created_by=None)
        cls.bulk = bulk
        make_import_job(cls.alice)
        from households import corrections

        corrections.correction_request(application=cls.completed, actor=cls.alice, reason="录入错误",
                                       people={cls.completed.members.get().pk: {"category": "veteran"}})

    def setUp(self):
        logging.disable(logging.CRITICAL)  # the server errors are reported below, by URL
        self.addCleanup(logging.disable, logging.NOTSET)

    def render_all(self, users, language):
        failures, rendered = [], 0
        for user in users:
            self.client.force_login(user)
            for _, pattern, name in our_urls(with_names=True):
                values = in_scope_value(user, name, pattern, self)
                if values is None:
                    continue
                urls = [u for u, _, n in our_urls({**FIXED_VALUES, **dict(values)}, with_names=True) if n == name]
                for url in urls:
                    self.client.raise_request_exception = False
                    response = self.client.get(url, HTTP_ACCEPT_LANGUAGE=language)
                    rendered += 1
                    if response.status_code >= 500:
                        failures.append(f"{user.username} {language} GET {url} ({name}) -> {response.status_code}")
        return failures, rendered

    def test_every_page_renders_for_every_role_in_chinese(self):
        failures, rendered = self.render_all([self.alice, self.dave, self.frank, self.grace, self.root], "zh-hans")
        self.assertGreater(rendered, 50)
        self.assertEqual(failures, [], "\n  ".join([""] + failures))

    def test_every_page_renders_in_english(self):
        failures, rendered = self.render_all([self.alice, self.root], "en")
        self.assertGreater(rendered, 20)
        self.assertEqual(failures, [], "\n  ".join([""] + failures))

    def test_the_table_of_object_urls_names_real_models(self):
        for label, _ in OBJECT_URLS.values():
            with self.subTest(model=label):
                self.assertIsNotNone(apps.get_model(label))
