"""The import template's drop-downs and example, and the preview's rows (issue 13, point 13)."""

import io
import tempfile

from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from households.import_models import ImportJob
from households.imports.reading import data_lines, read_rows
from households.models import Person
from nongzhuancheng.masking import mask
from tests.base import CastTestCase

from .worker_helpers import COL, HEADERS, csv_file, household_rows, row, xlsx_file


def _named(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="nzc-import-preview-"))
class ImportTemplateAndPreviewTest(CastTestCase):
    def upload(self, user, data, name="data.csv", mode="all_or_nothing"):
        self.login(user)
        response = self.client.post(reverse("imports:start"), {"file": _named(data, name), "mode": mode})
        self.assertEqual(response.status_code, 302, getattr(response, "context", None) and response.context.get("error"))
        return ImportJob.objects.latest("id")

    def template(self, user):
        self.login(user)
        return load_workbook(io.BytesIO(self.client.get(reverse("imports:template")).content))

    def test_every_coded_column_has_a_drop_down_of_its_allowed_values(self):
        wb = self.template(self.dave)
        data, lists = wb["导入数据"], wb["选项"]
        self.assertEqual(lists.sheet_state, "hidden")
        headers = [c.value for c in data[1]]  # the template's columns (HEADERS and the optional income ones)
        by_column = {}
        for check in data.data_validations.dataValidation:
            self.assertEqual(check.type, "list")
            column = str(check.sqref).split(":")[0].rstrip("0123456789")
            by_column[headers[_index(column)]] = check.formula1
        coded = {"县区", "派出所编号", "户别", "性别", "民族", "文化程度", "婚姻状况", "与户主关系", "转户类别", "办理状态",
                 "主要收入来源", "就业状况"}
        self.assertEqual(set(by_column), coded)
        values = _list_values(lists, by_column["转户类别"])
        self.assertIn("水库和电站移民", values)
        self.assertEqual(_list_values(lists, by_column["派出所编号"])[:1], ["53060201"])
        self.assertNotIn("53062101", _list_values(lists, by_column["派出所编号"]))  # not dave's county
        self.assertIn("彝族", _list_values(lists, by_column["民族"]))
        self.assertEqual(_list_values(lists, by_column["办理状态"]), ["受理", "办结"])

    def test_the_example_row_imports_as_it_stands(self):
        wb = self.template(self.alice)
        example = [list(r) for r in wb["示例"].iter_rows(min_row=1, max_row=2, values_only=True)]
        self.assertEqual(example[0], [c.value for c in wb["导入数据"][1]])
        self.assertEqual([h for h in example[0] if h in HEADERS], HEADERS)
        job = self.upload(self.alice, csv_file([["" if v is None else v for v in example[1]]], headers=example[0]))
        self.assertEqual((job.state, job.rows_error, job.people_new), ("checked", 0, 1), job.errors)
        self.assertIn("填写说明", wb.sheetnames)

    def test_the_preview_lists_the_first_rows_and_every_error_row_masked(self):
        bad = row(household="H9", id_number="530602198503140010")  # a wrong check digit
        rows = household_rows(24) + [bad]
        job = self.upload(self.dave, csv_file(rows), mode="good_rows")
        page = self.client.get(reverse("imports:job", args=[job.pk]))
        self.assertEqual(len(page.context["preview"]), 20)
        self.assertEqual(page.context["headers"], HEADERS)
        self.assertEqual(page.context["preview"][0]["row"], 2)
        whole = rows[0][COL["公民身份号码"]]
        self.assertContains(page, mask(whole))
        self.assertNotContains(page, whole)
        self.assertEqual([r["row"] for r in job.error_rows], [26])  # the header is row 1
        self.assertIn("校验位", job.error_rows[0]["errors"][0])
        self.assertContains(page, 'id="confirm-import"')  # good rows: the 24 are imported

    def test_the_preview_is_bounded_for_a_file_of_many_error_rows(self):
        rows = [row(household=f"E{i}", id_number=f"5306021985031400{i % 10}") for i in range(520)]
        job = self.upload(self.dave, csv_file(rows))
        self.assertEqual(job.rows_error, 520)
        self.assertEqual(len(job.error_rows), 500)
        page = self.client.get(reverse("imports:job", args=[job.pk]))
        self.assertContains(page, "另有 20 行错误未在此列出")
        self.assertNotContains(page, 'id="confirm-import"')  # all-or-nothing with errors can only refuse
        self.assertContains(page, "有错误行时不能导入")
        self.client.post(reverse("imports:job_run", args=[job.pk]))
        job.refresh_from_db()
        self.assertEqual(job.state, "checked")
        self.assertEqual(Person.objects.count(), 0)

    def test_the_progress_counts_data_rows_only(self):
        data = csv_file(household_rows(8))
        self.assertEqual(read_rows("csv", data)[2], 8)
        self.assertEqual(read_rows("xlsx", xlsx_file(household_rows(8)))[2], 8)
        self.assertEqual((data_lines("a\nb\nc"), data_lines("a\nb\nc\n"), data_lines("a\n"), data_lines("")), (2, 2, 0, 0))
        job = self.upload(self.dave, data)
        page = self.client.get(reverse("imports:job", args=[job.pk]))
        self.assertEqual((job.rows_total, job.rows_read), (8, 8))
        self.assertContains(page, '<dd id="rows-total">8</dd>', html=True)


def _index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _list_values(sheet, formula):
    ref = formula.split("!")[1].replace("$", "")
    return [c.value for r in sheet[ref] for c in r if c.value is not None]
