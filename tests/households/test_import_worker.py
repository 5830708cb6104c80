"""A large import through a real Celery worker (subprocess) against Redis, on the PostgreSQL test
database, with its progress read while it runs."""

import os
import tempfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase, override_settings

from households.import_models import ImportJob
from households.imports import jobs, limits
from households.models import ApplicationEvent, Person, TransferApplication
from nongzhuancheng.celery import app as celery_app
from nongzhuancheng.models import County, StaffAssignment

from .worker_helpers import Worker, csv_file, household_rows, wait_for

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/12")
MEDIA = tempfile.mkdtemp(prefix="nzc-import-media-")
ROWS = 20_000


def _redis_or_skip():
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.flushdb()  # our own Redis DB: no message left from an earlier run
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")


@pytest.mark.celery_worker
@override_settings(MEDIA_ROOT=MEDIA)
class ImportThroughWorkerTest(TransactionTestCase):
    def setUp(self):
        if connection.vendor != "postgresql":
            pytest.skip("the worker subprocess needs a database it can share: PostgreSQL only, not SQLite")
        _redis_or_skip()
        call_command("loaddata", "fixtures/reference.json", verbosity=0)
        self.dave = get_user_model().objects.create_user("dave")
        StaffAssignment.objects.create(user=self.dave, role="county_officer", county=County.objects.get(code="530602"))
        # The site's Celery app, pointed at our Redis DB instead of running tasks eagerly: the
        # service enqueues exactly as it does in production.
        self.saved_conf = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
        celery_app.conf.task_always_eager = False
        celery_app.conf.broker_url = REDIS_URL
        self.forget_connections()  # an eager task earlier in this process bound the pools to memory
        self.addCleanup(self.restore_conf)

    @staticmethod
    def forget_connections():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    def restore_conf(self):
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = self.saved_conf
        self.forget_connections()

    def watch(self, job, done_states, timeout=240):
        seen = []

        def finished():
            current = ImportJob.objects.get(pk=job.pk)
            seen.append((current.state, current.rows_read, current.rows_written, current.percent))
            return current if current.state in done_states else None

        return wait_for(finished, timeout=timeout, interval=0.05), seen

    def test_a_county_file_is_checked_and_imported_by_the_worker_with_progress(self):
        data = csv_file(household_rows(ROWS))
        upload = SimpleUploadedFile("昭阳区2012年转户名册.csv", data)
        job = jobs.import_job_create(actor=self.dave, upload=upload, mode="all_or_nothing")
        self.assertGreater(len(data), limits.inline_bytes())  # large: a task, not the request
        with Worker(REDIS_URL, connection.settings_dict["NAME"]) as worker:
            queued = jobs.import_job_start(job=job, actor=self.dave, run=False)
            self.assertEqual(queued.state, "queued")  # handed to the worker, not run in this process
            job_after, seen = self.watch(job, {"checked", "failed"})
            self.assertIsNotNone(job_after, worker.output())
            self.assertEqual(job_after.state, "checked", job_after.message)
            self.assertEqual((job_after.people_new, job_after.households_new, job_after.rows_error), (ROWS, ROWS // 4, 0))
            partial = [s for s in seen if s[0] == "checking" and 0 < s[1] < ROWS]
            self.assertTrue(partial, f"no progress seen while checking: {seen[:5]}…{seen[-5:]}")
            self.assertEqual(Person.objects.count(), 0)

            jobs.import_job_start(job=job_after, actor=self.dave, run=True)
            job_after, seen = self.watch(job, {"done", "failed", "refused"})
            self.assertIsNotNone(job_after, worker.output())
        self.assertEqual(job_after.state, "done", job_after.message)
        self.assertEqual(job_after.rows_written, ROWS)
        self.assertTrue([s for s in seen if s[0] == "importing" and 0 < s[3] < 100], seen[:5])
        self.assertEqual(Person.objects.filter(county__code="530602", completed_on__isnull=False).count(), ROWS)
        self.assertEqual(TransferApplication.objects.count(), ROWS // 4)
        self.assertEqual(ApplicationEvent.objects.count(), 2 * (ROWS // 4))
