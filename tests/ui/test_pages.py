"""Page and unit tests of the interface pass: ranks and the notice, numbers, dates and periods per
language, the bulletin request form, the API documentation and the favicon."""

import datetime
from types import SimpleNamespace

from django.contrib.staticfiles import finders
from django.template import Context, Template
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation

from nongzhuancheng.periods import Period
from quotas.models import Level
from quotas.selectors import _rank, tied_ranks
from quotas.services import target_set
from reports.selectors import CountyRow, _notice
from tests.base import CastTestCase

D = datetime.date


def render(text, language, **context):
    with translation.override(language):
        return Template(text).render(Context(context))


class RankTest(SimpleTestCase):
    def rank(self, rates):
        counties = [SimpleNamespace(pk=i, code=f"53{i:04d}") for i in range(len(rates))]
        return _rank(counties, lambda c: rates[c.pk], lambda c: 0)

    def test_counties_showing_the_same_rate_share_a_rank_and_the_next_one_skips(self):
        from decimal import Decimal as Dec

        ranks = self.rank([Dec("0.5"), Dec("0.25"), Dec("0.5"), Dec("0.4999"), Dec("0.4991"), None])
        self.assertEqual(ranks, {0: 1, 2: 1, 3: 3, 4: 3, 1: 5, 5: 6})  # 49.99% and 49.91% both show 49.9%
        self.assertEqual(tied_ranks(ranks.values()), {1, 3})


def row(name, rank, rate, ahead, target=10, tied=False):
    return CountyRow(county_id=rank, code=name, name=name, target=target, period_done=0, previous_period_done=0,
                     change=0, cumulative=0, rate=rate, pace="80.3%", pace_gap="", ahead_of_pace=ahead, rank=rank,
                     rank_change=None, needed_per_period=None, rank_tied=tied)


class NoticeTest(SimpleTestCase):
    def notice(self, rows):
        with translation.override("zh-hans"):
            return _notice(rows=rows, pace="80.3%", as_of=D(2012, 10, 20))

    def test_a_tie_for_last_place_names_the_tied_counties_together(self):
        text, behind, last = self.notice([row("昭阳区", 1, "100.0%", True), row("鲁甸县", 2, "50.0%", False, tied=True),
                                          row("威信县", 2, "50.0%", False, tied=True)])
        self.assertIn("鲁甸县、威信县并列排名末位", text)
        self.assertEqual(last, ["鲁甸县", "威信县"])

    def test_a_last_place_on_pace_is_not_singled_out(self):
        text, behind, last = self.notice([row("昭阳区", 1, "120.0%", True), row("威信县", 2, "100.0%", True)])
        self.assertNotIn("末位", text)
        self.assertEqual((behind, last), ([], []))
        self.assertIn("各县区完成率均达到序时进度", text)

    def test_counties_all_tied_are_not_ranked_last(self):
        text, _behind, last = self.notice([row("昭阳区", 1, "50.0%", False, tied=True),
                                           row("威信县", 1, "50.0%", False, tied=True)])
        self.assertEqual(last, [])
        self.assertNotIn("末位", text)

    def test_without_targets_there_is_no_pace_verdict(self):
        text, behind, last = self.notice([row("昭阳区", 1, "—", False, target=0), row("威信县", 1, "—", False, target=0)])
        self.assertEqual(text, "截至10月20日，各县区年度目标任务尚未下达，不作序时进度比较。")
        self.assertNotIn("均达到序时进度", text)
        self.assertEqual((behind, last), ([], []))


class FormatsTest(SimpleTestCase):
    def test_thousands_are_separated_in_chinese_as_in_english(self):
        for language in ("zh-hans", "en"):
            with self.subTest(language):
                self.assertEqual(render("{% load humanize %}{{ n|intcomma }}", language, n=579476), "579,476")

    def test_dates_are_written_in_the_users_language(self):
        day = D(2012, 10, 20)
        self.assertEqual(render('{{ d|date:"DATE_FORMAT" }}', "zh-hans", d=day), "2012年10月20日")
        self.assertEqual(render('{{ d|date:"DATE_FORMAT" }}', "en", d=day), "20 Oct 2012")
        self.assertEqual(render('{{ d|date:"MONTH_DAY_FORMAT" }}', "zh-hans", d=D(2012, 9, 5)), "9月5日")

    def test_a_change_has_one_minus_sign(self):
        self.assertEqual(render("{% load nzc %}{{ n|signed }}", "zh-hans", n=-1234), "\u22121,234")
        self.assertEqual(render("{% load bulletin %}{{ n|signed }} {{ m|thousands }}", "zh-hans", n=-5, m=-1234),
                         "\u22125 \u22121,234")
        self.assertEqual(render("{% load bulletin %}{{ n|signed }}", "zh-hans", n=12345), "+12,345")

    def test_periods_are_named_by_their_days_in_english(self):
        self.assertEqual(Period(2012, 10, 1).english_label, "1st–10th Oct 2012")
        self.assertEqual(Period(2012, 2, 3).english_label, "21st–29th Feb 2012")
        self.assertEqual(Period(2012, 10, 2).english_label, "11th–20th Oct 2012")
        self.assertEqual(render("{% load nzc %}{{ p|period_label }}", "zh-hans", p=Period(2012, 10, 1)), "2012年10月上旬")
        self.assertEqual(render("{% load nzc %}{{ p|period_label }}", "en", p=Period(2012, 10, 3)), "21st–31st Oct 2012")

    def test_full_width_punctuation_is_half_width_in_english(self):
        self.assertEqual(render('{% load nzc %}a{% p "：" %}b{% p "（" %}c{% p "）" %}', "en"), "a: b (c)")
        self.assertEqual(render('{% load nzc %}a{% p "：" %}b', "zh-hans"), "a：b")


class PagesTest(CastTestCase):
    def test_the_bulletin_form_offers_the_periods_of_any_year_with_a_target(self):
        target_set(actor=self.root, year=2012, level=Level.CITY, amount=500, effective_on=D(2012, 1, 1))
        self.login(self.frank)
        page = self.client.get(reverse("reports:bulletin_list")).content.decode()
        self.assertIn('value="2012-10-2"', page)
        self.assertIn('value="2012-1-1"', page)
        self.assertNotIn('value="2011-12-3"', page)

    def test_the_api_describes_no_code_and_loads_nothing_from_the_internet(self):
        self.login(self.alice)
        schema = self.client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content.decode()
        for leak in ("for_user", "Services raise", "WORKFLOW.", "queryset", "selectors", "``"):
            with self.subTest(leak=leak):
                self.assertNotIn(leak, schema)
        self.assertIn("并列", schema)  # the descriptions written for the client stay
        self.assertEqual(self.client.get("/api/redoc/").status_code, 404)
        docs = self.client.get("/api/docs/").content.decode()
        self.assertNotIn("https://", docs.replace("https://json-schema", ""))

    def test_every_page_has_a_favicon(self):
        self.login(self.alice)
        page = self.client.get(reverse("households:application_list")).content.decode()
        self.assertIn('rel="icon" href="/static/favicon.svg"', page)
        self.assertIsNotNone(finders.find("favicon.svg"))
        public = self.client.get(reverse("public:guide")).content.decode()
        self.assertIn('rel="icon"', public)

    def test_the_receipt_in_english_has_english_dates_and_no_full_width_marks_of_ours(self):
        app = self.receive(self.alice, received_on=D(2026, 9, 1))
        self.login(self.alice)
        page = self.client.get(reverse("households:application_receipt", args=[app.pk]), HTTP_ACCEPT_LANGUAGE="en")
        text = page.content.decode()
        self.assertIn("1 Sep 2026", text)
        self.assertNotIn("2026年", text)
        receipt = text[text.index('<article class="receipt">'):text.index("</article>")]
        for mark in ("申请编号", "：<", "（签字）："):
            self.assertNotIn(mark, receipt)

    def test_the_language_menu_names_each_language_in_itself(self):
        self.login(self.alice)
        for language in ("zh-hans", "en"):
            with self.subTest(language):
                page = self.client.get(reverse("households:application_list"), HTTP_ACCEPT_LANGUAGE=language)
                self.assertContains(page, ">简体中文</option>")
                self.assertContains(page, ">English</option>")


class ConfirmationTest(CastTestCase):
    def test_a_final_move_without_javascript_asks_on_a_page_first(self):
        from households.models import TransferApplication

        app = self.receive(self.alice)
        self.login(self.alice)
        url = reverse("households:application_move", args=[app.pk, "reject"])
        page = self.client.post(url, {"note": "不符合转户条件"})
        self.assertContains(page, "确定不予办理吗？")
        self.assertContains(page, "不符合转户条件")
        self.assertContains(page, 'name="confirmed" value="1"')
        self.assertEqual(TransferApplication.objects.get(pk=app.pk).status, "received")
        self.client.post(url, {"note": "不符合转户条件", "confirmed": "1"})
        self.assertEqual(TransferApplication.objects.get(pk=app.pk).status, "rejected")

    def test_a_rejection_without_its_reason_is_refused_by_the_service(self):
        from django.core.exceptions import ValidationError

        from households import services

        app = self.receive(self.alice)
        with self.assertRaises(ValidationError) as raised:
            services.application_move(application=app, move="reject", actor=self.alice, note="  ")
        self.assertIn("note", raised.exception.error_dict)
        self.login(self.alice)
        page = self.client.post(reverse("households:application_move", args=[app.pk, "reject"]), {"note": ""},
                                follow=True)
        self.assertContains(page, "必须写明理由")  # refused with its reason, not asked to confirm

    def test_a_role_that_may_not_move_is_refused_before_any_confirmation(self):
        app = self.receive(self.alice)
        self.login(self.frank)
        # the city office reads every application but makes no move: 403, and no confirmation page
        self.assertEqual(self.client.post(reverse("households:application_move", args=[app.pk, "complete"])).status_code,
                         403)


class RankApiTest(CastTestCase):
    def test_the_api_says_which_counties_share_their_rank(self):
        from households import services as hs
        from tests.base import person_data

        target_set(actor=self.root, year=2012, level=Level.CITY, amount=100, effective_on=D(2012, 1, 1))
        for county in (self.zhaoyang, self.ludian):
            target_set(actor=self.root, year=2012, level=Level.COUNTY, county=county, amount=4,
                       effective_on=D(2012, 1, 1))
        for clerk, area in ((self.alice, "530602"), (self.bob, "530621")):
            app = self.receive(clerk, members=[person_data(area=area), person_data(area=area)], received_on=D(2012, 5, 2))
            hs.application_complete(application=app, actor=clerk, on=D(2012, 5, 2))
        self.login(self.frank)
        body = self.client.get("/api/v1/progress/?year=2012&as_of=2012-10-20").json()
        rows = {r["county_code"]: r for r in body["counties"]}
        self.assertEqual((rows["530602"]["rank"], rows["530621"]["rank"]), (1, 1))
        self.assertTrue(rows["530602"]["rank_tied"] and rows["530621"]["rank_tied"])
