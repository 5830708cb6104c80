"""The issue's "done means" in a real browser: a county officer opens the statistics for 2012, picks
age band × a guarantee state, clicks a cell and lands on exactly those people."""

from django.urls import reverse

from households.models import Person
from tests.base import PASSWORD
from tests.ui.browser import BROWSER, BrowserTestCase

from . import population

try:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select
except ImportError:  # pragma: no cover
    pass

pytestmark = BROWSER


class StatisticsInTheBrowserTest(BrowserTestCase):
    height = 2200

    def setUp(self):
        super().setUp()
        population.build([self.zy_station, self.zy_station2, self.ld_station], households=40)

    def test_a_county_officer_clicks_a_cell_and_lands_on_exactly_its_people(self):
        b = self.browser
        b.get(self.live_server_url + reverse("login"))
        b.find_element(By.NAME, "username").send_keys("dave")
        b.find_element(By.NAME, "password").send_keys(PASSWORD + Keys.ENTER)
        self.wait(EC.presence_of_element_located((By.LINK_TEXT, "统计")))
        b.find_element(By.LINK_TEXT, "统计").click()
        self.wait(EC.presence_of_element_located((By.ID, "statistics-form")))
        year = b.find_element(By.NAME, "year")
        year.clear()
        year.send_keys("2012")
        Select(b.find_element(By.NAME, "rows")).select_by_visible_text("年龄段（办结时）")
        Select(b.find_element(By.NAME, "cols")).select_by_visible_text("保障：养老保险")
        b.find_element(By.CSS_SELECTOR, "#statistics-form button[type=submit]").click()
        self.wait(EC.url_contains("cols=guarantee_pension"))
        self.assertIn("2012年办结", b.find_element(By.TAG_NAME, "main").text)
        self.assertTrue(b.find_elements(By.CSS_SELECTOR, "main svg"))
        # the first non-empty cell of the body (not a total)
        cells = b.find_elements(By.CSS_SELECTOR, "#crosstab tbody td:not(.total) a")
        cell = next(a for a in cells if a.text != "0")
        shown = int(cell.text.replace(",", ""))
        href = cell.get_attribute("href")
        cell.click()
        self.wait(EC.presence_of_element_located((By.ID, "people-count")))
        self.assertEqual(b.find_element(By.ID, "people-count").text, f"共 {shown} 人")
        # exactly those people: the rows listed are the cell's, by an independent count
        from urllib.parse import parse_qs, urlparse

        query = parse_qs(urlparse(href).query)
        band, state = query["age_band"][0], query["guarantee_pension"][0]
        cases = population.all_cases()
        expected = sorted(
            p.name for p in Person.objects.filter(completed_on__year=2012, county=self.zhaoyang)
            .select_related("household")
            if population.age_band(p.birth_date, p.completed_on) == band
            and cases.get(("g", p.pk, "pension"), "none") == state)
        listed = sorted(td.text for td in b.find_elements(By.CSS_SELECTOR, "table.people tbody tr td:first-child"))
        self.assertEqual(len(expected), shown)
        self.assertEqual(listed, expected)
