"""The import job page says why a job waits and its place in the imports queue."""

import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from households.import_models import ImportJob
from households.imports import jobs
from households.imports.waiting import import_job_waiting
from tests.base import CastTestCase

from .worker_helpers import csv_file, household_rows


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="nzc-import-media-"))
class ImportWaitingTest(CastTestCase):
    def upload(self, actor):
        """A job kept and queued (its task is not run: the test's transaction never commits)."""
        upload = SimpleUploadedFile("data.csv", csv_file(household_rows(2)), content_type="text/csv")
        return jobs.import_job_create(actor=actor, upload=upload, mode=ImportJob.Mode.ALL_OR_NOTHING)

    def test_a_queued_job_knows_its_place_behind_earlier_uploads_of_any_county(self):
        first, second = self.upload(self.erin), self.upload(self.dave)
        self.assertEqual(import_job_waiting(first).place, 1)
        waiting = import_job_waiting(second)
        self.assertEqual((waiting.place, waiting.ahead), (2, 1))
        self.assertIn("第 2 位", waiting.reason)

    def test_the_page_and_its_poll_say_why_the_job_waits(self):
        first = self.upload(self.erin)
        job = self.upload(self.dave)
        self.login(self.dave)
        page = self.client.get(reverse("imports:job", args=[job.pk]))
        self.assertContains(page, "前面还有 1 个导入任务")
        status = self.client.get(reverse("imports:job_status", args=[job.pk])).json()
        self.assertEqual(status["queue_place"], 2)
        jobs.job_move(first, "check", apply=lambda row: (setattr(row, "phase", "checking") or ["phase"]))
        status = self.client.get(reverse("imports:job_status", args=[job.pk])).json()
        self.assertEqual(status["queue_place"], 1)
        self.assertIn("正在处理另外 1 个任务", status["waiting"])

    def test_a_job_the_worker_has_taken_no_longer_waits(self):
        job = self.upload(self.dave)
        jobs.job_move(job, "check", apply=lambda row: (setattr(row, "phase", "checking") or ["phase"]))
        job.refresh_from_db()
        self.assertIsNone(import_job_waiting(job))
