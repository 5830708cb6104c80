"""Jobs that cannot hang: a heartbeat while they run, a reaper for a job whose worker died, a cancel
move for the user, and a job page that says when no worker is running."""

import datetime
import tempfile
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from households.import_models import ImportJob
from households.imports import jobs
from households.models import Person
from nongzhuancheng import heartbeats
from nongzhuancheng.celery import app
from nongzhuancheng.workflow import TransitionNotAllowed
from tests.base import CastTestCase

from .worker_helpers import csv_file, household_rows

State = ImportJob.State


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="nzc-import-media-"), NZC_JOB_STALE_SECONDS=60)
class ImportJobFaultsTest(CastTestCase):
    def new_job(self, rows=8):
        upload = SimpleUploadedFile("data.csv", csv_file(household_rows(rows)), content_type="text/csv")
        return jobs.import_job_create(actor=self.dave, upload=upload, mode=ImportJob.Mode.ALL_OR_NOTHING)

    def running(self, state, beat_ago):
        job = self.new_job()
        ImportJob.objects.filter(pk=job.pk).update(state=state, heartbeat_at=timezone.now() - beat_ago)
        return ImportJob.objects.get(pk=job.pk)

    def test_a_check_records_a_heartbeat(self):
        job = jobs.import_job_start(job=self.new_job(), actor=self.dave, run=False)
        self.assertEqual(job.state, State.CHECKED)
        self.assertIsNotNone(job.heartbeat_at)

    def test_the_reaper_fails_a_running_job_without_a_heartbeat_and_tells_the_user(self):
        dead = self.running(State.IMPORTING, datetime.timedelta(seconds=90))
        alive = self.running(State.CHECKING, datetime.timedelta(seconds=5))
        self.assertEqual(jobs.import_jobs_reap(), [dead.pk])
        dead.refresh_from_db()
        alive.refresh_from_db()
        self.assertEqual(dead.state, State.FAILED)
        self.assertIn("后台进程意外中止", dead.message)
        self.assertEqual(alive.state, State.CHECKING)
        self.client.force_login(self.dave)
        page = self.client.get(reverse("imports:job", args=[dead.pk]))
        self.assertContains(page, "后台进程意外中止")

    def test_the_reaper_leaves_a_job_waiting_for_a_worker(self):
        job = self.new_job()
        ImportJob.objects.filter(pk=job.pk).update(state=State.IMPORTING, heartbeat_at=None)
        self.assertEqual(jobs.import_jobs_reap(), [])

    def test_a_reaped_job_delivered_again_is_not_run(self):
        dead = self.running(State.IMPORTING, datetime.timedelta(seconds=90))
        jobs.import_jobs_reap()
        self.assertEqual(jobs.import_job_run(job_id=dead.pk).state, State.FAILED)
        self.assertEqual(Person.objects.count(), 0)

    def test_a_user_cancels_a_queued_job_and_its_task_then_does_nothing(self):
        job = self.new_job()
        self.client.force_login(self.dave)
        response = self.client.post(reverse("imports:job_cancel", args=[job.pk]))
        self.assertRedirects(response, reverse("imports:job", args=[job.pk]))
        job.refresh_from_db()
        self.assertEqual(job.state, State.CANCELLED)
        self.assertEqual(jobs.import_job_check(job_id=job.pk).state, State.CANCELLED)
        self.assertContains(self.client.get(reverse("imports:job", args=[job.pk])), "已取消")

    def test_a_running_import_stops_at_its_next_progress_report_and_writes_nothing(self):
        job = jobs.import_job_start(job=self.new_job(), actor=self.dave, run=False)
        job = jobs.job_move(job, "confirm", actor=self.dave, apply=jobs._progress_reset)
        real = jobs._JobProgress.__call__

        def cancel_then_report(progress, **fields):
            if ImportJob.objects.get(pk=job.pk).state == State.IMPORTING:
                jobs.import_job_cancel(job=ImportJob.objects.get(pk=job.pk), actor=self.dave)
            return real(progress, **fields)

        with mock.patch.object(jobs._JobProgress, "__call__", cancel_then_report):
            after = jobs.import_job_run(job_id=job.pk)
        self.assertEqual(after.state, State.CANCELLED)
        self.assertEqual(Person.objects.count(), 0)

    def test_a_finished_job_cannot_be_cancelled(self):
        job = jobs.import_job_start(job=self.new_job(), actor=self.dave, run=False)
        job = jobs.import_job_start(job=job, actor=self.dave, run=True)
        with self.assertRaises(TransitionNotAllowed):
            jobs.import_job_cancel(job=job, actor=self.dave)

    def test_a_reader_cannot_cancel(self):
        job = self.new_job()
        self.login(self.frank)
        # import jobs are seen only by who made them and their county office: out of scope, not found
        self.assertEqual(self.client.post(reverse("imports:job_cancel", args=[job.pk])).status_code, 404)
        before = job.state
        job.refresh_from_db()
        self.assertEqual(job.state, before)

    def test_the_job_page_says_when_no_worker_is_running(self):
        job = self.new_job()
        self.client.force_login(self.dave)
        before = app.conf.task_always_eager
        app.conf.task_always_eager = False
        self.addCleanup(setattr, app.conf, "task_always_eager", before)
        status = reverse("imports:job_status", args=[job.pk])
        self.assertTrue(self.client.get(status).json()["worker_absent"])
        page = self.client.get(reverse("imports:job", args=[job.pk]))
        self.assertNotContains(page, 'id="worker-absent" hidden')
        heartbeats.heartbeat_record(heartbeats.WORKER)
        self.assertFalse(self.client.get(status).json()["worker_absent"])
        self.assertContains(self.client.get(reverse("imports:job", args=[job.pk])), 'id="worker-absent" hidden')
