"""Exports beyond a few rows run on the exports worker: the file equals the one built in the
request (same rows, same masking), only its asker may see or download it, and it expires."""

import csv
import datetime
import io
import tempfile

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from households import export_jobs
from households.export_models import ExportJob
from nongzhuancheng.masking import mask
from tests.base import CastTestCase, make_user, person_data

from .test_export_lists import ExportCase


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="nzc-export-media-"))
class ExportJobTest(ExportCase):
    def ask(self, user, name, **query):
        """Ask for an export beyond the inline limit; run the worker's task; return the job."""
        self.login(user)
        with override_settings(NZC_EXPORT_INLINE_ROWS=0), self.captureOnCommitCallbacks(execute=True):
            response = self.client.get(reverse(f"imports:export_{name}"), query)
        job = ExportJob.objects.get()
        self.assertRedirects(response, reverse("imports:export_job", args=[job.pk]), fetch_redirect_response=False)
        job.refresh_from_db()
        return job

    def inline(self, user, name, **query):
        self.login(user)
        return self.client.get(reverse(f"imports:export_{name}"), query).content

    def download(self, job):
        response = self.client.get(reverse("imports:export_job_download", args=[job.pk]))
        self.assertEqual(response.status_code, 200)
        return b"".join(response.streaming_content)

    def test_a_large_people_export_is_the_same_csv_as_the_inline_one_masked_the_same(self):
        job = self.ask(self.frank, "people", format="csv", county=self.zhaoyang.pk)
        self.assertEqual((job.state, job.rows_total, job.rows_written, job.percent), ("done", 2, 2, 100))
        body = self.download(job)
        self.assertEqual(body, self.inline(self.frank, "people", format="csv", county=self.zhaoyang.pk))
        text = body.decode("utf-8-sig")
        self.assertIn(mask(self.zy_number), text)
        self.assertNotIn(self.zy_number, text)
        self.assertIn("'=HYPERLINK", text)  # formula cells neutralised as inline

    def test_a_background_export_is_masked_even_for_a_role_that_may_export_whole_numbers(self):
        # whole numbers leave only by the POST export with a reason typed, made in the request and logged
        job = self.ask(self.dave, "people", format="csv")
        body = self.download(job).decode("utf-8-sig")
        self.assertNotIn(self.zy_number, body)
        self.assertIn(mask(self.zy_number), body)

    def test_a_large_applications_export_as_xlsx_holds_the_same_rows_and_filters(self):
        job = self.ask(self.frank, "applications", format="xlsx", status="completed")
        rows = list(load_workbook(io.BytesIO(self.download(job))).active.iter_rows(values_only=True))
        inline = list(load_workbook(io.BytesIO(self.inline(self.frank, "applications", format="xlsx",
                                                           status="completed"))).active.iter_rows(values_only=True))
        self.assertEqual(rows, inline)
        self.assertEqual([r[0] for r in rows[1:]], [self.zy_app.number])

    def test_small_exports_are_still_built_in_the_request(self):
        self.login(self.dave)
        response = self.client.get(reverse("imports:export_people"), {"format": "csv"})
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertFalse(ExportJob.objects.exists())

    def test_only_the_user_who_asked_sees_the_job_and_its_file(self):
        job = self.ask(self.dave, "people", format="csv")
        colleague = make_user("dave2", "county_officer", county=self.zhaoyang)
        for user in (colleague, self.frank, self.root):
            self.login(user)
            for name in ("export_job", "export_job_status", "export_job_download"):
                with self.subTest(user=user.username, page=name):
                    self.assertEqual(self.client.get(reverse(f"imports:{name}", args=[job.pk])).status_code, 404)
        self.login(self.dave)
        page = self.client.get(reverse("imports:export_job", args=[job.pk]))
        self.assertContains(page, reverse("imports:export_job_download", args=[job.pk]))
        status = self.client.get(reverse("imports:export_job_status", args=[job.pk])).json()
        self.assertEqual((status["state"], status["ready"], status["percent"]), ("done", True, 100))

    def test_the_file_expires_and_is_deleted(self):
        job = self.ask(self.dave, "applications", format="csv")
        storage, name = job.file.storage, job.file.name
        self.assertTrue(storage.exists(name))
        self.assertEqual(export_jobs.export_jobs_expire(now=timezone.now()), 0)
        later = job.expires_at + datetime.timedelta(seconds=1)
        self.assertEqual(export_jobs.export_jobs_expire(now=later), 1)
        job.refresh_from_db()
        self.assertEqual(job.state, "expired")
        self.assertFalse(storage.exists(name))
        self.assertEqual(self.client.get(reverse("imports:export_job_download", args=[job.pk])).status_code, 404)

    def test_a_waiting_job_shows_its_progress_and_running_it_twice_writes_once(self):
        self.login(self.dave)
        with override_settings(NZC_EXPORT_INLINE_ROWS=0):
            self.client.get(reverse("imports:export_people"), {"format": "csv"})  # on_commit not run: queued
        job = ExportJob.objects.get()
        page = self.client.get(reverse("imports:export_job", args=[job.pk]))
        self.assertContains(page, "排队中")
        self.assertTrue(self.client.get(reverse("imports:export_job_status", args=[job.pk])).json()["running"])
        export_jobs.export_job_run(job_id=job.pk)
        first = ExportJob.objects.get().file.name
        export_jobs.export_job_run(job_id=job.pk)
        self.assertEqual(ExportJob.objects.get().file.name, first)


class ExportJobCountTest(CastTestCase):
    def test_the_job_counts_every_row_of_a_list_longer_than_a_page(self):
        for _ in range(3):
            self.receive(self.alice, members=[person_data(), person_data(relation="child")])
        job = ExportJob.objects.create(created_by=self.alice, kind="people", file_format="csv")
        with override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="nzc-export-media-")):
            job = export_jobs.export_job_run(job_id=job.pk)
            rows = list(csv.reader(io.StringIO(job.file.read().decode("utf-8-sig"))))
        self.assertEqual((job.rows_total, len(rows)), (6, 7))
