"""Exports of the applications and people lists: filters, scope, masking, formula neutralising."""

import csv
import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from households import ids, services
from nongzhuancheng.masking import mask
from tests.base import CastTestCase, person_data


class ExportCase(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.zy_number = ids.make("530602", datetime.date(1985, 3, 14), 11)
        app = cls.receive(cls.alice, received_on=datetime.date(2012, 6, 11), members=[person_data(
            id_number=cls.zy_number, name="=HYPERLINK(\"http://x\",\"点\")", phone="+8613887000000")])
        cls.zy_app = services.application_complete(application=app, actor=cls.alice, on=datetime.date(2012, 6, 12))
        cls.open_app = cls.receive(cls.carol, members=[person_data(name="王芳", male=False)])
        cls.ld_app = cls.receive(cls.bob, members=[person_data(area="530621", name="鲁甸人")])

    def csv_rows(self, response):
        self.assertEqual(response.status_code, 200)
        text = response.content.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))

    def xlsx_rows(self, response):
        self.assertEqual(response.status_code, 200)
        return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


class ExportApplicationsTest(ExportCase):
    def test_a_county_officer_exports_the_applications_of_their_county_only(self):
        self.login(self.dave)
        rows = self.csv_rows(self.client.get(reverse("imports:export_applications"), {"format": "csv"}))
        self.assertEqual(rows[0][:3], ["申请编号", "县区", "受理派出所"])
        numbers = {r[0] for r in rows[1:]}
        self.assertEqual(numbers, {self.zy_app.number, self.open_app.number})

    def test_the_list_filters_apply(self):
        self.login(self.frank)
        rows = self.csv_rows(self.client.get(reverse("imports:export_applications"),
                                             {"format": "csv", "status": "completed"}))
        self.assertEqual([r[0] for r in rows[1:]], [self.zy_app.number])
        rows = self.xlsx_rows(self.client.get(reverse("imports:export_applications"),
                                              {"format": "xlsx", "county": self.ludian.pk}))
        self.assertEqual([r[0] for r in rows[1:]], [self.ld_app.number])

    def test_a_clerk_exports_their_station_only(self):
        self.login(self.bob)
        rows = self.csv_rows(self.client.get(reverse("imports:export_applications"), {"format": "csv"}))
        self.assertEqual([r[0] for r in rows[1:]], [self.ld_app.number])

    def test_an_unknown_format_is_refused(self):
        self.login(self.dave)
        self.assertEqual(self.client.get(reverse("imports:export_applications"), {"format": "pdf"}).status_code, 400)

    def test_it_requires_sign_in(self):
        response = self.client.get(reverse("imports:export_applications"))
        self.assertEqual(response.status_code, 302)


class ExportPeopleTest(ExportCase):
    def test_id_numbers_are_whole_only_for_a_granted_role_with_a_reason_and_logged(self):
        from nongzhuancheng.audit import AccessEvent

        url = reverse("imports:export_people") + "?format=csv&status=completed"
        self.login(self.dave)
        rows = self.csv_rows(self.client.get(url))
        header = rows[0]
        col = header.index("公民身份号码")
        self.assertEqual(rows[1][col], mask(self.zy_number))  # by GET: masked, the birth year only
        self.assertEqual(len(rows[1][header.index("出生日期")]), 4)
        self.assertEqual(self.client.post(url, {"reason": ""}).status_code, 400)
        with self.captureOnCommitCallbacks(execute=True):
            rows = self.csv_rows(self.client.post(url, {"reason": "核对养老保险参保名单"}))
        self.assertEqual(rows[1][col], self.zy_number)
        event = AccessEvent.objects.filter(kind=AccessEvent.Kind.EXPORT).latest("id")
        self.assertEqual((event.username, event.detail["whole"], event.detail["reason"], event.detail["rows"]),
                         ("dave", True, "核对养老保险参保名单", len(rows) - 1))
        self.assertEqual(event.detail["filter"], {"format": "csv", "status": "completed"})
        for user in (self.alice, self.frank, self.grace):
            self.login(user)
            self.assertEqual(self.client.post(url, {"reason": "核对名单"}).status_code, 403, user)
        self.login(self.frank)
        for fmt in ("csv", "xlsx"):
            response = self.client.get(reverse("imports:export_people"), {"format": fmt, "status": "completed"})
            rows = self.csv_rows(response) if fmt == "csv" else self.xlsx_rows(response)
            self.assertEqual(rows[1][col], mask(self.zy_number))
            self.assertNotIn(self.zy_number, response.content.decode("utf-8-sig", errors="ignore"))

    def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(self):
        self.login(self.dave)
        for fmt in ("csv", "xlsx"):
            response = self.client.get(reverse("imports:export_people"), {"format": fmt, "status": "completed"})
            rows = self.csv_rows(response) if fmt == "csv" else self.xlsx_rows(response)
            header = list(rows[0])
            self.assertEqual(rows[1][header.index("姓名")], "'=HYPERLINK(\"http://x\",\"点\")")
            self.assertEqual(rows[1][header.index("联系电话")], "'+8613887000000")

    def test_a_member_unit_user_sees_only_the_people_with_a_case_of_its_kind_masked(self):
        self.login(self.grace)  # housing: the completed household's head has a housing case
        rows = self.csv_rows(self.client.get(reverse("imports:export_people"), {"format": "csv"}))
        self.assertEqual(len(rows) - 1, 1)
        col = rows[0].index("公民身份号码")
        self.assertEqual(rows[1][col], mask(self.zy_number))

    def test_the_people_export_has_the_import_templates_headers(self):
        from households.imports.cells import columns

        self.login(self.dave)
        rows = self.xlsx_rows(self.client.get(reverse("imports:export_people"), {"format": "xlsx"}))
        headers = [str(c.header) for c in columns()]
        self.assertEqual(list(rows[0][:len(headers)]), headers)
        self.assertEqual(len(rows) - 1, 2)
