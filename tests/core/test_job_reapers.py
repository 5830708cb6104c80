"""Exports and bulletins whose worker died (their heartbeat stopped) are failed with a message the
user sees, within NZC_JOB_STALE_SECONDS; a job still waiting for a worker is left waiting; a job's
heartbeat goes on while its worker is busy (``nongzhuancheng.heartbeats.beating``)."""

import datetime
import time

from django.db import connection
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from households import export_jobs
from households.export_models import ExportJob
from nongzhuancheng.celery import app as celery_app
from nongzhuancheng.heartbeats import beating
from nongzhuancheng.periods import Period
from reports import services as bulletin_services
from reports.models import Bulletin
from tests.base import CastTestCase

STALE = datetime.timedelta(seconds=120)


@override_settings(NZC_JOB_STALE_SECONDS=60)
class ReapersTest(CastTestCase):
    def export(self, state, heartbeat_at):
        return ExportJob.objects.create(created_by=self.dave, kind="people", file_format="csv", state=state,
                                        heartbeat_at=heartbeat_at)

    def test_a_running_export_without_a_heartbeat_is_failed_and_the_page_says_so(self):
        now = timezone.now()
        dead = self.export("running", now - STALE)
        alive = self.export("running", now)
        waiting = self.export("queued", None)
        self.assertEqual(export_jobs.export_jobs_reap(), [dead.pk])
        dead.refresh_from_db()
        self.assertEqual(dead.state, "failed")
        self.assertIn("后台进程意外中止", dead.message)
        self.assertIn("请重新导出", dead.message)
        self.assertEqual([ExportJob.objects.get(pk=j.pk).state for j in (alive, waiting)], ["running", "queued"])
        self.assertEqual(export_jobs.export_jobs_reap(), [])  # once
        self.assertIsNone(export_jobs.export_job_run(job_id=dead.pk).file.name or None)  # a redelivery does nothing
        self.login(self.dave)
        self.assertContains(self.client.get(reverse("imports:export_job", args=[dead.pk])), "后台进程意外中止")

    def test_a_rendering_bulletin_without_a_heartbeat_is_failed_and_may_be_asked_for_again(self):
        period = Period(2012, 10, 2)
        bulletin, _ = bulletin_services.bulletin_request(period=period, actor=self.frank, enqueue=False)
        bulletin_services.bulletin_move(bulletin=bulletin, to="rendering", heartbeat_at=timezone.now() - STALE)
        fresh, _ = bulletin_services.bulletin_request(period=period, actor=self.frank, reissue=True, enqueue=False)
        bulletin_services.bulletin_move(bulletin=fresh, to="rendering", heartbeat_at=timezone.now())
        self.assertEqual(bulletin_services.bulletins_reap(), [bulletin.pk])
        bulletin.refresh_from_db()
        self.assertEqual(bulletin.state, "failed")
        self.assertIn("后台进程意外中止", bulletin.error)
        self.assertEqual(Bulletin.objects.get(pk=fresh.pk).state, "rendering")
        Bulletin.objects.filter(pk=fresh.pk).delete()
        again, created = bulletin_services.bulletin_request(period=period, actor=self.frank, enqueue=False)
        self.assertTrue(created)  # the failed bulletin does not stand in the way of a new one
        self.assertNotEqual(again.pk, bulletin.pk)

    def test_beat_runs_the_reapers(self):
        tasks = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
        self.assertLessEqual({"households.tasks.import_jobs_reap_task", "households.tasks.export_jobs_reap_task",
                              "reports.tasks.bulletins_reap_task"}, tasks)


@override_settings(NZC_JOB_STALE_SECONDS=2)
class BeatingTest(TransactionTestCase):
    def test_a_busy_job_keeps_beating_from_its_own_thread(self):
        if connection.vendor != "postgresql":
            self.skipTest("the heartbeat thread writes on PostgreSQL only")
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user("exporter")
        job = ExportJob.objects.create(created_by=user, kind="people", file_format="csv", state="running")
        with beating(ExportJob.objects.filter(pk=job.pk)):
            first = ExportJob.objects.get(pk=job.pk).heartbeat_at
            time.sleep(1.3)  # a step without progress reports, longer than a quarter of the stale time
            later = ExportJob.objects.get(pk=job.pk).heartbeat_at
        self.assertIsNotNone(first)
        self.assertGreater(later, first)
        self.assertEqual(export_jobs.export_jobs_reap(), [])
