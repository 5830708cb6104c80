"""ImportJob's move table: every state change of a job is a move of ImportJob.WORKFLOW."""

import tempfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from households.import_models import ImportJob
from households.imports import jobs
from nongzhuancheng.workflow import TransitionNotAllowed
from tests.base import CastTestCase

from .worker_helpers import csv_file, household_rows

State = ImportJob.State


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="nzc-import-media-"))
class ImportJobMovesTest(CastTestCase):
    def new_job(self):
        upload = SimpleUploadedFile("data.csv", csv_file(household_rows(2)), content_type="text/csv")
        return jobs.import_job_create(actor=self.dave, upload=upload, mode=ImportJob.Mode.ALL_OR_NOTHING)

    def test_it_refuses_a_move_the_table_does_not_have_from_the_jobs_state(self):
        job = self.new_job()
        self.assertEqual(job.state, State.QUEUED)
        with self.assertRaises(TransitionNotAllowed):
            jobs.job_move(job, "finish")  # queued -> done is not in the table
        with self.assertRaises(TransitionNotAllowed):
            jobs.job_move(job, "publish")  # no such move at all
        job.refresh_from_db()
        self.assertEqual(job.state, State.QUEUED)

    def test_only_a_checked_job_can_be_confirmed(self):
        job = self.new_job()
        with self.assertRaisesMessage(ValidationError, "只有检查完成的文件可以导入"):
            jobs.import_job_start(job=job, actor=self.dave, run=True)
        job.refresh_from_db()
        self.assertEqual(job.state, State.QUEUED)

    def test_a_reader_cannot_confirm_a_checked_job(self):
        job = jobs.import_job_start(job=self.new_job(), actor=self.dave, run=False)
        self.assertEqual(job.state, State.CHECKED)
        with self.assertRaises(PermissionDenied):
            jobs.job_move(job, "confirm", actor=self.frank)
        job.refresh_from_db()
        self.assertEqual(job.state, State.CHECKED)

    def test_the_table_leads_from_upload_to_done_through_check_and_confirm(self):
        job = jobs.import_job_start(job=self.new_job(), actor=self.dave, run=False)
        self.assertEqual([m.name for m in ImportJob.WORKFLOW.moves_for(job, self.dave)], ["confirm", "cancel"])
        job = jobs.import_job_start(job=job, actor=self.dave, run=True)
        self.assertEqual((job.state, job.rows_written), (State.DONE, 2))
        self.assertEqual(ImportJob.WORKFLOW.moves_from(State.DONE), [])
