"""Files for the import tests (made here with openpyxl and csv) and a real Celery worker."""

import csv
import datetime
import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from households import ids

HEADERS = ["县区", "派出所编号", "户号", "户别", "户主姓名", "乡镇", "村（社区）", "住址", "姓名", "公民身份号码",
           "性别", "出生日期", "民族", "文化程度", "婚姻状况", "与户主关系", "联系电话", "职业", "转户类别",
           "迁入城镇地址", "办理状态", "受理日期", "办结日期"]
COL = {h: i for i, h in enumerate(HEADERS)}


def row(*, county="昭阳区", station="53060201", household="H0001", name="张三", id_number=None, area="530602",
        birth=datetime.date(1985, 3, 14), seq=11, relation="户主", category="进城务工经商人员", status="办结",
        received="2012-06-11", completed="2012-06-12", **extra):
    """One valid row (a 2012 transfer at 昭阳区城区派出所 unless told otherwise)."""
    number = id_number if id_number is not None else ids.make(area, birth, seq)
    values = {
        "县区": county, "派出所编号": station, "户号": household, "户别": "农业家庭户", "户主姓名": "张大山",
        "乡镇": "北闸镇", "村（社区）": "塘房村", "住址": "北闸镇塘房村12号", "姓名": name, "公民身份号码": number,
        "性别": "", "出生日期": "", "民族": "汉族", "文化程度": "初级中学", "婚姻状况": "已婚",
        "与户主关系": relation, "联系电话": "13887000000", "职业": "务工", "转户类别": category,
        "迁入城镇地址": "昭阳区凤凰街道龙泉路1号", "办理状态": status, "受理日期": received, "办结日期": completed,
    }
    values.update(extra)
    return [values[h] for h in HEADERS]


def household_rows(n, *, start=0, station="53060201", county="昭阳区", area="530602", status="办结"):
    """``n`` valid people in households of four."""
    rows = []
    for i in range(start, start + n):
        h = i // 4
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=i % 15000)
        rows.append(row(county=county, station=station, household=f"H{h:06d}", name=f"转户人{i}",
                        id_number=ids.make(area, birth, (i // 15000 * 2 + 1) % 1000),
                        relation="户主" if i % 4 == 0 else "子女", status=status,
                        completed="2012-06-12" if status == "办结" else ""))
    return rows


def csv_file(rows, headers=HEADERS, encoding="utf-8"):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_file(rows, headers=HEADERS):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def zip_bomb():
    """An .xlsx-looking zip whose sheet inflates to 400 MB of zeros (written in chunks)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            chunk = b"0" * (1024 * 1024)
            for _ in range(400):
                f.write(chunk)
    return out.getvalue()


def xlsm_like():
    """A workbook carrying a VBA project (what Excel saves as .xlsm), under an .xlsx name."""
    data = io.BytesIO(xlsx_file([row()]))
    out = io.BytesIO()
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"\x00VBA")
    return out.getvalue()


def ole_encrypted():
    """What Excel writes for a password-protected workbook: an OLE2 compound file (CFB header)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    return header + b"\x00" * (512 - len(header)) + b"EncryptedPackage".ljust(512, b"\x00")


def malformed_xlsx():
    """A zip with the right names whose sheet XML is cut off half-way."""
    data = io.BytesIO(xlsx_file([row()]))
    out = io.BytesIO()
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            dst.writestr(item, content)
    return out.getvalue()


def queues():
    """Every queue of CELERY_TASK_ROUTES and the default one: the test worker consumes them all."""
    from django.conf import settings

    return sorted({route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
                  | {settings.CELERY_TASK_DEFAULT_QUEUE})


class Worker:
    """A real ``celery worker`` subprocess on the test database and a Redis DB of our own."""

    def __init__(self, redis_url, database_name):
        self.redis_url = redis_url
        self.database_name = database_name
        self.process = None

    def __enter__(self):
        from django.conf import settings

        db = settings.DATABASES["default"]
        env = dict(os.environ)
        env.update({
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{self.database_name}",
            "REDIS_URL": self.redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "DJANGO_SETTINGS_MODULE": "nongzhuancheng.settings",
        })
        root = Path(__file__).resolve().parents[2]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "nongzhuancheng", "worker", "--pool=solo", "--concurrency=1",
             "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-Q", ",".join(queues())],
            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        return self

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def output(self):
        if self.process and self.process.poll() is not None and self.process.stdout:
            return self.process.stdout.read().decode(errors="replace")
        return ""


def wait_for(predicate, timeout=120, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None
