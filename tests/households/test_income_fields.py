"""The household's annual income and main source of income and the person's employment, on every
entry path (the form, the import, the API), in the history, and the income band derived once."""

from decimal import Decimal

from django.urls import reverse
from rest_framework.test import APIClient

from households.imports.jobs import import_file
from households.income import income_band, income_band_expression, income_band_filter
from households.models import Household, Person
from households.reference import IncomeBand
from tests.base import CastTestCase, household_data, person_data

from .test_page_entry import entry_post
from .worker_helpers import HEADERS, csv_file, row

NEW_HEADERS = [*HEADERS, "家庭年收入（元）", "主要收入来源", "就业状况"]


def income_row(income="18000", source="外出务工", employment="受雇务工", **kwargs):
    return [*row(**kwargs), income, source, employment]


class IncomeBandTest(CastTestCase):
    def test_the_band_in_python_and_in_sql_agree_at_every_edge(self):
        from demo.factories import HouseholdFactory

        amounts = [None, "0", "4999.99", "5000", "9999.99", "10000", "19999.99", "20000", "49999.99", "50000", "1e6"]
        expected = ["none", "0-5k", "0-5k", "5k-10k", "5k-10k", "10k-20k", "10k-20k", "20k-50k", "20k-50k",
                    "50k+", "50k+"]
        made = [HouseholdFactory(station=self.zy_station, annual_income=None if a is None else Decimal(a))
                for a in amounts]
        self.assertEqual([income_band(None if a is None else Decimal(a)) for a in amounts], expected)
        in_sql = dict(Household.objects.filter(pk__in=[h.pk for h in made])
                      .annotate(band=income_band_expression()).values_list("pk", "band"))
        self.assertEqual([in_sql[h.pk] for h in made], expected)
        for band in IncomeBand.values:  # the range filter picks the same households as the Case
            by_filter = set(Household.objects.filter(income_band_filter(band), pk__in=[h.pk for h in made])
                            .values_list("pk", flat=True))
            self.assertEqual(by_filter, {pk for pk, b in in_sql.items() if b == band}, band)


class EntryFormTest(CastTestCase):
    def test_the_clerk_enters_income_source_and_employment(self):
        self.login(self.alice)
        household = {**household_data(), "annual_income": "23500.50", "income_source": "local_work"}
        member = person_data(employment="flexible")
        response = self.client.post(reverse("households:application_new"), entry_post(household, [member]))
        self.assertEqual(response.status_code, 302, response.content[:2000])
        person = Person.objects.get(id_number=member["id_number"])
        self.assertEqual(person.employment, "flexible")
        self.assertEqual(person.household.annual_income, Decimal("23500.50"))
        self.assertEqual(person.household.income_source, "local_work")
        # both are in the history of the rows
        self.assertEqual(person.history.first().employment, "flexible")
        self.assertEqual(person.household.history.first().annual_income, Decimal("23500.50"))
        # and on the detail page
        page = self.client.get(reverse("households:application_detail", args=[person.application_id]))
        self.assertContains(page, "23500.50")
        self.assertContains(page, "本地务工")
        self.assertContains(page, "灵活就业")

    def test_a_negative_income_or_an_unknown_code_is_refused_beside_its_field(self):
        self.login(self.alice)
        household = {**household_data(), "annual_income": "-1", "income_source": "lottery"}
        response = self.client.post(reverse("households:application_new"),
                                    entry_post(household, [person_data(employment="astronaut")]))
        self.assertEqual(response.status_code, 200)
        form = response.context["household_form"]
        self.assertIn("annual_income", form.errors)
        self.assertIn("income_source", form.errors)
        self.assertFalse(Household.objects.filter(number=household["number"]).exists())

    def test_they_stay_optional(self):
        self.login(self.alice)
        member = person_data()
        response = self.client.post(reverse("households:application_new"), entry_post(household_data(), [member]))
        self.assertEqual(response.status_code, 302)
        person = Person.objects.get(id_number=member["id_number"])
        self.assertEqual((person.employment, person.household.annual_income, person.household.income_source),
                         ("", None, ""))


class ImportTest(CastTestCase):
    def import_rows(self, rows, headers=NEW_HEADERS):
        return import_file(actor=self.dave, name="data.csv", data=csv_file(rows, headers=headers),
                           mode="all_or_nothing", dry_run=False)

    def test_it_reads_the_optional_columns_by_label_or_code(self):
        result = self.import_rows([income_row(household="H1", seq=11), income_row(household="H1", seq=13, relation="配偶",
                                                                           employment="student"),
                           income_row(household="H2", seq=15, income="1,200 元", source="crops", employment="")])
        self.assertFalse(result.errors, [e.as_dict() for e in result.errors])
        h1 = Household.objects.get(number="H1")
        self.assertEqual((h1.annual_income, h1.income_source), (Decimal("18000.00"), "migrant_work"))
        self.assertEqual(sorted(Person.objects.filter(household=h1).values_list("employment", flat=True)),
                         ["employed", "student"])
        h2 = Household.objects.get(number="H2")
        self.assertEqual((h2.annual_income, h2.income_source), (Decimal("1200.00"), "crops"))
        self.assertEqual(Person.objects.get(household=h2).employment, "")
        # the imported rows' history holds them too
        self.assertEqual(h1.history.first().annual_income, Decimal("18000.00"))

    def test_bad_values_are_named_by_row_and_column(self):
        result = self.import_rows([income_row(household="H1", seq=11, income="很多"),
                           income_row(household="H2", seq=13, income="-5"),
                           income_row(household="H3", seq=15, source="彩票"),
                           income_row(household="H4", seq=17, employment="宇航员"),
                           income_row(household="H5", seq=19, income="10.001")])
        found = {(e.row, e.column) for e in result.errors}
        self.assertEqual(found, {(2, "家庭年收入（元）"), (3, "家庭年收入（元）"), (4, "主要收入来源"),
                                 (5, "就业状况"), (6, "家庭年收入（元）")}, [e.as_dict() for e in result.errors])
        messages = " ".join(e.message for e in result.errors)
        self.assertIn("很多", messages)
        self.assertIn("彩票", messages)
        self.assertFalse(Household.objects.filter(number__in=["H1", "H2", "H3", "H4", "H5"]).exists())

    def test_a_file_without_the_new_columns_still_imports(self):
        result = self.import_rows([row(household="H9", seq=21)], headers=HEADERS)
        self.assertFalse(result.errors)
        self.assertIsNone(Household.objects.get(number="H9").annual_income)

    def test_the_template_lists_the_new_columns_and_their_values(self):
        from io import BytesIO

        from openpyxl import load_workbook

        self.login(self.dave)
        response = self.client.get(reverse("imports:template"))
        book = load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
        headers = [c.value for c in book.worksheets[0][1]]
        for header in ("家庭年收入（元）", "主要收入来源", "就业状况"):
            self.assertTrue(any(header in str(h) for h in headers), header)
        help_rows = {r[0]: r for r in book.worksheets[1].iter_rows(values_only=True) if r and r[0]}
        self.assertIn("外出务工", help_rows["就业状况"][3] + help_rows["主要收入来源"][3])


class ApiTest(CastTestCase):
    def test_create_and_read_through_the_api(self):
        api = APIClient()
        api.force_authenticate(self.alice)
        payload = {"household": {**household_data(), "annual_income": "8800.00", "income_source": "livestock"},
                   "documents": [], "members": [person_data(employment="farming")]}
        r = api.post("/api/v1/applications/", payload, format="json")
        self.assertEqual(r.status_code, 201, r.content)
        body = r.json()
        self.assertEqual(body["household"]["annual_income"], "8800.00")
        self.assertEqual(body["household"]["income_band"], "5k-10k")
        self.assertEqual(body["household"]["income_source"], "livestock")
        self.assertEqual(body["household"]["income_source_display"], "养殖业")
        self.assertEqual(body["members"][0]["employment"], "farming")
        self.assertEqual(body["members"][0]["employment_display"], "务农")

    def test_bad_values_answer_400_naming_the_field(self):
        api = APIClient()
        api.force_authenticate(self.alice)
        payload = {"household": {**household_data(), "annual_income": "-3", "income_source": "x"},
                   "documents": [], "members": [person_data(employment="y")]}
        r = api.post("/api/v1/applications/", payload, format="json")
        self.assertEqual(r.status_code, 400)
        text = r.content.decode()
        for field in ("annual_income", "income_source", "employment"):
            self.assertIn(field, text)
