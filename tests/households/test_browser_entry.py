"""A clerk enters a household of four by keyboard in a real browser (headless Chromium)."""

import base64
import datetime
import io
import os

from django.urls import reverse
from pypdf import PdfReader

from households.models import TransferApplication
from tests.base import PASSWORD, CastTestCase
from tests.households.test_page_entry import family_of_four, wrong_check_digit
from tests.ui.browser import BROWSER, SCREENSHOTS, BrowserTestCase

try:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select
except ImportError:  # pragma: no cover
    pass

pytestmark = BROWSER


class EntryInTheBrowserTest(BrowserTestCase):
    """One headless Chromium for the module (tests/ui/browser.py); the clerk signs in through the page."""

    height = 2200

    def field(self, name):
        return self.browser.find_element(By.NAME, name)

    def type_into(self, name, text):
        element = self.field(name)
        element.clear()
        element.send_keys(text)

    def live_message(self, index):
        return self.browser.find_element(By.CSS_SELECTOR, f"#id_members-{index}-id_number ~ .id-live")

    def keys(self, *keys, modifier=None):
        chain = ActionChains(self.browser)
        if modifier:
            chain.key_down(modifier)
        chain.send_keys(*keys)
        if modifier:
            chain.key_up(modifier)
        chain.perform()

    def test_a_clerk_enters_a_family_of_four_fixes_a_bad_id_completes_and_finds_it_in_the_list(self):
        b = self.browser
        b.get(self.live_server_url + reverse("login"))
        self.field("username").send_keys("alice")
        self.field("password").send_keys(PASSWORD + Keys.ENTER)
        # a clerk lands on the entry form, with the household number focused
        self.wait(EC.url_contains(reverse("households:application_new")))
        self.assertEqual(b.find_element(By.TAG_NAME, "html").get_attribute("lang"), "zh-hans")
        self.assertEqual(b.switch_to.active_element.get_attribute("name"), "household-number")
        self.keys("5306020417", Keys.ENTER)  # Enter moves on, it does not submit
        self.assertEqual(b.switch_to.active_element.get_attribute("name"), "household-kind")
        for name, text in (("head_name", "张德明"), ("township", "北闸镇"), ("village", "塘房村"),
                           ("address", "塘房村三社12号")):
            self.type_into(f"household-{name}", text)

        members = family_of_four()
        good_id = members[2]["id_number"]
        members[2]["id_number"] = wrong_check_digit(good_id)
        for i, member in enumerate(members):
            if i == 0:
                self.keys(Keys.TAB, Keys.TAB, Keys.TAB)  # from the address past the income fields to the first member
            else:
                self.keys("n", modifier=Keys.ALT)  # add a member by keyboard
                self.wait(lambda d, i=i: d.find_elements(By.NAME, f"members-{i}-name"))
            self.assertEqual(b.switch_to.active_element.get_attribute("name"), f"members-{i}-name")
            self.keys(member["name"])
            self.type_into(f"members-{i}-id_number", member["id_number"])
            Select(self.field(f"members-{i}-relation")).select_by_value(member["relation"])
            Select(self.field(f"members-{i}-education")).select_by_value(member["education"])
            Select(self.field(f"members-{i}-marital_status")).select_by_value(member["marital_status"])
            Select(self.field(f"members-{i}-category")).select_by_value(member["category"])
            self.type_into(f"members-{i}-phone", member.get("phone", ""))
            self.type_into(f"members-{i}-destination_address", "昭阳区凤凰街道龙泉路88号")
        # the live check explains the bad number, and fills sex and birth date of the good ones
        self.wait(lambda d: "校验位错误" in self.live_message(2).text)
        self.wait(lambda d: self.field("members-3-birth_date").get_attribute("value") == "1946-01-25")
        self.assertEqual(Select(self.field("members-3-sex")).first_selected_option.get_attribute("value"), "F")
        self.assertIn("号码有效", self.live_message(0).text)
        for checkbox in b.find_elements(By.NAME, "docs-documents"):
            checkbox.send_keys(Keys.SPACE)
        b.save_screenshot(os.path.join(SCREENSHOTS, "nzc_entry_form.png"))

        self.keys(Keys.ENTER, modifier=Keys.CONTROL)  # submit
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, ".f-id_number.has-error"))
        self.assertIn("身份号码校验位错误", b.find_element(By.CSS_SELECTOR, ".f-id_number.has-error").text)
        self.assertEqual(TransferApplication.objects.count(), 0)
        self.assertEqual(b.switch_to.active_element.get_attribute("name"), "members-2-id_number")  # the field to fix
        # everything typed is still there
        self.assertEqual(self.field("household-head_name").get_attribute("value"), "张德明")
        self.assertEqual(self.field("household-address").get_attribute("value"), "塘房村三社12号")
        for i, member in enumerate(members):
            self.assertEqual(self.field(f"members-{i}-name").get_attribute("value"), member["name"])
            self.assertEqual(self.field(f"members-{i}-id_number").get_attribute("value"), member["id_number"])
            self.assertEqual(Select(self.field(f"members-{i}-category")).first_selected_option.get_attribute("value"),
                             member["category"])
        self.assertTrue(all(c.is_selected() for c in b.find_elements(By.NAME, "docs-documents")))

        self.type_into("members-2-id_number", good_id)
        self.wait(lambda d: "号码有效" in self.live_message(2).text)
        self.assertEqual(self.field("members-2-birth_date").get_attribute("value"), "1992-11-03")
        self.keys(Keys.ENTER, modifier=Keys.CONTROL)
        self.wait(EC.url_contains("/receipt/"))
        app = TransferApplication.objects.get()
        self.assertIn(app.number, b.page_source)
        self.assertIn(f"{app.due_on.year}年{app.due_on.month}月{app.due_on.day}日", b.page_source)
        self.assertEqual(app.members.count(), 4)
        self.assertEqual(app.members.get(name="王桂芬").birth_date, datetime.date(1946, 1, 25))
        b.save_screenshot(os.path.join(SCREENSHOTS, "nzc_receipt.png"))
        pdf = base64.b64decode(b.print_page())  # the print stylesheet: one page, no buttons
        with open(os.path.join(SCREENSHOTS, "nzc_receipt.pdf"), "wb") as out:
            out.write(pdf)
        pages = PdfReader(io.BytesIO(pdf)).pages
        self.assertEqual(len(pages), 1)
        self.assertIn(app.number, pages[0].extract_text())

        b.find_element(By.LINK_TEXT, "查看申请").click()
        self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "form.move-complete")))
        self.assertNotIn(good_id, b.page_source)  # masked on the detail page until a logged click
        self.assertIn(good_id[:6] + "**********" + good_id[-2:], b.page_source)
        b.find_element(By.XPATH, "//td[contains(., '张伟')]/following-sibling::td//button").click()
        self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "form.move-complete")))
        self.assertIn(good_id, b.page_source)  # whole once, after the click
        b.find_element(By.CSS_SELECTOR, "form.move-complete button").click()
        alert = self.wait(EC.alert_is_present())  # a final move of the table asks for confirmation
        self.assertIn("办结", alert.text)
        alert.accept()
        self.wait(lambda d: "当前状态：办结" in d.page_source)
        self.assertEqual(TransferApplication.objects.get().status, "completed")
        b.save_screenshot(os.path.join(SCREENSHOTS, "nzc_detail.png"))

        b.get(self.live_server_url + reverse("households:application_list") + "?status=completed")
        row = self.wait(EC.presence_of_element_located((By.LINK_TEXT, app.number))).find_element(By.XPATH, "../..")
        self.assertIn("办结", row.text)
        self.assertIn(good_id[:6] + "**********" + good_id[-2:], row.text)
        self.assertNotIn(good_id, row.text)
        b.save_screenshot(os.path.join(SCREENSHOTS, "nzc_list.png"))

    def test_the_live_check_warns_of_a_transfer_at_another_station_as_the_clerk_types(self):
        first = CastTestCase.receive(self.alice, received_on=datetime.date(2012, 9, 28), head_name="陈国富")
        number = first.members.get().id_number
        self.client.force_login(self.bob)  # bob works in 鲁甸县: he may not see the first application
        cookie = self.client.cookies["sessionid"]
        self.browser.get(self.live_server_url + reverse("login"))
        self.browser.add_cookie({"name": "sessionid", "value": cookie.value, "path": "/"})
        self.browser.get(self.live_server_url + reverse("households:application_new"))
        self.type_into("members-0-id_number", number[:6] + " " + number[6:])
        self.wait(lambda d: "不能重复办理" in self.live_message(0).text)
        message = self.live_message(0).text
        self.assertIn("昭阳区城区派出所", message)
        self.assertIn("2012-09-28", message)
        self.assertNotIn("陈国富", message)
        self.assertIn("bad", self.live_message(0).get_attribute("class"))
