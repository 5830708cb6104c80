"""Query parameters are checked: a bad one answers 400 with a Chinese message naming it, never 500
(issue 17's seven URLs first), and dates are bounded to the years the product covers."""

import datetime

from django.test import override_settings

from nongzhuancheng import params
from tests.base import CastTestCase

SEVEN = [
    ("/progress/?as_of=0001-01-01", "as_of"),
    ("/progress/county/530602/?as_of=0001-01-05", "as_of"),
    ("/api/v1/progress/?as_of=0001-01-01", "as_of"),
    ("/api/v1/progress/county/530602/?as_of=0001-01-01", "as_of"),
    ("/households/import/export/people/?format=csv&station=abc", "station"),
    ("/households/import/export/people/?format=csv&received_from=x", "received_from"),
    ("/households/import/export/people/?format=csv&category=%00", "category"),
]


class SevenUrlsTest(CastTestCase):
    def test_the_seven_urls_of_the_issue_answer_400_naming_the_parameter(self):
        self.login(self.dave)
        for url, name in SEVEN:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 400)
                self.assertIn(f"参数 {name}", response.content.decode())

    def test_the_api_answers_the_bad_parameter_under_its_name(self):
        self.login(self.frank)
        response = self.client.get("/api/v1/progress/?as_of=0001-01-01")
        self.assertEqual(response.status_code, 400)
        self.assertIn("as_of", response.json())
        self.assertIn("2010", response.json()["as_of"][0])

    def test_a_page_answers_400_with_the_message_and_the_navigation(self):
        self.login(self.frank)
        response = self.client.get("/progress/?year=abc")
        self.assertContains(response, "参数 year（年度）", status_code=400)
        self.assertContains(response, 'class="topbar"', status_code=400)
        self.assertContains(response, "/households/", status_code=400)

    def test_good_dates_still_answer(self):
        self.login(self.frank)
        self.assertEqual(self.client.get("/progress/?year=2012&as_of=2012-10-20").status_code, 200)
        self.assertEqual(self.client.get("/api/v1/progress/?as_of=2012-10-20").status_code, 200)

    def test_an_export_with_good_filters_still_answers(self):
        self.login(self.dave)
        response = self.client.get(f"/households/import/export/people/?format=csv&station={self.zy_station.pk}")
        self.assertEqual(response.status_code, 200)


class ApplicationListParamsTest(CastTestCase):
    def test_the_list_shows_a_refused_filter_beside_its_field_and_answers_400(self):
        self.login(self.dave)
        response = self.client.get("/households/applications/?received_from=0001-01-01")
        self.assertContains(response, "须在 2010 年至", status_code=400)
        self.assertContains(response, 'class="card filters"', status_code=400)

    def test_a_bad_page_number_answers_400(self):
        self.login(self.dave)
        self.assertEqual(self.client.get("/households/applications/?page=-3").status_code, 400)
        self.assertEqual(self.client.get("/households/applications/?page=2").status_code, 200)


class BoundsTest(CastTestCase):
    def test_the_years_are_settings(self):
        with override_settings(NZC_FIRST_YEAR=2011, NZC_LAST_YEAR=2013):
            self.assertEqual((params.first_year(), params.last_year()), (2011, 2013))
            form = type("F", (params.ParamsForm,), {"d": params.DateParam(), "y": params.YearParam()})
            self.assertTrue(form({"d": "2013-12-31", "y": "2011"}).is_valid())
            self.assertFalse(form({"d": "2014-01-01"}).is_valid())
            self.assertFalse(form({"y": "2010"}).is_valid())

    def test_read_raises_bad_parameters_naming_each_parameter(self):
        form = type("F", (params.ParamsForm,), {"q": params.TextParam(label="搜索"), "p": params.PageParam()})
        with self.assertRaises(params.BadParameters) as caught:
            params.read(form, {"q": "x" * 101, "p": "0"})
        self.assertEqual(set(caught.exception.errors), {"q", "p"})
        self.assertIn("参数 q（搜索）", caught.exception.text())
        self.assertEqual(params.read(form, {"q": "abc"})["q"], "abc")

    def test_the_default_last_year_is_a_few_years_ahead(self):
        self.assertGreater(params.last_year(), datetime.date.today().year)
        self.assertEqual(params.first_year(), 2010)


class EmptyValuesTest(CastTestCase):
    """One rule a side for an empty value: the API refuses a typed parameter sent empty, a page's form
    (which submits every field) takes it as no filter."""

    def test_the_api_refuses_an_empty_typed_parameter_naming_it(self):
        self.login(self.dave)
        for url, name in [("/api/v1/applications/?received_to=", "received_to"),
                          ("/api/v1/applications/?status=", "status"),
                          ("/api/v1/people/?county=%20", "county"),
                          ("/api/v1/applications/?after=", "after"),
                          ("/api/v1/progress/?as_of=", "as_of")]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 400)
                self.assertIn("不能为空", response.json()[name][0])
                self.assertIn(f"参数 {name}", response.json()[name][0])

    def test_the_api_takes_an_empty_text_parameter_and_an_absent_one(self):
        self.login(self.dave)
        self.assertEqual(self.client.get("/api/v1/applications/?q=").status_code, 200)
        self.assertEqual(self.client.get("/api/v1/applications/?status=received").status_code, 200)
        self.assertEqual(self.client.get("/api/v1/applications/?page=abc").status_code, 400)

    def test_the_message_is_in_the_users_language(self):
        self.login(self.dave)
        response = self.client.get("/api/v1/applications/?received_to=", HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("不能为空", response.json()["received_to"][0])

    def test_a_page_takes_an_empty_value_as_no_filter(self):
        self.login(self.dave)
        self.assertEqual(self.client.get("/households/applications/?received_to=&status=").status_code, 200)
        self.assertEqual(self.client.get("/progress/?as_of=&year=").status_code, 200)

    def test_the_api_refuses_a_number_where_its_schema_says_text(self):
        self.login(self.dave)
        response = self.client.post("/api/v1/id-check/", {"id_number": 0}, content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("须为文本", response.json()["id_number"][0])

    def test_an_integer_filter_refuses_a_fraction(self):
        self.login(self.dave)
        self.assertEqual(self.client.get("/api/v1/targets/?year=0.5").status_code, 400)
        self.assertEqual(self.client.get("/api/v1/targets/?year=2012").status_code, 200)
