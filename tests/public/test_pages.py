"""The guide and the station list: open to everyone, Chinese, light, cached, and free of personal data."""

import re

from django.test import override_settings
from django.urls import reverse

from households.reference import Category, Document
from nongzhuancheng.models import PoliceStation
from public import services
from public.models import GuideEntry, StationDesk

from .helpers import PublicTestCase


class GuidePageTest(PublicTestCase):
    def test_it_opens_without_signing_in_and_explains_the_policy(self):
        response = self.client.get(reverse("public:guide"))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        for text in ("兼有两个身份、享有五项保留、提供五项保障", "土地承包经营权", "林地承包权和林木所有权",
                     "宅基地及农房使用权", "5年的计划生育政策过渡期", "集体经济组织资产收益分红权",
                     "城镇住房", "养老", "医疗", "就业", "教育", "190个基层派出所"):
            with self.subTest(text=text):
                self.assertIn(text, html)

    def test_it_names_every_category_with_what_proves_it(self):
        html = self.client.get(reverse("public:guide")).content.decode()
        self.assertIn("谁可以申请（11 类人员）", html)
        for category in Category:
            with self.subTest(category=category.value):
                entry = GuideEntry.objects.get(key=category.value)
                self.assertIn(str(category.label), html)
                self.assertTrue(entry.proof)
                self.assertIn(entry.proof, html)

    def test_it_lists_every_document_to_bring(self):
        html = self.client.get(reverse("public:guide")).content.decode()
        for key in Document.values:
            self.assertIn(GuideEntry.objects.get(key=key).title, html)

    @override_settings(NZC_TIME_LIMIT_WORKING_DAYS=7)
    def test_the_time_limit_is_the_setting_in_working_days(self):
        html = self.client.get(reverse("public:guide")).content.decode()
        self.assertIn("自受理之日起 7 个工作日内办结", html)

    def test_it_loads_nothing_from_elsewhere(self):
        html = self.client.get(reverse("public:guide")).content.decode()
        self.assertNotRegex(html, r'<(script|link|img)[^>]+(src|href)="(https?:)?//')
        self.assertNotIn("<script", html)

    def test_it_is_cached_in_browsers_and_on_the_server(self):
        first = self.client.get(reverse("public:guide"))
        self.assertIn("public", first["Cache-Control"])
        self.assertIn("max-age=300", first["Cache-Control"])
        with self.assertNumQueries(0):
            second = self.client.get(reverse("public:guide"))
        self.assertEqual(first.content, second.content)

    def test_an_edit_by_the_city_office_shows_at_once_and_is_kept_as_a_revision(self):
        self.client.get(reverse("public:guide"))
        self.frank.is_staff = True
        self.frank.save()
        entry = GuideEntry.objects.get(key="farmland")
        with self.captureOnCommitCallbacks(execute=True):
            services.guide_entry_update(entry=entry, actor=self.frank, reason="文字更正",
                                        body="转户后承包地继续由您家承包经营，依法自愿有偿流转。")
        html = self.client.get(reverse("public:guide")).content.decode()
        self.assertIn("转户后承包地继续由您家承包经营", html)
        latest = entry.history.order_by("-history_date", "-history_id").first()
        self.assertEqual(latest.history_user, self.frank)
        self.assertEqual(latest.history_change_reason, "文字更正")
        self.assertEqual([c.field for c in latest.diff_against(latest.prev_record).changes], ["body"])


class StationListTest(PublicTestCase):
    def test_it_lists_all_190_green_channels_with_their_phones(self):
        response = self.client.get(reverse("public:stations"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content.decode().count('class="station"'), 190)
        self.assertContains(response, "共 190 个派出所")
        self.assertContains(response, self.zy_station.phone)

    def test_it_is_searchable_by_county(self):
        response = self.client.get(reverse("public:stations"), {"county": "530621"})
        html = response.content.decode()
        n = PoliceStation.objects.filter(county=self.ludian).count()
        self.assertEqual(html.count('class="station"'), n)
        self.assertIn("鲁甸县 · 城区派出所", html)
        self.assertNotIn("昭阳区 · ", html)

    def test_a_desk_address_and_hours_show_and_an_edit_refreshes_the_cached_page(self):
        self.client.get(reverse("public:stations"), {"county": "530602"})
        StationDesk.objects.create(station=self.zy_station, address="昭阳区龙泉路派出所一楼大厅",
                                   opening_hours="周一至周日 9:00—17:00")
        html = self.client.get(reverse("public:stations"), {"county": "530602"}).content.decode()
        self.assertIn("昭阳区龙泉路派出所一楼大厅", html)
        self.assertIn("周一至周日 9:00—17:00", html)
        self.assertIn("周一至周五 上午8:30—12:00", html)  # the others: the city-wide hours


class NoPersonalDataTest(PublicTestCase):
    def test_no_public_page_shows_a_name_an_id_number_or_a_phone_of_an_applicant(self):
        app = self.receive_with_phone(self.alice, phone="13912345678")
        person = app.members.get()
        for name, params in (("public:guide", {}), ("public:stations", {}), ("public:stations", {"county": "530602"}),
                             ("public:lookup", {"n": app.number}), ("public:ask", {})):
            html = self.client.get(reverse(name), params).content.decode()
            with self.subTest(page=name):
                for secret in (person.name, person.id_number, person.id_number[-6:], "13912345678",
                               app.household.head_name):
                    self.assertNotIn(secret, html)
                self.assertIsNone(re.search(r"\d{17}[\dX]", html.replace(app.number, "")))

    def test_a_guide_page_is_the_same_for_everyone_and_sets_no_cookie(self):
        anonymous = self.client.get(reverse("public:guide"))
        self.login(self.alice)
        signed_in = self.client.get(reverse("public:guide"))
        self.assertEqual(anonymous.content, signed_in.content)
        self.assertNotIn("alice", signed_in.content.decode())
        self.assertEqual(anonymous.cookies, {})
        self.assertNotIn("Cookie", anonymous.get("Vary", ""))
