"""A real Celery worker on the local Redis makes the bulletin of a past period fired from beat's entry.

The worker is a subprocess pointed at this test's database (committed data: TransactionTestCase) and
at a Redis database of its own (TEST_REDIS_URL, default redis://127.0.0.1:6379/14). The test sends
the task named by beat's schedule entry for 2012年10月中旬, waits for the city bulletin's PDF and reads
its text back with pypdf.
"""

import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase, override_settings
from pypdf import PdfReader

from nongzhuancheng.celery import app
from reports.models import Bulletin
from tests.base import CastTestCase
from tests.households.worker_helpers import queues
from tests.reports.test_bulletin_scenario import PERIOD, build_scenario

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
TIMEOUT = 180  # seconds for the worker to issue the city bulletin


def database_url():
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.celery_worker
class WorkerBulletinTest(TransactionTestCase):
    receive = staticmethod(CastTestCase.receive)

    @classmethod
    def setUpClass(cls):
        if connection.vendor != "postgresql":
            raise pytest.skip.Exception(
                "the worker needs a database another process can share while the test runs: PostgreSQL "
                "(set DATABASE_URL; CI does)", _use_item_location=True)
        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            raise pytest.skip.Exception(f"no Redis at {REDIS_URL}: {exc}", _use_item_location=True) from exc
        super().setUpClass()

    def setUp(self):
        CastTestCase.setUpTestData.__func__(self)
        build_scenario(self)
        self.media = tempfile.mkdtemp(prefix="nzc-worker-")
        self.addCleanup(shutil.rmtree, self.media, True)
        self.log = Path(self.media, "worker.log")
        redis.Redis.from_url(REDIS_URL).flushdb()
        env = dict(os.environ, DATABASE_URL=database_url(), REDIS_URL=REDIS_URL, MEDIA_ROOT=self.media,
                   CELERY_TASK_ALWAYS_EAGER="false", CONN_MAX_AGE="0")
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "nongzhuancheng", "worker", "--pool=solo", "-Q", ",".join(queues()),
             "--loglevel=INFO", "-n", f"bulletin-test-{os.getpid()}@%h", "--without-gossip", "--without-mingle"],
            cwd=settings.BASE_DIR, env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
        )

    def tearDown(self):
        if self.worker.poll() is None:
            self.worker.terminate()
            try:
                self.worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait()
        redis.Redis.from_url(REDIS_URL).flushdb()

    def wait_for_city_bulletin(self):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            bulletin = Bulletin.objects.filter(scope="city").first()
            if bulletin is not None and bulletin.state in (Bulletin.State.ISSUED, Bulletin.State.FAILED):
                return bulletin
            if self.worker.poll() is not None:
                self.fail(f"the worker stopped:\n{self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)
        self.fail(f"no bulletin after {TIMEOUT} s:\n{self.log.read_text(errors='replace')[-3000:]}")

    def test_beats_entry_fired_for_a_past_period_gives_the_pdf_with_the_scenarios_figures(self):
        entry = app.conf.beat_schedule["bulletin-for-period-just-ended"]
        client = Celery("bulletin-test-client", broker=REDIS_URL)
        try:
            client.send_task(entry["task"], kwargs={"period": PERIOD.key})
        finally:
            client.close()

        bulletin = self.wait_for_city_bulletin()
        self.assertEqual(bulletin.state, Bulletin.State.ISSUED, bulletin.error)
        with override_settings(MEDIA_ROOT=self.media), bulletin.pdf.open("rb") as fh:
            text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(fh.read())).pages)
        self.assertIn("2012年第29期", text)
        self.assertIn("截至10月20日，全市累计转户7人，完成市下达任务的87.5%，是省下达任务的3.50倍", text)
        self.assertIn("本旬（10月11日至10月20日）全市转户4人，较上一旬增加1人", text)
        for name in ("昭阳区", "鲁甸县", "巧家县", "水富县"):
            self.assertIn(name, text)
        self.assertIn("鲁甸县（50.0%）完成率低于序时进度（80.3%）", text)
        self.assertIn("鲁甸县排名末位", text)
        # beat's task made one bulletin per scope: the city and the 11 counties
        self.assertEqual(Bulletin.objects.filter(year=2012, month=10, part=2).count(), 12)
