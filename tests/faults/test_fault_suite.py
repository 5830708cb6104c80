"""The fault suite: real faults against a real Celery worker, a Redis server of the suite's own
(127.0.0.1:6390 unless TEST_FAULT_REDIS_PORT says otherwise; started and stopped here, never the
shared one) and PostgreSQL. Nothing is lost, nothing hangs, the user is told. Bounded: every wait
has a deadline, the whole suite takes well under two minutes."""

import os
import shutil
import signal
import subprocess
import tempfile
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test import TransactionTestCase, override_settings
from django.urls import reverse

from entitlements.models import Retention
from households.import_models import ImportJob
from households.imports import jobs
from households.models import Person
from nongzhuancheng import outbox, roles
from nongzhuancheng.celery import app as celery_app
from nongzhuancheng.heartbeats import BEAT, WORKER, heartbeat_record
from nongzhuancheng.models import County, OutboxMessage, StaffAssignment
from nongzhuancheng.periods import Period
from reports import services as bulletin_services
from reports.models import Bulletin
from tests.households.worker_helpers import Worker, csv_file, household_rows, wait_for

PORT = int(os.environ.get("TEST_FAULT_REDIS_PORT", "6390"))
REDIS_URL = f"redis://127.0.0.1:{PORT}/0"
MEDIA = tempfile.mkdtemp(prefix="nzc-fault-media-")


def redis_start():
    subprocess.run(["redis-server", "--port", str(PORT), "--daemonize", "yes", "--save", "", "--appendonly", "no"],
                   check=True, stdout=subprocess.DEVNULL)
    assert wait_for(redis_up, timeout=10, interval=0.1), "redis-server did not start"


def redis_stop():
    subprocess.run(["redis-cli", "-p", str(PORT), "shutdown", "nosave"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    assert wait_for(lambda: not redis_up(), timeout=10, interval=0.1), "redis-server did not stop"


def redis_up():
    return subprocess.run(["redis-cli", "-p", str(PORT), "ping"], capture_output=True, text=True).stdout.strip() == "PONG"


OPS_TOKEN = "fault-suite-ops-token-0123456789"


@pytest.mark.faults
@pytest.mark.celery_worker
@override_settings(MEDIA_ROOT=MEDIA, NZC_JOB_STALE_SECONDS=3, NZC_OPS_TOKEN=OPS_TOKEN)
class FaultSuiteTest(TransactionTestCase):
    def tearDown(self):
        connection.close()  # a backend terminated by a test is never reused by the flush after it
        super().tearDown()

    def setUp(self):
        if connection.vendor != "postgresql":
            pytest.skip("the worker subprocess shares the database: PostgreSQL only")
        if not shutil.which("redis-server"):
            pytest.skip("redis-server is not installed")
        if not redis_up():
            redis_start()
        subprocess.run(["redis-cli", "-p", str(PORT), "flushall"], stdout=subprocess.DEVNULL)
        call_command("loaddata", "fixtures/reference.json", verbosity=0)
        self.dave = get_user_model().objects.create_user("dave")
        StaffAssignment.objects.create(user=self.dave, role=roles.COUNTY_OFFICER,
                                       county=County.objects.get(code="530602"))
        saved = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
        celery_app.conf.task_always_eager = False
        celery_app.conf.broker_url = REDIS_URL
        self.forget_connections()

        def restore():
            celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved
            self.forget_connections()
            if not redis_up():
                redis_start()

        self.addCleanup(restore)

    @staticmethod
    def forget_connections():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    def upload(self, rows):
        upload = SimpleUploadedFile("昭阳区转户名册.csv", csv_file(rows))
        return jobs.import_job_create(actor=self.dave, upload=upload, mode="all_or_nothing")

    def test_with_redis_stopped_an_import_succeeds_and_its_entitlements_open_once_redis_is_back(self):
        job = jobs.import_job_start(job=self.upload(household_rows(8)), actor=self.dave, run=False)  # inline
        redis_stop()
        self.forget_connections()
        started = time.monotonic()
        job = jobs.import_job_start(job=job, actor=self.dave, run=True)
        took = time.monotonic() - started
        self.assertEqual((job.state, job.rows_written), ("done", 8))  # the user's import is done
        self.assertLess(took, 10, "the import waited for the broker")
        message = OutboxMessage.objects.get(task_name="entitlements.tasks.entitlements_open_bulk_task")
        self.assertIsNone(message.sent_at)  # kept, not lost
        self.assertEqual(Retention.objects.count(), 0)
        redis_start()
        self.forget_connections()
        with Worker(REDIS_URL, connection.settings_dict["NAME"]) as worker:
            self.assertEqual(outbox.outbox_dispatch(now=message.available_at), (1, 0))  # what beat runs
            opened = wait_for(lambda: Retention.objects.filter(person__in=Person.objects.all()).count() >= 40,
                              timeout=60)
            self.assertTrue(opened, worker.output())
            done = wait_for(lambda: OutboxMessage.objects.filter(pk=message.pk, done_at__isnull=False).exists(),
                            timeout=20)
            self.assertTrue(done, worker.output())
        self.assertEqual(Retention.objects.count(), 8 * 5)

    def test_a_worker_killed_mid_import_is_shown_failed_within_a_minute_and_nothing_is_written(self):
        rows = 20_000
        job = self.upload(household_rows(rows))
        with Worker(REDIS_URL, connection.settings_dict["NAME"]) as worker:
            jobs.import_job_start(job=job, actor=self.dave, run=False)
            checked = wait_for(lambda: ImportJob.objects.filter(pk=job.pk, state="checked").first(), timeout=120)
            self.assertIsNotNone(checked, worker.output())
            jobs.import_job_start(job=checked, actor=self.dave, run=True)
            # the confirm writes what the preview validated (no second read): the worker is midway once
            # it beats for the job (or has reported rows written)
            midway = wait_for(lambda: ImportJob.objects.filter(
                Q(heartbeat_at__isnull=False) | Q(rows_written__gt=0), pk=job.pk, state="importing").first(),
                timeout=60, interval=0.05)
            self.assertIsNotNone(midway, worker.output())
            os.kill(worker.process.pid, signal.SIGKILL)
            worker.process.wait(10)
            killed_at = time.monotonic()
        self.assertEqual(ImportJob.objects.get(pk=job.pk).state, "importing")  # what the user saw before
        reaped = wait_for(lambda: jobs.import_jobs_reap(), timeout=60, interval=0.5)  # what beat runs
        self.assertEqual(reaped, [job.pk])
        self.assertLess(time.monotonic() - killed_at, 60)
        failed = ImportJob.objects.get(pk=job.pk)
        self.assertEqual(failed.state, "failed")
        self.assertIn("后台进程意外中止", failed.message)
        self.assertEqual(Person.objects.count(), 0)  # the import's transaction died with the worker
        self.assertEqual(jobs.import_job_run(job_id=job.pk).state, "failed")  # a redelivery does nothing
        self.assertEqual(Person.objects.count(), 0)
        self.client.force_login(self.dave)
        self.assertContains(self.client.get(reverse("imports:job", args=[job.pk])), "后台进程意外中止")

    def health(self):
        response = self.client.get("/health/?format=json", HTTP_AUTHORIZATION=f"Bearer {OPS_TOKEN}")
        return response.status_code, response.json()["checks"]

    def test_with_redis_stopped_the_health_report_names_the_broker_and_recovers_when_it_is_back(self):
        heartbeat_record(WORKER)
        heartbeat_record(BEAT)
        status, checks = self.health()
        self.assertEqual(status, 200, checks)
        self.assertTrue(checks["broker"]["ok"])
        redis_stop()
        started = time.monotonic()
        status, checks = self.health()
        self.assertLess(time.monotonic() - started, 10, "the health report waited for the broker")
        self.assertEqual(status, 503)
        self.assertEqual(checks["broker"]["message"], "Unavailable: the broker does not answer")
        self.assertTrue(checks["database"]["ok"] and checks["media"]["ok"], checks)
        anonymous = self.client.get("/health/")
        self.assertEqual((anonymous.status_code, anonymous.json()), (503, {"status": "fail"}))
        self.assertEqual(self.client.get("/health/?part=web").status_code, 200)  # the web process is fine
        self.assertEqual(self.client.get("/health/live/").status_code, 200)
        redis_start()
        status, checks = self.health()
        self.assertEqual(status, 200, checks)

    def test_a_worker_killed_while_rendering_a_bulletin_is_shown_failed_and_it_may_be_asked_for_again(self):
        os.environ["NZC_JOB_STALE_SECONDS"] = "3"  # the worker's heartbeat thread beats every 0.75 s
        self.addCleanup(os.environ.pop, "NZC_JOB_STALE_SECONDS", None)
        period = Period(2012, 10, 2)
        with Worker(REDIS_URL, connection.settings_dict["NAME"]) as worker:
            bulletin, _ = bulletin_services.bulletin_request(period=period)
            rendering = wait_for(lambda: Bulletin.objects.filter(pk=bulletin.pk, state="rendering",
                                                                  heartbeat_at__isnull=False).first(),
                                 timeout=60, interval=0.02)
            self.assertIsNotNone(rendering, worker.output())
            os.kill(worker.process.pid, signal.SIGKILL)
            worker.process.wait(10)
            killed_at = time.monotonic()
        self.assertEqual(Bulletin.objects.get(pk=bulletin.pk).state, "rendering")  # what the user saw before
        reaped = wait_for(lambda: bulletin_services.bulletins_reap(), timeout=30, interval=0.5)  # what beat runs
        self.assertEqual(reaped, [bulletin.pk])
        self.assertLess(time.monotonic() - killed_at, 30)
        failed = Bulletin.objects.get(pk=bulletin.pk)
        self.assertEqual(failed.state, "failed")
        self.assertIn("后台进程意外中止", failed.error)
        self.assertFalse(failed.pdf)
        again, created = bulletin_services.bulletin_request(period=period, enqueue=False)
        self.assertTrue(created)  # the failed one is not handed back: a new request renders anew

    def test_a_terminated_database_connection_is_replaced_before_the_next_request_reads_or_writes(self):
        self.client.force_login(self.dave)
        url = reverse("imports:start")
        self.assertEqual(self.client.get(url).status_code, 200)

        def terminate_ours():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                (pid,) = cursor.fetchone()
            killer = connection.copy()
            try:
                with killer.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            finally:
                killer.close()

        # The connection the database dropped is noticed before the session is read and replaced, so
        # reads and writes alike get their own answer, never a 500. (A database that stays down is
        # answered 503 with Retry-After: tests/core/test_database_faults.py.)
        terminate_ours()
        self.assertEqual(self.client.get(url).status_code, 200)
        terminate_ours()
        response = self.client.post(url, {"mode": "all_or_nothing"})
        self.assertEqual(response.status_code, 400)  # the form's own answer: no file was sent
        terminate_ours()
        api = self.client.post("/api/v1/applications/", {}, HTTP_ACCEPT="application/json")
        self.assertEqual(api.status_code, 400)  # the API's validation, on a fresh connection
        self.assertEqual(self.client.get(url).status_code, 200)
