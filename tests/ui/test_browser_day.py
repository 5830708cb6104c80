"""A day at the county office in a real browser (headless Chromium): what a new user tripped over.

One browser for the module. 2012 here: city target 1,000; 昭阳区 4, 鲁甸县 4 and 威信县 2 people to
transfer; by 10-20 昭阳区 has done 4 (100%), 鲁甸县 2 and 威信县 1 (50% each: tied, both behind the pace
of 80.3%). 2013 has no target at all."""

import datetime
import re
import shutil
import tempfile

from django.test import override_settings
from selenium.webdriver.common.alert import Alert
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from entitlements.models import GuaranteeCase
from households import services
from households.models import TransferApplication
from nongzhuancheng.models import County, PoliceStation
from quotas.models import Level
from quotas.services import target_set
from tests.base import CastTestCase, person_data
from tests.ui.browser import BROWSER, BrowserTestCase

pytestmark = BROWSER
D = datetime.date
Q = "?year=2012&as_of=2012-10-20"
FULL_WIDTH = re.compile(r"[：（）；，、。]")


def _done(actor, day, n, area, station=None):
    members = [person_data(area=area) for _ in range(n)]
    if station is None:
        app = CastTestCase.receive(actor, members=members, received_on=day)
    else:
        app = services.application_create(actor=actor, station=station, received_on=day, members=members,
                                          household={"number": f"H{day:%m%d}{n}", "kind": "agricultural",
                                                     "head_name": "户主", "township": "镇", "village": "村",
                                                     "address": "1号"},
                                          documents=__import__("households.reference").reference.REQUIRED_DOCUMENTS)
    return services.application_complete(application=app, actor=actor, on=day)


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="nzc-bulletin-"))
class DayAtTheOfficeTest(BrowserTestCase):
    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        from django.conf import settings

        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)

    def setUp(self):
        super().setUp()
        weixin = County.objects.get(code="530629")
        target_set(actor=self.root, year=2012, level=Level.CITY, amount=1000, effective_on=D(2012, 1, 1))
        for county, amount in ((self.zhaoyang, 4), (self.ludian, 4), (weixin, 2)):
            target_set(actor=self.root, year=2012, level=Level.COUNTY, county=county, amount=amount,
                       effective_on=D(2012, 1, 1))
        self.zy_app = _done(self.alice, D(2012, 10, 12), 4, "530602")
        _done(self.bob, D(2012, 5, 20), 2, "530621")
        _done(self.root, D(2012, 10, 15), 1, "530629", station=PoliceStation.objects.filter(county=weixin).first())

    # two tests (each rebuilds the data of a live server): what the city office reads, what the
    # county's clerks and units do
    def test_the_city_office_reads_the_dashboard_and_a_past_bulletin(self):
        self.past_bulletin_shows_its_issue_date_its_ties_and_keeps_its_tables_inside_the_page()
        self.browser.delete_all_cookies()
        self.dashboard_ranks_ties_together_links_to_the_same_number_and_reads_in_english()

    def test_a_clerk_and_a_member_unit_are_asked_before_a_final_move(self):
        self.final_moves_ask_first_and_a_rejection_needs_its_reason()
        self.guarantee_form_chooses_nothing_and_delivery_needs_its_content()

    def dashboard_ranks_ties_together_links_to_the_same_number_and_reads_in_english(self):
        self.sign_in(self.frank)
        self.open("/progress/" + Q)
        table = self.text("table")
        # 1 and 4: one meaning a label; 5: thousands separators in Chinese
        self.assertIn("排名变化", table)
        self.assertNotIn("较上旬增减", self.text())
        self.assertIn("1,000", self.text(".card.grid"))
        # 2: the tied counties share the last rank
        rows = {r.find_element(By.CSS_SELECTOR, "td:nth-child(2)").text: r.find_element(By.CSS_SELECTOR, "td.rank").text
                for r in self.browser.find_elements(By.CSS_SELECTOR, "table tbody tr")[:11]}
        self.assertEqual((rows["昭阳区"], rows["鲁甸县"], rows["威信县"]), ("1", "2（并列）", "2（并列）"))
        self.screenshot("nzc-dashboard.png")
        # 3: a figure of people opens the list of those people, with the same number
        cell = self.browser.find_element(By.XPATH, "//tr[td[2]/a[text()='昭阳区']]/td[6]/a")
        figure = cell.text
        cell.click()
        self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, ".people-count")))
        self.assertEqual(self.text(".people-count"), f"共 {figure} 人")
        self.assertEqual(len(self.browser.find_elements(By.CSS_SELECTOR, "table.people tbody tr")), int(figure))

        # 1: a year without a target gives no pace verdict
        self.open("/progress/?year=2013&as_of=2013-05-20")
        page = self.text()
        self.assertIn("未设定目标任务，不作进度比较", page)
        self.assertNotIn("滞后序时进度", page)
        self.assertNotIn("按当前进度年内不能完成", page)

        # 15: the language menu names each language in itself; English dates, periods, punctuation
        menu = Select(self.browser.find_element(By.NAME, "language"))
        self.assertEqual([o.text for o in menu.options], ["简体中文", "English"])
        menu.select_by_value("en")
        self.wait(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "h1"), "Progress"))
        self.open("/progress/" + Q)
        grid = self.text(".card.grid")
        self.assertIn("20 Oct 2012", grid)
        self.assertIn("11th–20th Oct 2012", grid)
        self.assertIn("Previous period", grid)
        self.assertIsNone(FULL_WIDTH.search(self.text("header")), self.text("header"))
        self.assertIsNone(FULL_WIDTH.search(grid), grid)
        # one row: every link, the user and the language menu side by side, none below another
        boxes = self.browser.execute_script("""
            return Array.from(document.querySelectorAll('header.topbar a, header.topbar select, header.topbar button'))
                .map(function (e) { var r = e.getBoundingClientRect(); return [r.top, r.bottom]; });""")
        self.assertGreater(len(boxes), 8)
        lowest_top, highest_bottom = max(top for top, _ in boxes), min(bottom for _, bottom in boxes)
        self.assertLess(lowest_top, highest_bottom, "the header wraps at 1280 px")
        self.screenshot("nzc-dashboard-en.png")
        self.assertEqual([o.text for o in Select(self.browser.find_element(By.NAME, "language")).options],
                         ["简体中文", "English"])

    def final_moves_ask_first_and_a_rejection_needs_its_reason(self):
        app = CastTestCase.receive(self.alice)
        self.sign_in(self.alice)
        self.open(f"/households/applications/{app.pk}/")
        # 8: each note sits in the box of its own button
        for move, legend in (("complete", "办结"), ("reject", "不予办理"), ("withdraw", "撤回")):
            box = self.browser.find_element(By.CSS_SELECTOR, f"form.move-{move} fieldset")
            self.assertEqual(box.find_element(By.TAG_NAME, "legend").text, legend)
            self.assertEqual(len(box.find_elements(By.TAG_NAME, "textarea")), 1)
        # a rejection without its reason is not sent
        self.browser.find_element(By.CSS_SELECTOR, "form.move-reject button").click()
        self.assertFalse(EC.alert_is_present()(self.browser))
        self.assertEqual(TransferApplication.objects.get(pk=app.pk).status, "received")
        # 不予办理 with its reason asks; "cancel" leaves the application as it was
        self.browser.find_element(By.CSS_SELECTOR, "form.move-reject textarea").send_keys("不符合转户条件")
        self.browser.find_element(By.CSS_SELECTOR, "form.move-reject button").click()
        alert = self.wait(EC.alert_is_present())
        self.assertIn("不予办理", alert.text)
        alert.dismiss()
        self.assertEqual(TransferApplication.objects.get(pk=app.pk).status, "received")
        # 办结 asks too; yes completes
        self.browser.find_element(By.CSS_SELECTOR, "form.move-complete button").click()
        alert = self.wait(EC.alert_is_present())
        self.assertIn("办结", alert.text)
        alert.accept()
        self.wait(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".messages"), "当前状态：办结"))
        self.assertEqual(TransferApplication.objects.get(pk=app.pk).status, "completed")

    def guarantee_form_chooses_nothing_and_delivery_needs_its_content(self):
        case = GuaranteeCase.objects.filter(application=self.zy_app, kind="medical").first()
        self.sign_in(self.heidi)
        self.open(f"/entitlements/person/{case.person_id}/")
        form = self.browser.find_element(By.CSS_SELECTOR, f"#case-{case.pk} form.move")
        select = Select(form.find_element(By.NAME, "move"))
        # 9: nothing final is chosen for the user; submitting without a choice sends nothing
        self.assertEqual(select.first_selected_option.get_attribute("value"), "")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.assertFalse(EC.alert_is_present()(self.browser))
        case.refresh_from_db()
        self.assertEqual(case.state, GuaranteeCase.State.REQUESTED)
        # 落实 without its content: asked to confirm, then refused with the reason
        select.select_by_value("deliver")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        Alert(self.wait(EC.alert_is_present()) and self.browser).accept()
        self.wait(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".messages"), "落实内容"))
        case.refresh_from_db()
        self.assertEqual(case.state, GuaranteeCase.State.REQUESTED)
        # with its content it is delivered
        form = self.browser.find_element(By.CSS_SELECTOR, f"#case-{case.pk} form.move")
        Select(form.find_element(By.NAME, "move")).select_by_value("deliver")
        form.find_element(By.NAME, "reference").send_keys("城镇居民基本医疗保险")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.wait(EC.alert_is_present()).accept()
        self.wait(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".messages"), "已保存"))
        case.refresh_from_db()
        self.assertEqual((case.state, case.reference), (GuaranteeCase.State.DELIVERED, "城镇居民基本医疗保险"))


    def past_bulletin_shows_its_issue_date_its_ties_and_keeps_its_tables_inside_the_page(self):
        from nongzhuancheng.periods import Period
        from reports import services as bulletins

        bulletin, _ = bulletins.bulletin_request(period=Period(2012, 10, 2))
        bulletins.bulletin_render(bulletin=bulletin)
        self.sign_in(self.frank)
        # 7: periods of 2012 are offered (a year with a target)
        self.open("/reports/")
        offered = [o.get_attribute("value") for o in Select(self.browser.find_element(By.ID, "id_period")).options]
        self.assertIn("2012-10-2", offered)
        self.open(f"/reports/bulletins/{bulletin.pk}/")
        # 6: the period's issue date, and apart when the PDF was made
        self.assertIn("2012年10月21日", self.text(".issue-date"))
        self.assertIn(f"{datetime.date.today().year}年", self.text(".made-at"))
        self.assertIn("2012年10月21日", self.text(".bulletin .issuer-line"))
        # 2: the notice names the tied last place together, never one of them
        notice = self.text(".bulletin .notice")
        self.assertIn("鲁甸县、威信县并列排名末位", notice)
        self.assertNotIn("威信县排名末位", notice.replace("鲁甸县、威信县并列排名末位", ""))
        # 14: the county and the retention tables stay inside the bulletin's page
        edges = self.browser.execute_script("""
            var article = document.querySelector('article.bulletin').getBoundingClientRect();
            var style = getComputedStyle(document.querySelector('article.bulletin'));
            var inner = article.right - parseFloat(style.paddingRight);
            return [inner].concat(Array.from(document.querySelectorAll('article.bulletin table'))
                .map(function (t) { return t.getBoundingClientRect().right; }));""")
        inner, tables = edges[0], edges[1:]
        self.assertGreaterEqual(len(tables), 3)
        for right in tables:
            self.assertLessEqual(right, inner + 1)
        self.browser.execute_script("document.querySelector('article.bulletin h3:nth-of-type(2)').scrollIntoView()")
        self.screenshot("nzc-bulletin.png")
