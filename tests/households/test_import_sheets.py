"""Spreadsheet import: real files made here, every error a township's sheet can hold, all or nothing,
idempotent re-import, scoping, and the pages around it."""

import datetime
import io
import tempfile

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from households import ids
from households.import_models import ImportJob
from households.imports.jobs import import_file
from households.imports.limits import ImportRefused
from households.models import ApplicationEvent, Household, Person, TransferApplication
from nongzhuancheng.masking import mask
from tests.base import CastTestCase, person_data

from .worker_helpers import (
    COL,
    HEADERS,
    csv_file,
    household_rows,
    malformed_xlsx,
    ole_encrypted,
    row,
    xlsm_like,
    xlsx_file,
    zip_bomb,
)


class ImportCase(CastTestCase):
    def run_import(self, user, data, name="data.csv", mode="all_or_nothing", dry_run=False):
        return import_file(actor=user, name=name, data=data, mode=mode, dry_run=dry_run)

    def messages_of(self, result, row_number):
        return [e.message for e in result.errors if e.row == row_number]

    def counts(self):
        return (Household.objects.count(), TransferApplication.objects.count(), Person.objects.count(),
                ApplicationEvent.objects.count())


class ImportWritesTest(ImportCase):
    def test_it_imports_a_household_of_four_with_completed_transfers_that_count(self):
        result = self.run_import(self.dave, csv_file(household_rows(4)))
        self.assertTrue(result.written, result.errors)
        self.assertEqual((result.households_new, result.applications_new, result.people_new), (1, 1, 4))
        app = TransferApplication.objects.get()
        self.assertEqual(app.status, TransferApplication.Status.COMPLETED)
        self.assertEqual(app.completed_on, datetime.date(2012, 6, 12))
        self.assertEqual(app.received_on, datetime.date(2012, 6, 11))
        self.assertTrue(app.number.startswith("53060220120611"))
        self.assertEqual(app.station, self.zy_station)
        people = Person.objects.filter(application=app)
        self.assertEqual(people.count(), 4)
        self.assertEqual(people.filter(completed_on=datetime.date(2012, 6, 12), county=self.zhaoyang,
                                       station=self.zy_station, holds_claim=True).count(), 4)
        events = list(ApplicationEvent.objects.filter(application=app).values_list("from_status", "to_status", "actor"))
        self.assertEqual(events, [("", "received", self.dave.pk), ("received", "completed", self.dave.pk)])
        record = Person.history.filter(history_type="+").first()
        self.assertEqual(Person.history.filter(history_type="+").count(), 4)
        self.assertEqual(TransferApplication.history.count(), 1)
        self.assertEqual(Household.history.count(), 1)
        self.assertEqual((record.history_user, record.history_change_reason), (self.dave, "表格导入"))
        self.assertEqual(record.id_number, Person.objects.get(pk=record.id).id_number)

    @override_settings(NZC_IMPORT_HISTORY=False)
    def test_it_can_leave_history_rows_out(self):
        self.run_import(self.dave, csv_file(household_rows(4)))
        self.assertEqual(Person.objects.count(), 4)
        self.assertFalse(Person.history.exists())
        self.assertFalse(TransferApplication.history.exists())

    def test_it_imports_a_received_application_that_holds_the_claim_but_is_not_counted(self):
        result = self.run_import(self.alice, csv_file([row(status="受理", completed="")]))
        self.assertTrue(result.written, result.errors)
        app = TransferApplication.objects.get()
        self.assertEqual(app.status, "received")
        self.assertIsNone(app.completed_on)
        self.assertEqual(app.due_on > app.received_on, True)
        person = Person.objects.get()
        self.assertTrue(person.holds_claim)
        self.assertIsNone(person.completed_on)
        self.assertEqual(ApplicationEvent.objects.filter(application=app).count(), 1)

    def test_it_reads_codes_labels_and_derives_sex_and_birth_date_from_the_id_number(self):
        number = ids.make("532122", datetime.date(1946, 4, 8), 248)  # an old 鲁甸 code, female
        data = csv_file([row(county="530621", station="53062101", id_number=number, 民族="03", 文化程度="80",
                             婚姻状况="30", 与户主关系="head", 转户类别="reservoir_migrant", 户别="集体户")])
        result = self.run_import(self.erin, data)
        self.assertTrue(result.written, result.errors)
        person = Person.objects.get()
        self.assertEqual((person.sex, person.birth_date), ("F", datetime.date(1946, 4, 8)))
        self.assertEqual((person.ethnicity, person.education, person.marital_status), ("03", "80", "30"))
        self.assertEqual(person.category, "reservoir_migrant")
        self.assertEqual(person.household.kind, "collective")

    def test_it_adds_new_members_to_a_household_already_registered_at_the_station(self):
        app = self.receive(self.alice, number="H0001")
        result = self.run_import(self.alice, csv_file([row(household="H0001")]))
        self.assertTrue(result.written, result.errors)
        self.assertEqual(result.households_new, 0)
        self.assertEqual(Household.objects.count(), 1)
        self.assertEqual(Person.objects.filter(household=app.household).count(), 2)

    def test_it_reads_a_gb18030_csv_as_excel_on_chinese_windows_saves_it(self):
        data = csv_file([row(name="龙泽鑫")], encoding="gb18030")
        with self.assertRaises(UnicodeDecodeError):
            data.decode("utf-8")
        result = self.run_import(self.dave, data)
        self.assertTrue(result.written, result.errors)
        self.assertEqual(Person.objects.get().name, "龙泽鑫")
        self.assertEqual(Household.objects.get().township, "北闸镇")

    def test_it_reads_a_utf8_csv_with_a_byte_order_mark(self):
        data = "\ufeff".encode() + csv_file([row(name="杨彝芳")])
        result = self.run_import(self.dave, data)
        self.assertTrue(result.written, result.errors)
        self.assertEqual(Person.objects.get().name, "杨彝芳")

    def test_it_reads_an_xlsx_with_real_date_cells(self):
        data = xlsx_file([row(received=datetime.date(2012, 6, 11), completed=datetime.datetime(2012, 6, 12))])
        result = self.run_import(self.dave, data, name="县区上报.xlsx")
        self.assertTrue(result.written, result.errors)
        self.assertEqual(Person.objects.get().completed_on, datetime.date(2012, 6, 12))

    def test_the_preview_counts_what_would_be_created_and_writes_nothing(self):
        rows = household_rows(8) + [row(id_number="530602198503140010")]
        result = self.run_import(self.dave, csv_file(rows), dry_run=True)
        self.assertEqual((result.households_new, result.applications_new, result.people_new), (2, 2, 8))
        self.assertEqual(result.rows_error, 1)
        self.assertFalse(result.written)
        self.assertEqual(self.counts(), (0, 0, 0, 0))

    def test_it_looks_up_claims_and_households_per_batch_not_per_row(self):
        self.run_import(self.dave, csv_file(household_rows(1, start=900)), dry_run=True)  # the role, cached
        with CaptureQueriesContext(connection) as few:
            self.run_import(self.dave, csv_file(household_rows(4)), dry_run=True)
        with CaptureQueriesContext(connection) as many:
            self.run_import(self.dave, csv_file(household_rows(60, start=100)), dry_run=True)
        self.assertEqual(len(few), len(many))


class AllOrNothingTest(ImportCase):
    def rows(self):
        return household_rows(3) + [row(name="错号", id_number="530602198503140010")]

    def test_all_or_nothing_changes_nothing_when_one_row_is_bad(self):
        result = self.run_import(self.dave, csv_file(self.rows()), mode="all_or_nothing")
        self.assertTrue(result.refused)
        self.assertFalse(result.written)
        self.assertIn("没有导入任何数据", result.message)
        self.assertEqual(self.counts(), (0, 0, 0, 0))

    def test_good_rows_mode_imports_the_good_rows_and_reports_the_bad_one(self):
        result = self.run_import(self.dave, csv_file(self.rows()), mode="good_rows")
        self.assertTrue(result.written)
        self.assertEqual((result.rows_written, result.rows_error), (3, 1))
        self.assertEqual(Person.objects.count(), 3)
        self.assertEqual(result.bad_rows[0][0], 5)
        self.assertFalse(Person.objects.filter(name="错号").exists())


class IdempotentTest(ImportCase):
    def test_importing_the_same_file_twice_creates_nothing_the_second_time(self):
        data = csv_file(household_rows(8))
        first = self.run_import(self.dave, data)
        self.assertEqual(first.rows_written, 8)
        before = self.counts()
        second = self.run_import(self.dave, data)
        self.assertEqual((second.rows_skipped, second.rows_written, second.rows_error), (8, 0, 0))
        self.assertFalse(second.written)
        self.assertEqual(self.counts(), before)
        self.assertEqual(Person.history.count(), 8)

    def test_a_file_with_old_and_new_rows_imports_only_the_new_ones(self):
        self.run_import(self.dave, csv_file(household_rows(4)))
        result = self.run_import(self.dave, csv_file(household_rows(8)))
        self.assertEqual((result.rows_skipped, result.rows_written), (4, 4))
        self.assertEqual(Person.objects.count(), 8)
        self.assertEqual(TransferApplication.objects.count(), 2)


class RowErrorsTest(ImportCase):
    """Every error a row can carry: row number, column and a message in Chinese."""

    def check_one(self, user=None, **changes):
        result = self.run_import(user or self.dave, csv_file([row(**changes)]), dry_run=True)
        self.assertEqual(result.rows_error, 1, result.errors)
        return {e.column: e.message for e in result.errors if e.row == 2}

    def test_a_bad_check_digit(self):
        good = ids.make("530602", datetime.date(1985, 3, 14), 11)
        bad = good[:17] + ("0" if good[17] != "0" else "1")
        errors = self.check_one(id_number=bad)
        self.assertIn("校验位错误", errors["公民身份号码"])

    def test_a_birth_date_that_does_not_match_the_id_number(self):
        errors = self.check_one(出生日期="1985-03-15")
        self.assertIn("出生日期与身份号码不符", errors["出生日期"])

    def test_a_sex_that_does_not_match_the_id_number(self):
        errors = self.check_one(性别="女")
        self.assertIn("性别与身份号码不符", errors["性别"])

    def test_an_unknown_county(self):
        errors = self.check_one(county="昭通县")
        self.assertIn("未知的县区", errors["县区"])

    def test_an_unknown_station(self):
        errors = self.check_one(station="53069999")
        self.assertIn("未知的派出所编号", errors["派出所编号"])

    def test_a_station_of_another_county(self):
        errors = self.check_one(user=self.root, station="53062101")
        self.assertIn("不属于昭阳区", errors["派出所编号"])

    def test_a_category_that_is_not_one_of_the_eleven(self):
        errors = self.check_one(category="投亲靠友")
        self.assertIn("不是十一类之一", errors["转户类别"])

    def test_a_person_already_transferred_names_where_and_when(self):
        number = ids.make("530602", datetime.date(1985, 3, 14), 11)
        self.complete(self.carol, members=[person_data(id_number=number)], on=datetime.date(2012, 6, 12),
                      received_on=datetime.date(2012, 6, 11))
        errors = self.check_one(id_number=number, household="H0099")
        message = errors["公民身份号码"]
        self.assertIn("2012-06-12", message)
        self.assertIn("昭阳区第2派出所", message)
        self.assertIn(mask(number), message)
        self.assertNotIn("户主", message)

    def test_the_same_person_twice_in_the_file(self):
        result = self.run_import(self.dave, csv_file([row(), row(name="张三二")]), dry_run=True)
        self.assertEqual(self.messages_of(result, 3), ["与第 2 行是同一人（身份号码重复）。"])

    def test_a_blank_required_cell(self):
        errors = self.check_one(迁入城镇地址="", name="")
        self.assertIn("必填", errors["迁入城镇地址"])
        self.assertIn("必填", errors["姓名"])

    def test_a_date_in_the_future(self):
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        errors = self.check_one(status="受理", received=tomorrow, completed="")
        self.assertIn("晚于今天", errors["受理日期"])

    def test_a_completed_row_without_its_completion_date(self):
        errors = self.check_one(completed="")
        self.assertIn("必须填写办结日期", errors["办结日期"])

    def test_a_completion_before_the_receipt(self):
        errors = self.check_one(received="2012-06-11", completed="2012-06-01")
        self.assertIn("早于受理日期", errors["办结日期"])

    def test_a_status_other_than_received_or_completed(self):
        errors = self.check_one(status="退回补正")
        self.assertIn("受理", errors["办理状态"])

    def test_an_unreadable_date(self):
        errors = self.check_one(received="六月十一日")
        self.assertIn("无法识别的日期", errors["受理日期"])

    def test_an_id_number_excel_turned_into_a_number(self):
        values = row()
        values[COL["公民身份号码"]] = 530602198503140011
        result = self.run_import(self.dave, xlsx_file([values]), name="a.xlsx", dry_run=True)
        self.assertIn("存成了数字", self.messages_of(result, 2)[0])

    def test_a_value_longer_than_the_field(self):
        errors = self.check_one(name="张" * 41)
        self.assertIn("40", errors["姓名"])

    def test_members_of_one_household_must_agree_on_status_and_dates(self):
        rows = household_rows(2)
        rows[1][COL["办结日期"]] = "2012-06-13"
        result = self.run_import(self.dave, csv_file(rows), dry_run=True)
        self.assertIn("应与第 2 行相同", self.messages_of(result, 3)[0])

    def test_missing_header_columns_refuse_the_file(self):
        data = csv_file([row()[1:]], headers=HEADERS[1:])
        with self.assertRaisesMessage(ImportRefused, "县区"):
            self.run_import(self.dave, data)


class FileLimitsTest(ImportCase):
    def test_it_refuses_a_file_over_the_size_limit(self):
        with override_settings(NZC_IMPORT_MAX_BYTES=1000):
            with self.assertRaisesMessage(ImportRefused, "文件过大"):
                self.run_import(self.dave, csv_file(household_rows(20)))

    def test_it_refuses_a_file_over_the_row_limit(self):
        with override_settings(NZC_IMPORT_MAX_ROWS=3):
            with self.assertRaisesMessage(ImportRefused, "3 行的上限"):
                self.run_import(self.dave, csv_file(household_rows(4)))
        self.assertEqual(self.counts(), (0, 0, 0, 0))

    def test_it_refuses_a_wrong_file_type(self):
        with self.assertRaisesMessage(ImportRefused, "只接受 .xlsx 或 .csv"):
            self.run_import(self.dave, b"%PDF-1.4 ...", name="scan.pdf")
        with self.assertRaisesMessage(ImportRefused, "不是 Excel 工作簿"):
            self.run_import(self.dave, b"name,id\n", name="fake.xlsx")

    def test_it_refuses_a_macro_enabled_workbook(self):
        with self.assertRaisesMessage(ImportRefused, "宏"):
            self.run_import(self.dave, xlsm_like(), name="data.xlsm")
        with self.assertRaisesMessage(ImportRefused, "宏"):
            self.run_import(self.dave, xlsm_like(), name="data.xlsx")

    def test_it_refuses_an_encrypted_workbook(self):
        with self.assertRaisesMessage(ImportRefused, "加密"):
            self.run_import(self.dave, ole_encrypted(), name="data.xlsx")

    def test_it_refuses_a_zip_bomb_before_opening_it(self):
        bomb = zip_bomb()
        self.assertLess(len(bomb), 2 * 1024 * 1024)
        with self.assertRaisesMessage(ImportRefused, "压缩"):
            self.run_import(self.dave, bomb, name="data.xlsx")

    def test_it_refuses_a_malformed_workbook_with_a_clear_message(self):
        with self.assertRaisesMessage(ImportRefused, "损坏"):
            self.run_import(self.dave, malformed_xlsx(), name="data.xlsx")
        self.assertEqual(self.counts(), (0, 0, 0, 0))

    def test_it_refuses_a_csv_in_an_unknown_encoding(self):
        with self.assertRaisesMessage(ImportRefused, "UTF-16"):
            self.run_import(self.dave, "县区\n".encode("utf-16"), name="data.csv")
        with self.assertRaisesMessage(ImportRefused, "无法识别 CSV 文件的编码"):
            self.run_import(self.dave, "县区\n".encode() + b"\xff\xff\xff", name="data.csv")


class ImportScopeTest(ImportCase):
    def test_a_county_officer_imports_rows_of_their_own_county_only(self):
        rows = [row(), row(county="鲁甸县", station="53062101", household="L1", area="530621", name="李四")]
        result = self.run_import(self.dave, csv_file(rows), mode="good_rows")
        self.assertIn("只能导入本县区（昭阳区）", self.messages_of(result, 3)[0])
        self.assertEqual(list(Person.objects.values_list("county__code", flat=True)), ["530602"])

    def test_a_clerk_imports_rows_of_their_own_station_only(self):
        result = self.run_import(self.alice, csv_file([row(station="53060202")]), dry_run=True)
        self.assertIn("只能导入本派出所", self.messages_of(result, 2)[0])

    def test_a_read_only_role_cannot_import(self):
        for user in (self.frank, self.grace):
            with self.assertRaises(PermissionDenied):
                self.run_import(user, csv_file([row()]))


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="nzc-import-media-"))
class ImportPagesTest(ImportCase):
    def upload(self, user, data, name="data.csv", mode="all_or_nothing"):
        self.login(user)
        return self.client.post(reverse("imports:start"), {"file": _named(data, name), "mode": mode})

    def test_the_template_has_chinese_headers_and_explains_each_column_with_the_users_stations(self):
        self.login(self.dave)
        response = self.client.get(reverse("imports:template"))
        self.assertEqual(response.status_code, 200)
        wb = load_workbook(io.BytesIO(response.content))
        self.assertEqual(wb.sheetnames, ["导入数据", "填写说明", "示例", "选项"])  # 选项: the drop-downs' lists
        headers = [c.value for c in wb["导入数据"][1]]
        self.assertEqual([h for h in headers if h in HEADERS], HEADERS)  # the older columns, in order
        self.assertEqual([h for h in headers if h not in HEADERS], ["家庭年收入（元）", "主要收入来源", "就业状况"])
        text = "\n".join(str(c.value) for r in wb["填写说明"].iter_rows() for c in r if c.value)
        for expected in ("水库和电站移民", "其它", "彝族", "初级中学", "丧偶", "子女", "集体户", "53060201",
                         "外出务工", "无劳动能力"):
            self.assertIn(expected, text)
        self.assertNotIn("53062101", text)  # 鲁甸 stations are not dave's

    def test_a_small_upload_is_checked_at_once_then_imported(self):
        response = self.upload(self.dave, csv_file(household_rows(4)))
        job = ImportJob.objects.get()
        self.assertRedirects(response, reverse("imports:job", args=[job.pk]))
        self.assertEqual((job.state, job.people_new, job.households_new), ("checked", 4, 1))
        self.assertEqual(job.county, self.zhaoyang)
        self.assertEqual(Person.objects.count(), 0)
        page = self.client.get(reverse("imports:job", args=[job.pk]))
        self.assertContains(page, "确认导入")
        self.client.post(reverse("imports:job_run", args=[job.pk]))
        job.refresh_from_db()
        self.assertEqual((job.state, job.rows_written), ("done", 4))
        self.assertEqual(Person.objects.count(), 4)
        status = self.client.get(reverse("imports:job_status", args=[job.pk])).json()
        self.assertEqual((status["state"], status["rows_written"], status["running"]), ("done", 4, False))

    def test_an_all_or_nothing_import_with_errors_offers_no_confirm_and_the_error_file_is_downloadable(self):
        bad = row(household="H9", name="=HYPERLINK(\"http://x\")", id_number="530602198503140010")
        self.upload(self.dave, csv_file(household_rows(4) + [bad]))
        job = ImportJob.objects.get()
        self.assertEqual((job.state, job.rows_error), ("checked", 1))
        page = self.client.get(reverse("imports:job", args=[job.pk]))
        self.assertContains(page, "校验位错误")
        self.assertNotContains(page, reverse("imports:job_run", args=[job.pk]))  # all-or-nothing can only refuse
        self.assertContains(page, "有错误行时不能导入")
        response = self.client.post(reverse("imports:job_run", args=[job.pk]), follow=True)
        self.assertContains(response, "导入将不会写入任何数据")
        job.refresh_from_db()
        self.assertEqual(job.state, "checked")
        self.assertEqual(Person.objects.count(), 0)
        response = self.client.get(reverse("imports:job_errors", args=[job.pk]))
        wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        rows = list(wb.active.iter_rows(values_only=True))
        self.assertEqual(rows[0][-2:], ("行号", "错误说明"))
        self.assertEqual(rows[1][-2], 6)
        self.assertIn("校验位错误", rows[1][-1])
        self.assertEqual(rows[1][COL["姓名"]], "'=HYPERLINK(\"http://x\")")

    def test_a_refused_file_is_shown_on_the_form(self):
        response = self.upload(self.dave, ole_encrypted(), name="data.xlsx")
        self.assertContains(response, "加密", status_code=400)
        self.assertFalse(ImportJob.objects.exists())

    def test_a_job_out_of_scope_answers_404(self):
        self.upload(self.dave, csv_file(household_rows(4)))
        job = ImportJob.objects.get()
        for user in (self.erin, self.bob):
            self.login(user)
            for name in ("imports:job", "imports:job_status", "imports:job_errors"):
                self.assertEqual(self.client.get(reverse(name, args=[job.pk])).status_code, 404)
            self.assertEqual(self.client.post(reverse("imports:job_run", args=[job.pk])).status_code, 404)
        self.login(self.alice)  # a clerk of the county does not see the county office's jobs either
        self.assertEqual(self.client.get(reverse("imports:job", args=[job.pk])).status_code, 404)

    def test_a_reader_sees_exports_but_cannot_upload(self):
        self.login(self.frank)
        page = self.client.get(reverse("imports:start"))
        self.assertContains(page, "不能导入")
        response = self.client.post(reverse("imports:start"), {"file": _named(csv_file([row()]), "a.csv")})
        self.assertEqual(response.status_code, 403)

    def test_the_job_status_page_costs_few_queries(self):
        self.upload(self.dave, csv_file(household_rows(4)))
        job = ImportJob.objects.get()
        self.client.get(reverse("imports:job_status", args=[job.pk]))
        with self.assertNumQueries(3):  # session, the user with its assignment, job
            self.client.get(reverse("imports:job_status", args=[job.pk]))


def _named(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


class HouseholdDataTest(ImportCase):
    def test_a_household_is_taken_from_its_first_row_with_complete_household_data(self):
        rows = household_rows(2)
        rows[0][COL["户主姓名"]] = ""
        result = self.run_import(self.dave, csv_file(rows), mode="good_rows")
        self.assertEqual((result.rows_error, result.rows_written), (1, 1))
        self.assertEqual(Household.objects.get().head_name, "张大山")

    def test_blank_lines_are_skipped_but_keep_the_row_numbers(self):
        rows = [row(), [""] * len(HEADERS), [" "] * len(HEADERS), row(name="李四", seq=13, id_number="1")]
        result = self.run_import(self.dave, csv_file(rows), dry_run=True)
        self.assertEqual((result.rows_read, result.rows_error), (2, 1))
        self.assertEqual(result.errors[0].row, 5)
