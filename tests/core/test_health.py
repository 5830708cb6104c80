"""Liveness, readiness and the metrics (nongzhuancheng/health.py, metrics.py, ops.py): who sees
what, which part is reported down, and a metric that moves when a job runs."""

import datetime
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from households.imports import jobs
from nongzhuancheng.celery import app as celery_app
from nongzhuancheng.heartbeats import BEAT, WORKER, heartbeat_record
from nongzhuancheng.models import OutboxMessage
from tests.base import CastTestCase
from tests.households.worker_helpers import csv_file, household_rows

TOKEN = "ops-token-for-the-tests-0123456789"


def metric(text, name, **labels):
    """The value of one sample in Prometheus's text format (None when absent)."""
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        m = re.match(r"^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$", line)
        if m and m.group(1) == name and ",".join(sorted((m.group(2) or "").split(","))).strip(",") == want:
            return float(m.group(3))
    return None


class BrokerMode:
    """As in production: tasks go to a broker (here never reached: no check sends anything)."""

    def setUp(self):
        super().setUp()
        before = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = False
        self.addCleanup(setattr, celery_app.conf, "task_always_eager", before)


@override_settings(NZC_OPS_TOKEN=TOKEN)
class HealthTest(CastTestCase):
    def ops(self, url="/health/?format=json", **extra):
        return self.client.get(url, HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **extra)

    def test_liveness_touches_nothing_and_answers_anyone(self):
        with self.assertNumQueries(0):
            response = self.client.get("/health/live/")
        self.assertEqual((response.status_code, response.json()), (200, {"status": "ok"}))

    def test_anonymous_readers_get_the_status_only(self):
        response = self.client.get("/health/", HTTP_ACCEPT="application/json")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})
        self.assertIn("no-store", response["Cache-Control"])
        wrong = self.client.get("/health/?format=json", HTTP_AUTHORIZATION="Bearer wrong")
        self.assertEqual(wrong.json(), {"status": "ok"})

    def test_the_ops_token_and_an_administrator_see_each_check(self):
        body = self.ops().json()
        self.assertEqual(set(body["checks"]), {"database", "cache", "broker", "media", "private", "worker", "beat",
                                               "queues", "outbox"})
        self.assertTrue(all(c["ok"] for c in body["checks"].values()), body)
        self.login(self.root)
        page = self.client.get("/health/", HTTP_ACCEPT="text/html")
        self.assertContains(page, "运行状态")
        self.assertContains(page, "database")
        self.login(self.dave)  # a county officer: the status only
        self.assertEqual(self.client.get("/health/?format=json").json(), {"status": "ok"})

    def test_bad_parameters_answer_400(self):
        self.assertEqual(self.client.get("/health/?part=zz").status_code, 400)

    def test_the_web_part_checks_only_what_the_web_process_needs(self):
        self.assertEqual(set(self.ops("/health/?part=web&format=json").json()["checks"]),
                         {"database", "cache", "media", "private"})

    @override_settings(NZC_PRIVATE_ROOT="/proc/nzc-not-writable")
    def test_an_unwritable_private_root_is_named(self):
        response = self.ops()
        self.assertEqual(response.status_code, 503)
        checks = response.json()["checks"]
        self.assertFalse(checks["private"]["ok"])
        self.assertEqual(checks["private"]["message"], "Unavailable: NZC_PRIVATE_ROOT is not writable")
        self.assertNotIn("/proc", response.content.decode())  # no paths in the report
        self.assertTrue(checks["media"]["ok"])
        anonymous = self.client.get("/health/")
        self.assertEqual((anonymous.status_code, anonymous.json()), (503, {"status": "fail"}))


@override_settings(NZC_OPS_TOKEN=TOKEN, NZC_WORKER_STALE_SECONDS=60)
class HealthWithBrokerTest(BrokerMode, CastTestCase):
    def checks(self):
        response = self.client.get("/health/?format=json", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        return response.status_code, response.json()["checks"]

    def test_a_stale_worker_heartbeat_and_a_missing_beat_are_named(self):
        heartbeat_record(WORKER, at=timezone.now() - datetime.timedelta(seconds=300))
        heartbeat_record(BEAT)
        status, checks = self.checks()
        self.assertEqual(status, 503)
        self.assertEqual(checks["worker"]["message"], "Unavailable: worker last seen 300 s ago")
        self.assertTrue(checks["beat"]["ok"])
        heartbeat_record(WORKER)
        status, checks = self.checks()
        self.assertTrue(checks["worker"]["ok"], checks)

    @override_settings(NZC_QUEUE_MAX_WAIT_SECONDS=60, NZC_OUTBOX_MAX_AGE_SECONDS=60)
    def test_an_old_queued_job_and_an_outbox_backlog_are_named(self):
        heartbeat_record(WORKER)
        heartbeat_record(BEAT)
        job = jobs.import_job_create(actor=self.dave, upload=SimpleUploadedFile("a.csv", csv_file(household_rows(4))),
                                     mode="all_or_nothing")
        type(job).objects.filter(pk=job.pk).update(queued_at=timezone.now() - datetime.timedelta(seconds=600))
        message = OutboxMessage.objects.create(task_name="x.y", args=[])
        OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - datetime.timedelta(seconds=120))
        status, checks = self.checks()
        self.assertEqual(status, 503)
        self.assertRegex(checks["queues"]["message"], r"imports waits 6\d\d s")
        self.assertRegex(checks["outbox"]["message"], r"1 tasks unsent, the oldest for 1\d\d s")


@override_settings(NZC_OPS_TOKEN=TOKEN, NZC_METRICS_ALLOW=["10.1.2.0/24"])
class MetricsTest(CastTestCase):
    def scrape(self):
        response = self.client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_no_anonymous_scrape(self):
        self.assertEqual(self.client.get("/metrics").status_code, 403)
        self.login(self.dave)
        self.assertEqual(self.client.get("/metrics").status_code, 403)

    def test_an_allowed_address_an_administrator_and_the_token_may_scrape(self):
        self.assertEqual(self.client.get("/metrics", REMOTE_ADDR="10.1.2.9").status_code, 200)
        self.assertEqual(self.client.get("/metrics", REMOTE_ADDR="10.1.3.9").status_code, 403)
        self.login(self.root)
        self.assertEqual(self.client.get("/metrics").status_code, 200)

    def test_django_prometheus_counts_requests_and_queries(self):
        text = self.scrape()
        self.assertIn("django_http_requests_before_middlewares_total", text)
        self.assertIn("django_db_execute_total", text)

    def test_the_job_metrics_move_when_an_import_runs(self):
        before = self.scrape()
        self.assertIsNone(metric(before, "nzc_jobs", kind="imports", state="done"))
        rows_before = metric(before, "nzc_import_rows_written_total")
        job = jobs.import_job_create(actor=self.dave, upload=SimpleUploadedFile("a.csv", csv_file(household_rows(8))),
                                     mode="all_or_nothing")
        self.assertEqual(metric(self.scrape(), "nzc_jobs", kind="imports", state="queued"), 1)
        job = jobs.import_job_start(job=job, actor=self.dave, run=False)
        job = jobs.import_job_start(job=job, actor=self.dave, run=True)
        self.assertEqual(job.state, "done")
        after = self.scrape()
        self.assertEqual(metric(after, "nzc_jobs", kind="imports", state="done"), 1)
        self.assertEqual(metric(after, "nzc_import_rows_written_total"), rows_before + 8)
        self.assertGreater(metric(after, "nzc_import_rows_per_second"), 0)
        self.assertIsNotNone(metric(after, "nzc_outbox_unsent"))
        self.assertEqual(metric(after, "nzc_heartbeat_age_seconds", part="worker"), -1)
        self.assertIsNotNone(metric(after, "nzc_bulletin_render_seconds_count"))
