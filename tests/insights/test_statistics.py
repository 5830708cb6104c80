"""Statistics of the transferred: every pair of dimensions counts what an independent count says,
a cell's link lists exactly its people, scoping, parameters and the export."""

import csv
import datetime
import io
import itertools
import re
from collections import Counter
from html import unescape

from django.urls import reverse

from households.models import Person
from insights import selectors
from tests.base import CastTestCase

from . import population

KEYS = list(selectors.DIMENSIONS)
LINK = re.compile(r'<a href="(/statistics/people/\?[^"]+)">([\d,]+)</a>')
COUNT = re.compile(r'id="people-count">共 ([\d,]+) 人')


def independent(people, rows, cols, cases, region):
    counted = Counter()
    for p in people:
        codes = population.codes_of(p, cases, region=region)
        counted[(codes[rows], codes[cols])] += 1
    return counted


class StatisticsTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.people = population.build([cls.zy_station, cls.zy_station2, cls.ld_station])

    def people_2012(self, **place):
        return list(Person.objects.filter(completed_on__year=2012, **place).select_related("household"))

    def assert_table(self, user, rows, cols, filters, people, region):
        table = selectors.cross_table(user=user, rows=rows, cols=cols, filters=filters)
        expected = independent(people, rows, cols, self.cases, region)
        got = {k: n for k, n in table.counts.items() if n}
        self.assertEqual(got, dict(expected), f"{rows} × {cols} ({table.source})")
        self.assertEqual(table.total, len(people))
        self.assertEqual(sum(table.row_totals.values()), len(people))
        self.assertEqual(sum(table.col_totals.values()), len(people))
        shown_rows = {code for code, _l in table.row_values}
        self.assertLessEqual({r for r, _c in expected}, shown_rows, f"{rows}: a counted value is not shown")
        return table

    def test_every_pair_of_dimensions_counts_as_the_plain_rows_do(self):
        self.cases = population.all_cases()
        people = self.people_2012()
        self.assertGreater(len(people), 80)
        sources = Counter()
        for rows, cols in itertools.permutations(KEYS, 2):
            table = self.assert_table(self.frank, rows, cols, {"year": 2012}, people, "county")
            sources[table.source] += 1
        self.assertTrue(sources["rollup"] and sources["daily rollup"] and sources["people"], sources)

    def test_a_county_officer_counts_their_county_by_station(self):
        self.cases = population.all_cases()
        people = self.people_2012(county=self.zhaoyang)
        for rows, cols in [("region", "age_band"), ("age_band", "guarantee_pension"), ("income_band", "region"),
                           ("sex", "category"), ("retention_farmland", "employment")]:
            self.assert_table(self.dave, rows, cols, {"year": 2012}, people, "station")
        # a station chosen: its townships
        people = self.people_2012(station=self.zy_station)
        self.assert_table(self.dave, "region", "sex", {"year": 2012, "station": self.zy_station.pk}, people,
                          "township")
        # a clerk: their own station, by township
        self.assert_table(self.alice, "region", "guarantee_housing", {"year": 2012}, people, "township")
        # and their own station's categories (not the county's, which the daily rollup would give)
        table = self.assert_table(self.alice, "category", "sex", {"year": 2012}, people, "township")
        self.assertEqual(table.source, "rollup")

    def test_period_from_and_to_dates(self):
        self.cases = population.all_cases()
        people = list(Person.objects.filter(completed_on__gte="2012-06-01", completed_on__lte="2013-02-28")
                      .select_related("household"))
        filters = {"completed_from": datetime.date(2012, 6, 1), "completed_to": datetime.date(2013, 2, 28)}
        for rows, cols in [("age_band", "sex"), ("education", "guarantee_medical")]:
            self.assert_table(self.frank, rows, cols, filters, people, "county")

    def test_every_cell_link_lists_exactly_its_people(self):
        self.login(self.dave)
        url = reverse("insights:table") + "?year=2012&rows=age_band&cols=guarantee_pension"
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        links = LINK.findall(page.content.decode())
        self.assertGreater(len(links), 10)
        for href, shown in links:
            listed = self.client.get(unescape(href))
            self.assertEqual(listed.status_code, 200, href)
            count = COUNT.search(listed.content.decode())
            self.assertIsNotNone(count, href)
            self.assertEqual(count.group(1), shown, href)
        # the list's people are the cell's, by an independent count
        self.cases = population.all_cases()
        people = [p for p in self.people_2012(county=self.zhaoyang)
                  if population.codes_of(p, self.cases, region="station")["age_band"] == "60+"
                  and population.codes_of(p, self.cases, region="station")["guarantee_pension"] == "none"]
        listed = self.client.get(reverse("insights:people"), {"year": 2012, "age_band": "60+",
                                                               "guarantee_pension": "none"})
        self.assertEqual(listed.context["page"].paginator.count, len(people))
        self.assertEqual({p.pk for p in listed.context["page"].paginator.object_list}, {p.pk for p in people})
        # masked numbers only
        for p in people[:5]:
            self.assertNotContains(listed, p.id_number)

    def test_region_cells_of_the_city_link_to_each_county(self):
        self.login(self.frank)
        page = self.client.get(reverse("insights:table"), {"year": 2012, "rows": "region", "cols": "sex"})
        body = page.content.decode()
        self.assertIn("昭阳区", body)
        for href, shown in LINK.findall(body):
            listed = self.client.get(unescape(href))
            self.assertEqual(COUNT.search(listed.content.decode()).group(1), shown, href)

    def test_scoping(self):
        self.login(self.dave)
        # another county's station, or another county: refused parameters (400)
        self.assertEqual(self.client.get(reverse("insights:table"), {"station": self.ld_station.pk}).status_code, 400)
        self.assertEqual(self.client.get(reverse("insights:table"), {"county": self.ludian.pk}).status_code, 400)
        self.assertEqual(self.client.get(reverse("insights:people"), {"station": self.ld_station.pk}).status_code,
                         400)
        # a station of another county than the one chosen
        self.login(self.frank)
        self.assertEqual(self.client.get(reverse("insights:table"), {
            "county": self.zhaoyang.pk, "station": self.ld_station.pk}).status_code, 400)
        # the same dimension twice
        self.assertEqual(self.client.get(reverse("insights:table"), {"rows": "sex", "cols": "sex"}).status_code, 400)
        # member units: no statistics
        self.login(self.grace)
        self.assertEqual(self.client.get(reverse("insights:table")).status_code, 403)
        self.assertEqual(self.client.get(reverse("insights:people")).status_code, 403)
        # the county officer's whole table is their county's
        table = selectors.cross_table(user=self.dave, rows="sex", cols="category", filters={"year": 2012})
        self.assertEqual(table.total, Person.objects.filter(completed_on__year=2012, county=self.zhaoyang).count())
        listed = selectors.people_of(user=self.dave, filters={"year": 2012}, cell={})
        self.assertEqual(set(listed.values_list("county_id", flat=True)), {self.zhaoyang.pk})

    def test_export_holds_the_table(self):
        self.login(self.frank)
        response = self.client.get(reverse("insights:table"), {"year": 2012, "rows": "sex", "cols": "income_band",
                                                               "format": "csv"})
        self.assertEqual(response.status_code, 200)
        lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        table = selectors.cross_table(user=self.frank, rows="sex", cols="income_band", filters={"year": 2012})
        self.assertEqual(lines[0], ["性别", *(label for _c, label in table.col_values), "合计"])
        self.assertEqual(lines[1], ["男", *(str(table.count("M", c)) for c, _l in table.col_values),
                                    str(table.row_totals["M"])])
        self.assertEqual(lines[-1][0], "合计")
        self.assertEqual(lines[-1][-1], str(table.total))
        xlsx = self.client.get(reverse("insights:table"), {"year": 2012, "rows": "sex", "cols": "income_band",
                                                           "format": "xlsx"})
        self.assertEqual(xlsx.status_code, 200)
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        values = list(sheet.values)
        self.assertEqual(values[-1][-1], table.total)
        self.assertEqual(values[0][0], "性别")

    def test_the_page_shows_a_chart_and_no_inline_script(self):
        self.login(self.frank)
        page = self.client.get(reverse("insights:table"), {"rows": "age_band", "cols": "guarantee_pension"})
        self.assertEqual(page.status_code, 200)
        body = page.content.decode()
        self.assertIn("<svg", body)
        self.assertIn("2013年办结", body)  # by default the latest year with completions in scope
        self.assertNotIn("<script>", body)
        self.assertNotIn('style="', body)
