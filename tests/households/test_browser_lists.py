"""The lists, the station page, the menu, the import preview and the manuals as a user meets them in
a real browser (headless Chromium; issue 13, points 10–13 and 19). One browser for the module."""

import datetime
import os
import tempfile
from unittest import mock

from django.test import override_settings
from django.urls import reverse

from households import services
from households.views import ApplicationListView
from tests.base import CastTestCase, person_data
from tests.households import test_browser_entry as entry

from .worker_helpers import csv_file, household_rows, row

try:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
except ImportError:  # pragma: no cover
    By = EC = None

pytestmark = entry.pytestmark
SCREENSHOTS = entry.SCREENSHOTS
DAYS = [datetime.date(2012, 6, d) for d in (12, 3, 20, 8, 7, 25, 1, 15)]


class ListsInTheBrowserTest(entry.EntryInTheBrowserTest):
    """Inherits the shared browser (setUpClass) and the cast; the entry form's own tests are not rerun."""

    test_a_clerk_enters_a_family_of_four_fixes_a_bad_id_completes_and_finds_it_in_the_list = None
    test_the_live_check_warns_of_a_transfer_at_another_station_as_the_clerk_types = None

    def sign_in(self, user, path):
        self.client.force_login(user)
        self.browser.get(self.live_server_url + reverse("login"))
        self.browser.add_cookie({"name": "sessionid", "value": self.client.cookies["sessionid"].value, "path": "/"})
        self.browser.get(self.live_server_url + path)

    def texts(self, selector):
        return [e.text for e in self.browser.find_elements(By.CSS_SELECTOR, selector)]

    def menu(self):
        return self.texts("header nav a")

    def test_a_county_officer_sorts_pages_and_exports_the_lists_and_a_member_unit_sees_only_its_menu(self):
        b = self.browser
        for i, day in enumerate(DAYS):
            app = CastTestCase.receive(self.alice if i % 2 else self.carol, received_on=day,
                                       members=[person_data(), person_data(relation="child", male=i % 3 == 0)],
                                       head_name=["张德明", "李国华", "王正清", "赵永福"][i % 4])
            if i == 2:
                services.application_return(application=app, actor=self.carol, note="缺户口簿")
        with mock.patch.object(ApplicationListView, "paginate_by", 3), \
                mock.patch.object(ApplicationListView, "max_offset_pages", 2):
            self.sign_in(self.dave, reverse("households:application_list") + "?status=received")
            self.assertIn("共 7 件申请", b.find_element(By.CSS_SELECTOR, ".totals").text)
            self.assertIn("14 人", b.find_element(By.CSS_SELECTOR, ".total-people").text)
            b.find_element(By.LINK_TEXT, "受理日期").click()  # the first click: newest first
            self.wait(EC.url_contains("sort=-received_on"))
            b.find_element(By.LINK_TEXT, "受理日期").click()  # again: oldest first
            self.wait(EC.url_contains("sort=received_on"))
            self.assertIn("status=received", b.current_url)
            days = [t for t in self.texts("table.applications tbody td:nth-child(6)")]
            self.assertEqual(days, ["2012-06-01", "2012-06-03", "2012-06-07"])
            b.save_screenshot(os.path.join(SCREENSHOTS, "nzc_application_list.png"))
            b.find_element(By.CSS_SELECTOR, "a[rel=next]").click()
            self.wait(EC.url_contains("page=2"))
            self.assertIn("status=received", b.current_url)
            self.assertIn("sort=received_on", b.current_url)
            self.assertEqual(self.texts("table.applications tbody td:nth-child(6)"),
                             ["2012-06-08", "2012-06-12", "2012-06-15"])
            b.find_element(By.CSS_SELECTOR, "a[rel=next]").click()  # past the numbered pages: by keyset
            self.wait(EC.url_contains("after="))
            self.assertEqual(self.texts("table.applications tbody td:nth-child(6)"), ["2012-06-25"])
            self.assertIn("逐页点“下一页”", b.find_element(By.CSS_SELECTOR, ".jump-note").text)
            jump = b.find_element(By.CSS_SELECTOR, ".jump input[name=page]")
            jump.send_keys("1")
            b.find_element(By.CSS_SELECTOR, ".jump button").click()
            self.wait(lambda d: "after=" not in d.current_url and "page=1" in d.current_url)
            self.assertIn("sort=received_on", b.current_url)
            self.assertIn("status=received", b.current_url)

        b.get(self.live_server_url + reverse("households:overdue"))
        summary = b.find_element(By.CSS_SELECTOR, ".summary").text
        self.assertIn("共 7 件（14 人）申请超过办结时限", summary)
        self.assertIn("另有 1 件退回补正", summary)
        self.assertTrue(b.find_element(By.CSS_SELECTOR, "button[data-print]").is_displayed())
        self.assertIn("format=xlsx", b.find_element(By.CSS_SELECTOR, "a.export").get_attribute("href"))
        b.find_element(By.PARTIAL_LINK_TEXT, "退回补正 1 件").click()
        self.wait(EC.url_contains("show=returned"))
        self.assertEqual(len(b.find_elements(By.CSS_SELECTOR, "table.overdue tbody tr")), 1)
        b.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        self.assertFalse(b.find_element(By.CSS_SELECTOR, "header.topbar").is_displayed())
        self.assertFalse(b.find_element(By.CSS_SELECTOR, "form.filters").is_displayed())
        self.assertTrue(b.find_element(By.CSS_SELECTOR, "table.overdue").is_displayed())
        b.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

        b.find_element(By.CSS_SELECTOR, "a.help-link").click()
        self.wait(EC.presence_of_element_located((By.ID, "manual-county_officer")))
        self.assertIn("县区农转城办公室", b.find_element(By.TAG_NAME, "h1").text)
        self.assertIn("受理", self.menu())
        self.assertIn("导入", self.menu())

        b.delete_all_cookies()
        self.sign_in(self.grace, reverse("entitlements:queue"))
        menu = self.menu()
        self.assertNotIn("受理", menu)
        self.assertNotIn("导入", menu)
        self.assertNotIn("公众服务", menu)
        self.assertIn("权益保障", menu)
        b.find_element(By.CSS_SELECTOR, "a.help-link").click()
        self.wait(EC.presence_of_element_located((By.ID, "manual-member_unit")))
        b.delete_all_cookies()

    def test_a_station_from_the_county_page_the_clerks_panel_and_an_import_preview_with_an_error_row(self):
        b = self.browser
        on = datetime.date(2012, 10, 15)
        for actor in (self.alice, self.alice, self.carol):
            app = CastTestCase.receive(actor, members=[person_data(), person_data(relation="child")],
                                       received_on=datetime.date(2012, 10, 9))
            services.application_complete(application=app, actor=actor, on=on)
        late = CastTestCase.receive(self.alice, received_on=datetime.date(2012, 9, 3), head_name="周超期")
        query = "?year=2012&as_of=2012-10-20"
        self.sign_in(self.dave, reverse("quotas:county", args=[self.zhaoyang.code]) + query)
        b.find_element(By.LINK_TEXT, self.zy_station.name).click()
        self.wait(EC.url_contains(reverse("quotas:station", args=[self.zy_station.code])))
        self.assertEqual(b.find_element(By.CSS_SELECTOR, ".station-figures .cumulative").text, "4")
        self.assertTrue(b.find_element(By.CSS_SELECTOR, ".station-figures .share").text.startswith("66."))  # 4 of 6
        clerks = b.find_element(By.CSS_SELECTOR, "table.clerks").text
        self.assertIn("3", clerks)
        self.assertIn(late.number, b.find_element(By.CSS_SELECTOR, "table.overdue").text)
        b.save_screenshot(os.path.join(SCREENSHOTS, "nzc_station.png"))
        b.find_element(By.CSS_SELECTOR, ".station-figures .cumulative a").click()  # people → the same station's list
        self.wait(EC.url_contains(f"station={self.zy_station.pk}"))
        b.delete_all_cookies()

        self.sign_in(self.alice, reverse("home"))
        self.wait(EC.url_contains(reverse("households:application_new")))
        panel = b.find_element(By.CSS_SELECTOR, ".station-panel")
        self.assertIn(self.zy_station.name, panel.text)
        self.assertEqual(panel.find_element(By.CSS_SELECTOR, ".panel-overdue").text, "1")
        panel.find_element(By.LINK_TEXT, "本所情况").click()
        self.wait(EC.url_contains(reverse("quotas:station", args=[self.zy_station.code])))
        b.delete_all_cookies()
        self.import_with_an_error_row()

    @override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="nzc-browser-import-"))
    def import_with_an_error_row(self):
        """An import with an error row shows the first rows and the error row, and offers no confirm."""
        b = self.browser
        path = os.path.join(tempfile.mkdtemp(prefix="nzc-upload-"), "data.csv")
        with open(path, "wb") as f:
            f.write(csv_file(household_rows(6) + [row(household="H9", id_number="530602198503140010")]))
        self.sign_in(self.dave, reverse("imports:start"))
        b.find_element(By.ID, "id_file").send_keys(path)
        b.find_element(By.CSS_SELECTOR, "button.primary[type=submit]").click()
        self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "table.preview-rows")))
        self.assertEqual(b.find_element(By.ID, "rows-total").text, "7")  # the header is not a row
        self.assertEqual(len(b.find_elements(By.CSS_SELECTOR, "table.preview-rows tbody tr")), 7)
        bad = b.find_element(By.CSS_SELECTOR, "table.bad-rows tbody tr").text
        self.assertIn("8", bad)
        self.assertIn("校验位", bad)
        self.assertEqual(b.find_elements(By.ID, "confirm-import"), [])
        self.assertIn("有错误行时不能导入", b.find_element(By.CSS_SELECTOR, ".no-confirm").text)
        b.save_screenshot(os.path.join(SCREENSHOTS, "nzc_import_preview.png"))
        b.delete_all_cookies()
