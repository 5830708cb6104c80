"""The worker's memory for one import of the largest file the limits allow (households/imports/limits.py).

A subprocess (a fresh interpreter, as a worker is) reads and validates a CSV just under
NZC_IMPORT_MAX_BYTES against the test database — the check a worker runs before the import — and
reports its peak resident memory (``VmHWM`` of /proc/self/status: the high-water mark of its own
memory — ``getrusage``'s ``ru_maxrss`` would carry the forking test process's size across the exec);
the test prints the figure and bounds it."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase

from households.imports.limits import max_bytes
from nongzhuancheng import roles
from tests.base import load_reference, make_user

ROOT = Path(__file__).resolve().parents[2]
BOUND_MB = 600  # measured about 400 MB (about 220 MB of it the interpreter and Django) on a 31 MB, 113,900-row CSV

CHILD = """
import json, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from households.imports.jobs import import_file
def high_water_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
data = open(sys.argv[1], "rb").read()
user = get_user_model().objects.get(username="memory_clerk")
base = high_water_mb()
t = time.perf_counter()
result = import_file(actor=user, name="largest.csv", data=data, mode="all_or_nothing", dry_run=True)
print(json.dumps({"rows": result.rows_read, "errors": result.rows_error, "seconds": time.perf_counter() - t,
                  "base_mb": base, "peak_mb": high_water_mb()}))
"""

MAKE = """
import sys
from tests.households.worker_helpers import HEADERS, household_rows
import csv
limit, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(HEADERS)
    start = 0
    while f.tell() < limit - 40_000:
        w.writerows(household_rows(100, start=start, station="53060201"))
        start += 100
"""


@pytest.mark.celery_worker  # a subprocess on the test database, like the worker tests
class ImportMemoryTest(TransactionTestCase):
    def test_the_check_of_the_largest_allowed_file_stays_under_the_bound(self):
        if connection.vendor != "postgresql":
            pytest.skip("the subprocess shares the test database: PostgreSQL only")
        load_reference()
        from nongzhuancheng.models import PoliceStation

        make_user("memory_clerk", roles.CLERK, station=PoliceStation.objects.get(code="53060201"))
        db = settings.DATABASES["default"]
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="nongzhuancheng.settings", PYTHONPATH=str(ROOT),
                   DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "largest.csv"
            subprocess.run([sys.executable, "-c", MAKE, str(max_bytes()), str(path)], cwd=ROOT, env=env, check=True,
                           timeout=300)
            size = path.stat().st_size
            self.assertLessEqual(size, max_bytes())
            self.assertGreater(path.stat().st_size, max_bytes() * 0.95)
            out = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=ROOT, env=env, capture_output=True,
                                 text=True, timeout=600)
        self.assertEqual(out.returncode, 0, out.stderr[-3000:])
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"\nimport check of the largest allowed CSV ({size} bytes, {figures['rows']} rows): peak {figures['peak_mb']:.0f} MB "
              f"(interpreter and Django {figures['base_mb']:.0f} MB), {figures['seconds']:.0f} s")
        self.assertEqual(figures["errors"], 0)
        self.assertLess(figures["peak_mb"], BOUND_MB)
