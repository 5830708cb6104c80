"""A CSV export written by COPY … TO STDOUT is the file the server-side cursor path writes."""

import datetime
import tempfile
from pathlib import Path
from unittest import skipUnless

from django.db import connection

from households import services
from households.export_lists import export_rows
from households.models import Household, Person, TransferApplication
from nongzhuancheng import exports
from tests.base import person_data

from .test_export_lists import ExportCase


@skipUnless(connection.vendor == "postgresql", "COPY is PostgreSQL's")
class CopyExportTest(ExportCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        awkward = cls.receive(cls.carol, members=[
            person_data(name='李"四"', phone="-1", education="", destination_address="一,二\n三"),
            person_data(name="@x", relation="child", occupation="", marital_status=""),
        ], address='住址 "甲", 乙', received_on=datetime.date(2012, 7, 1))
        Household.objects.filter(pk=awkward.household_id).update(village="\r回车")  # past the forms' stripping
        Person.objects.filter(application=awkward, name="@x").update(occupation="\t制表")
        TransferApplication.objects.filter(pk=cls.open_app.pk).update(number=None)
        services.application_complete(application=awkward, actor=cls.carol, on=datetime.date(2012, 7, 2))

    def both(self, user, kind, **filters):
        rows, columns = export_rows(user=user, kind=kind, filters=filters)
        with tempfile.TemporaryDirectory() as tmp:
            by_copy, by_cursor = Path(tmp, "copy.csv"), Path(tmp, "cursor.csv")
            seen = []
            written = exports.copy_csv(by_copy, rows, columns, progress=seen.append, every=2)
            self.assertEqual(written, rows.count())
            self.assertEqual(seen, list(range(2, written + 1, 2)))
            expected = exports.write_file(by_cursor, exports.stream_table(rows, columns), "csv")
            self.assertEqual(written, expected)
            return by_copy.read_bytes(), by_cursor.read_bytes()

    def test_people_and_applications_are_the_same_bytes_as_the_cursor_export(self):
        for user in (self.frank, self.dave, self.alice):
            for kind in ("people", "applications"):
                by_copy, by_cursor = self.both(user, kind)
                self.assertEqual(by_copy, by_cursor, (user, kind))
        by_copy, _ = self.both(self.frank, "people")
        text = by_copy.decode("utf-8-sig")
        self.assertIn('"一,二\n三"', text)
        self.assertIn('"\'\r回车"', text)  # quoted, with its newline kept inside the quotes
        self.assertIn("'\t制表", text)
        self.assertIn("'@x", text)
        self.assertNotIn(self.zy_number, text)
        self.assertEqual(Person.objects.count(), text.count("\r\n") - 1)

    def test_the_filters_apply_to_the_copy_as_to_the_cursor(self):
        by_copy, by_cursor = self.both(self.frank, "people", county=self.zhaoyang.pk, status="completed")
        self.assertEqual(by_copy, by_cursor)
        by_copy, by_cursor = self.both(self.frank, "applications", q="鲁甸")
        self.assertEqual(by_copy, by_cursor)

    def test_a_column_without_an_sql_form_leaves_the_export_to_the_cursor(self):
        rows, columns = export_rows(user=self.frank, kind="people", filters={})
        odd = [*columns, exports.Column("x", lambda person: person.pk)]
        with tempfile.TemporaryDirectory() as tmp:
            self.assertIsNone(exports.copy_csv(Path(tmp, "x.csv"), rows, odd))

    def test_the_worker_reports_progress_while_copy_streams_and_writes_the_same_file(self):
        import functools
        from unittest import mock

        from django.test import override_settings

        from households import export_jobs
        from households.export_models import ExportJob

        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            job = ExportJob.objects.create(created_by=self.frank, kind="people", file_format="csv")
            every_row = functools.partial(exports.copy_csv, every=1)  # a report each row: the job's connection is busy
            with mock.patch("households.export_jobs.copy_csv", side_effect=every_row) as copy:
                job = export_jobs.export_job_run(job_id=job.pk)
            self.assertEqual(copy.call_count, 1)
            self.assertEqual((job.state, job.rows_written), ("done", Person.objects.count()))
            by_copy, by_cursor = self.both(self.frank, "people")
            with job.file.open("rb") as fh:
                self.assertEqual(fh.read(), by_cursor)
