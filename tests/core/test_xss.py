"""Script typed into a text field comes out as text: on pages, in the bulletin's HTML and in exports."""

import csv
import datetime
import io

from django.test import override_settings
from django.urls import reverse

from households import services
from nongzhuancheng.models import County
from nongzhuancheng.periods import last_ended_period
from reports import selectors as report_selectors
from reports import services as report_services
from tests.base import CastTestCase, person_data

PAYLOAD = '<script>alert(1)</script>"&'  # short enough for a 40-character name field
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;"


class XssTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.app = cls.receive(cls.alice, members=[person_data(name=f"张{PAYLOAD}", occupation=f"务工{PAYLOAD}")],
                              head_name=f"户主{PAYLOAD}", address=f"城区{PAYLOAD}")
        cls.app = services.application_return(application=cls.app, actor=cls.alice, note=f"补正{PAYLOAD}")
        cls.done = cls.complete(cls, cls.alice, members=[person_data(name=f"李{PAYLOAD}", occupation=f"务工{PAYLOAD}")],
                                head_name=f"户主{PAYLOAD}")

    def assert_escaped(self, html, where):
        self.assertNotIn("<script>alert", html, where)
        self.assertIn(ESCAPED, html, where)

    def test_pages_show_typed_script_as_text(self):
        self.login(self.alice)
        for name, args in (("households:application_detail", [self.app.pk]),
                           ("households:application_receipt", [self.app.pk]),
                           ("households:application_list", [])):
            response = self.client.get(reverse(name, args=args))
            self.assertEqual(response.status_code, 200, name)
            self.assert_escaped(response.content.decode(), name)

    def test_the_entitlements_page_of_a_person_shows_typed_script_as_text(self):
        self.login(self.dave)
        person = self.done.members.get()
        response = self.client.get(reverse("entitlements:person", args=[person.pk]))
        self.assertEqual(response.status_code, 200)
        self.assert_escaped(response.content.decode(), "entitlements:person")

    def test_exports_carry_the_text_as_it_was_typed_and_never_as_a_formula(self):
        self.login(self.alice)
        response = self.client.get(reverse("imports:export_applications") + "?format=csv")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/csv"))
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        cells = [c for row in rows for c in row]
        self.assertIn(f"户主{PAYLOAD}", cells)  # data, unchanged (a CSV is not HTML)

    def test_a_formula_typed_into_a_field_is_neutralised_in_exports(self):
        self.receive(self.alice, head_name="=HYPERLINK(\"http://evil.example\")")
        self.login(self.alice)
        body = self.client.get(reverse("imports:export_applications") + "?format=csv").content.decode("utf-8-sig")
        self.assertNotIn('\n=HYPERLINK', body)
        self.assertNotIn(',=HYPERLINK', body)

    def test_the_bulletins_html_shows_typed_script_as_text(self):
        County.objects.filter(code="530602").update(name="<i>昭阳区</i>")  # a name has 20 characters at most
        with override_settings(NZC_BULLETIN_ISSUER=f"办公室{PAYLOAD}"):
            data = report_selectors.bulletin_data(period=last_ended_period(datetime.date(2012, 10, 21)))
            html = report_services.bulletin_html(figures=report_selectors.as_frozen(data))
        self.assert_escaped(html, "bulletin")
        self.assertIn("&lt;i&gt;昭阳区&lt;/i&gt;", html)
        self.assertNotIn("<i>昭阳区</i>", html)
