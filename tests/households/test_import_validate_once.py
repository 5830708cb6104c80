"""An import's confirm writes what its preview validated: the file is not read or validated again,
only the claims on ID numbers are checked again, inside the writing transaction."""

import datetime
import tempfile
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from households import services
from households.import_models import ImportJob
from households.imports import jobs
from households.models import Household, Person, TransferApplication
from tests.base import CastTestCase, household_data

from .worker_helpers import COL, csv_file, household_rows

State = ImportJob.State


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="nzc-import-media-"))
class ValidateOnceTest(CastTestCase):
    def checked_job(self, rows, mode=ImportJob.Mode.ALL_OR_NOTHING):
        upload = SimpleUploadedFile("data.csv", csv_file(rows), content_type="text/csv")
        job = jobs.import_job_create(actor=self.dave, upload=upload, mode=mode)
        job = jobs.import_job_start(job=job, actor=self.dave, run=False)
        self.assertEqual(job.state, State.CHECKED)
        return job

    def test_the_confirm_writes_the_previews_rows_without_reading_or_validating_the_file_again(self):
        rows = household_rows(9)
        job = self.checked_job(rows)
        self.assertTrue(job.validated_file)
        with mock.patch("households.imports.jobs.import_validate", side_effect=AssertionError("validated twice")), \
                mock.patch("households.imports.jobs.read_rows", side_effect=AssertionError("read twice")):
            job = jobs.import_job_start(job=job, actor=self.dave, run=True)
        self.assertEqual((job.state, job.rows_written, job.people_new, job.applications_new), (State.DONE, 9, 9, 3))
        self.assertEqual(job.rows_read, 9)
        self.assertFalse(job.validated_file)  # written: the stored result is gone
        people = Person.objects.order_by("id")
        self.assertEqual([p.name for p in people], [r[COL["姓名"]] for r in rows])
        first = people[0]
        self.assertEqual((first.birth_date, first.id_number, first.completed_on),
                         (datetime.date(1960, 1, 1), rows[0][COL["公民身份号码"]], datetime.date(2012, 6, 12)))
        self.assertEqual(TransferApplication.objects.filter(status="completed").count(), 3)

    def test_a_claim_made_between_preview_and_confirm_refuses_the_import_and_writes_nothing(self):
        rows = household_rows(5)
        job = self.checked_job(rows)
        taken = rows[3][COL["公民身份号码"]]
        member = {"name": "抢先", "id_number": taken, "category": "reservoir_migrant", "relation": "head",
                  "destination_address": "昭阳区凤凰街道1号"}
        other = services.application_create(actor=self.alice, household=household_data(), members=[member],
                                            documents=[])
        job = jobs.import_job_start(job=job, actor=self.dave, run=True)
        self.assertEqual(job.state, State.FAILED)
        self.assertIn("检查之后", job.message)
        self.assertIn(str(self.zy_station.name), job.message)
        self.assertNotIn(taken, job.message)  # masked, as every refusal shows a number
        self.assertEqual(list(Person.objects.values_list("application_id", flat=True)), [other.pk])
        self.assertEqual(Household.objects.count(), 1)

    def test_a_household_registered_since_the_preview_is_written_into_not_again(self):
        rows = household_rows(4)
        job = self.checked_job(rows)
        Household.objects.create(county=self.zhaoyang, station=self.zy_station, number=rows[0][COL["户号"]],
                                 head_name="张大山", township="北闸镇", village="塘房村", address="x")
        job = jobs.import_job_start(job=job, actor=self.dave, run=True)
        self.assertEqual((job.state, job.households_new, job.rows_written), (State.DONE, 0, 4))
        self.assertEqual(Household.objects.count(), 1)

    def test_a_job_checked_before_the_stored_result_existed_is_validated_again(self):
        job = self.checked_job(household_rows(4))
        job.validated_file.delete(save=True)
        with mock.patch("households.imports.jobs.import_validate", wraps=jobs.import_validate) as validate:
            job = jobs.import_job_start(job=job, actor=self.dave, run=True)
        self.assertEqual((job.state, job.rows_written, validate.call_count), (State.DONE, 4, 1))

    def test_good_rows_only_keeps_the_previews_errors_and_writes_the_good_rows(self):
        rows = household_rows(4)
        rows[1][COL["公民身份号码"]] = "530602198502301234"  # 30 February
        job = self.checked_job(rows, mode=ImportJob.Mode.GOOD_ROWS)
        job = jobs.import_job_start(job=job, actor=self.dave, run=True)
        self.assertEqual((job.state, job.rows_written, job.rows_error), (State.DONE, 3, 1))
        self.assertEqual(job.errors[0]["row"], 3)
        self.assertTrue(job.error_file)

    def test_a_cancelled_or_failed_job_drops_what_its_preview_validated(self):
        job = self.checked_job(household_rows(4))
        name = job.validated_file.name
        job = jobs.import_job_cancel(job=job, actor=self.dave)
        self.assertFalse(job.validated_file)
        self.assertFalse(job.file.storage.exists(name))
        rows = household_rows(4, start=8)
        job = self.checked_job(rows)
        member = {"name": "抢先", "id_number": rows[0][COL["公民身份号码"]], "category": "reservoir_migrant",
                  "relation": "head", "destination_address": "昭阳区凤凰街道1号"}
        services.application_create(actor=self.alice, household=household_data(), members=[member], documents=[])
        job = jobs.import_job_start(job=job, actor=self.dave, run=True)
        self.assertEqual(job.state, State.FAILED)
        self.assertFalse(job.validated_file)
