"""The worker's memory for one import of the largest files the limits allow (households/imports/limits.py).

Two files: a CSV just under NZC_IMPORT_MAX_BYTES, and an .xlsx that unpacks to just under
NZC_IMPORT_MAX_UNCOMPRESSED_BYTES (the first sheet, as Excel writes it: shared strings; its reader
holds the sheet whole). Each is kept as a job, then checked (the preview)
and imported (the confirm: what the preview validated is read back and written with COPY) in two
subprocesses — fresh interpreters, as a worker's tasks are — against the test database. Each
reports its peak resident memory (``VmHWM`` of /proc/self/status: the high-water mark of its own
memory — ``getrusage``'s ``ru_maxrss`` would carry the forking test process's size across the
exec); the test prints the figures and bounds them."""

import csv
import itertools
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from households.import_models import ImportJob
from households.imports.jobs import import_job_create
from households.imports.limits import max_bytes, max_rows, max_uncompressed
from households.models import Person
from nongzhuancheng import roles
from tests.base import load_reference, make_user
from tests.households.worker_helpers import HEADERS, household_rows

ROOT = Path(__file__).resolve().parents[2]
# One bound for either phase of either file; the figures measured are in README ("Faults and recovery").
BOUND_MB = 650

CHILD = """
import json, sys, time
import django
django.setup()
from households.import_models import ImportJob
from households.imports.jobs import import_job_check, import_job_run, job_move
def high_water_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
phase, job_id = sys.argv[1], int(sys.argv[2])
job = ImportJob.objects.select_related("created_by").get(pk=job_id)
if phase == "write":
    job_move(job, "confirm", actor=job.created_by)
base = high_water_mb()
t = time.perf_counter()
job = (import_job_check if phase == "check" else import_job_run)(job_id=job_id)
print(json.dumps({"state": job.state, "message": job.message, "rows": job.rows_read, "errors": job.rows_error,
                  "written": job.rows_written, "timings": job.timings, "seconds": time.perf_counter() - t, "base_mb": base,
                  "peak_mb": high_water_mb()}))
"""


def _rows(count, *, stop=None):
    """Valid rows in households of four, 100 at a time, until ``count`` rows or ``stop()``."""
    start = 0
    while start < count and not (stop and stop()):
        yield from household_rows(min(100, count - start), start=start, station="53060201")
        start += 100


def largest_csv(path):
    """A CSV of valid rows just under NZC_IMPORT_MAX_BYTES."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADERS)
        w.writerows(_rows(10 ** 9, stop=lambda: f.tell() >= max_bytes() - 40_000))


def _column(i):
    return chr(ord("A") + i) if i < 26 else "A" + chr(ord("A") + i - 26)


def largest_xlsx(path):
    """An .xlsx of valid rows that unpacks to just under NZC_IMPORT_MAX_UNCOMPRESSED_BYTES (at most
    NZC_IMPORT_MAX_ROWS rows), written as raw XML (openpyxl takes minutes for this): one sheet, every
    text in the shared strings table, as Excel writes it."""
    strings: dict[str, int] = {}
    unpacked = [4096]  # the small parts and the tags around the rows and the strings
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
        zf.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        zf.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="导入数据" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        zf.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
        columns = [_column(i) for i in range(len(HEADERS))]
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns='
                        b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            full = lambda: unpacked[0] >= max_uncompressed() - 200_000  # noqa: E731
            for n, values in enumerate(itertools.chain([HEADERS], _rows(max_rows(), stop=full)), start=1):
                cells = []
                for c, v in zip(columns, values, strict=True):
                    if v == "":
                        continue
                    if v not in strings:
                        strings[v] = len(strings)
                        unpacked[0] += len(f"<si><t>{escape(v)}</t></si>".encode())
                    cells.append(f'<c r="{c}{n}" t="s"><v>{strings[v]}</v></c>')
                line = f'<row r="{n}">{"".join(cells)}</row>'.encode()
                unpacked[0] += len(line)
                sheet.write(line)
            sheet.write(b"</sheetData></worksheet>")
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as sst:
            sst.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.'
                      f'openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
                      f'uniqueCount="{len(strings)}">'.encode())
            for text in strings:
                sst.write(f"<si><t>{escape(text)}</t></si>".encode())
            sst.write(b"</sst>")


def _run(phase, job_id, env):
    out = subprocess.run([sys.executable, "-c", CHILD, phase, str(job_id)], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _job(name, data, settings, tmp_path):
    """A job of the file kept by a clerk, and the environment of the subprocesses that run it."""
    load_reference()
    from nongzhuancheng.models import PoliceStation

    settings.MEDIA_ROOT = tmp_path  # the job's files, where the subprocesses find them
    clerk = make_user("memory_clerk", roles.CLERK, station=PoliceStation.objects.get(code="53060201"))
    job = import_job_create(actor=clerk, upload=SimpleUploadedFile(name, data), mode=ImportJob.Mode.ALL_OR_NOTHING)
    db = settings.DATABASES["default"]
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="nongzhuancheng.settings", PYTHONPATH=str(ROOT),
               MEDIA_ROOT=str(tmp_path), CELERY_TASK_ALWAYS_EAGER="0",  # follow-up work queued, as a worker's is
               DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}")
    return job, env


def _figures(run):
    steps = ", ".join(f"{k} {v:.0f} s" for k, v in run["timings"].items() if v >= 1)
    return f"peak {run['peak_mb']:.0f} MB in {run['seconds']:.0f} s ({steps})"


pytestmark = [
    pytest.mark.celery_worker,  # subprocesses on the test database, like the worker tests
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the subprocesses share the test database: PostgreSQL only")


def test_the_check_and_the_write_of_the_largest_allowed_csv_stay_under_the_bound(settings, tmp_path):
    path = tmp_path / "largest.csv"
    largest_csv(path)
    data = path.read_bytes()
    assert max_bytes() * 0.95 < len(data) <= max_bytes()
    job, env = _job("largest.csv", data, settings, tmp_path)
    del data

    check = _run("check", job.pk, env)
    assert (check["state"], check["errors"]) == (ImportJob.State.CHECKED, 0), check["message"]
    write = _run("write", job.pk, env)
    assert write["state"] == ImportJob.State.DONE, write["message"]
    print(f"\nlargest allowed CSV ({path.stat().st_size} bytes, {check['rows']} rows; interpreter and Django "
          f"{check['base_mb']:.0f} MB): check {_figures(check)}; write {_figures(write)}")
    assert write["written"] == Person.objects.count() == check["rows"]
    assert check["peak_mb"] < BOUND_MB
    assert write["peak_mb"] < BOUND_MB


def test_the_check_and_the_write_of_the_largest_allowed_xlsx_stay_under_the_bound(settings, tmp_path):
    path = tmp_path / "largest.xlsx"
    largest_xlsx(path)
    unpacked = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    assert max_uncompressed() * 0.98 < unpacked <= max_uncompressed()
    assert path.stat().st_size <= max_bytes()
    job, env = _job("largest.xlsx", path.read_bytes(), settings, tmp_path)

    check = _run("check", job.pk, env)
    assert (check["state"], check["errors"]) == (ImportJob.State.CHECKED, 0), check["message"]
    write = _run("write", job.pk, env)
    assert write["state"] == ImportJob.State.DONE, write["message"]
    print(f"\nlargest allowed xlsx ({path.stat().st_size} bytes, {unpacked} unpacked, {check['rows']} rows; "
          f"interpreter and Django {check['base_mb']:.0f} MB): check {_figures(check)}; write {_figures(write)}")
    assert write["written"] == Person.objects.count() == check["rows"] <= max_rows()
    assert check["peak_mb"] < BOUND_MB
    assert write["peak_mb"] < BOUND_MB


def test_a_workbook_over_the_unpacked_limit_is_refused_naming_the_limit(settings, tmp_path):
    """One row past the limit: refused before anything reads it, with the limit in the message."""
    settings.NZC_IMPORT_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    path = tmp_path / "large.xlsx"
    largest_xlsx(path)
    settings.NZC_IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    from households.imports.limits import ImportRefused

    job_data = path.read_bytes()
    with pytest.raises(ImportRefused, match="超过上限 1 MB。请拆分"):
        _job("large.xlsx", job_data, settings, tmp_path)
