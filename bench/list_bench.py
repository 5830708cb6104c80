"""Lists and exports at 1.55 million transferred people on PostgreSQL.

    .venv/bin/python bench/list_bench.py [--db nzc_bench] [--persons 1550000] [--keep] [--port 8110]
                                         [--duration 10] [--connections 8] [--no-trgm] [--no-exports]

Loads the people as bench/progress_bench.py does (reused with --keep), applies the migrations (the
name prefix indexes), then, in one run:
- serves the site with gunicorn (2 workers) and loads it with wrk (8 connections): a trivial
  authenticated endpoint (/api/v1/me/) beside the county officer's application list (镇雄县): page 1,
  page 2,000 (by its cursor), a name search (?q=张伟) and an ID number search;
- the name search in SQL: the prefix index (LIKE '张伟%') against a pg_trgm GIN index (LIKE '%张伟%');
- the county's people as CSV through the background export, against COPY (the same columns) TO STDOUT;
- 100,000 applications as xlsx through the same writer.
Every figure is printed beside its reference and its target.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from progress_bench import fresh_database, load_people  # noqa: E402

COUNTY = "530627"  # 镇雄县, the largest


def wrk(url, token, *, duration, connections):
    """(requests/s, p50 ms, p99 ms) of wrk against ``url``."""
    out = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--latency", "-H", f"Authorization: Token {token}", url],
        capture_output=True, text=True, check=True,
    ).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"{url}: non-2xx answers\n{out}")

    def ms(label):
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rps, ms("50%"), ms("99%")


def timed_s(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def sql_ms(cursor, sql, params, runs=9):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def wait_for(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # answering (401 without a token)
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer at {url}")


def trgm_bench(connection, name, prefix, prefix_rows):
    """The prefix B-tree against a pg_trgm GIN index built for the comparison (then dropped)."""
    with connection.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        started = time.perf_counter()
        cur.execute("CREATE INDEX IF NOT EXISTS bench_person_name_trgm ON households_person "
                    "USING gin (name gin_trgm_ops)")
        trgm_build = time.perf_counter() - started
        cur.execute("ANALYZE households_person")
        trgm2 = sql_ms(cur, "SELECT application_id FROM households_person WHERE name LIKE %s", ["%" + name + "%"], 3)
        trgm3 = sql_ms(cur, "SELECT application_id FROM households_person WHERE name LIKE %s", ["%张伟明%"], 3)
        cur.execute("SELECT count(*) FROM households_person WHERE name LIKE %s", ["%" + name + "%"])
        trgm_rows = cur.fetchone()[0]
        cur.execute("SELECT pg_size_pretty(pg_relation_size('bench_person_name_trgm')), "
                    "pg_size_pretty(pg_relation_size('person_name_prefix'))")
        trgm_size, prefix_size = cur.fetchone()
        cur.execute("DROP INDEX bench_person_name_trgm")
    print(f"name search in SQL, {name}: prefix index LIKE '{name}%' {prefix:.1f} ms ({prefix_rows:,} rows, "
          f"index {prefix_size}); pg_trgm GIN LIKE '%{name}%' {trgm2:.1f} ms ({trgm_rows:,} rows; a two-character "
          f"pattern has no trigram, so the GIN index cannot serve it), '%张伟明%' {trgm3:.1f} ms "
          f"(index {trgm_size}, built in {trgm_build:.0f} s)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="nzc_bench")
    parser.add_argument("--host", default="127.0.0.1:5432")
    parser.add_argument("--persons", type=int, default=1_550_000)
    parser.add_argument("--keep", action="store_true", help="reuse an already loaded database")
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the wrk runs (median shown)")
    parser.add_argument("--no-trgm", action="store_true", help="skip building the pg_trgm index to compare")
    parser.add_argument("--no-exports", action="store_true", help="the API's lists only, not the exports")
    args = parser.parse_args()

    if not args.keep:
        fresh_database(args.db, args.host)
    database_url = f"postgres://postgres@{args.host}/{args.db}"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nongzhuancheng.settings")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from demo.factories import UserFactory
    from households import export_jobs
    from households.export_lists import export_rows
    from households.export_models import ExportJob
    from households.models import Person, TransferApplication
    from nongzhuancheng import exports, roles
    from nongzhuancheng.models import County

    if not args.keep or not Person.objects.exists():
        load_people(args.persons)
    call_command("migrate", verbosity=0)  # the search indexes on a database loaded before them
    with connection.cursor() as cur:
        cur.execute("ANALYZE households_person; ANALYZE households_household; ANALYZE households_transferapplication")

    county = County.objects.get(code=COUNTY)
    officer = UserFactory._meta.model.objects.filter(username="bench-zx").first() or UserFactory(
        username="bench-zx", post=roles.COUNTY_OFFICER, post__county=county)
    admin = UserFactory._meta.model.objects.filter(username="bench-admin").first() or UserFactory(
        username="bench-admin", superuser=True)
    token = Token.objects.get_or_create(user=officer)[0].key
    people = Person.objects.count()
    county_apps = TransferApplication.objects.filter(county=county).count()
    county_people = Person.objects.filter(county=county).count()
    print(f"people: {people:,}; {county.name}: {county_apps:,} applications, {county_people:,} people; "
          f"PostgreSQL {connection.pg_version}")

    # the name search in SQL: prefix B-tree against pg_trgm ------------------------------------------
    name = "张伟"
    with connection.cursor() as cur:
        prefix = sql_ms(cur, "SELECT application_id FROM households_person WHERE name LIKE %s", [name + "%"])
        cur.execute("SELECT count(*) FROM households_person WHERE name LIKE %s", [name + "%"])
        prefix_rows = cur.fetchone()[0]
    if args.no_trgm:
        print(f"name search in SQL, {name}: prefix index LIKE '{name}%' {prefix:.1f} ms ({prefix_rows:,} rows; "
              "pg_trgm not built: --no-trgm)")
    else:
        trgm_bench(connection, name, prefix, prefix_rows)

    # the application list API under gunicorn ----------------------------------------------------------
    ids = TransferApplication.objects.filter(county=county).order_by("-id").values_list("id", flat=True)
    depth = min(1999 * 50, county_apps - 50)
    after = ids[depth - 1]
    page_label = f"page {depth // 50 + 1:,}"
    id_number = Person.objects.filter(county=county).values_list("id_number", flat=True)[1000]
    base = f"http://127.0.0.1:{args.port}"
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0", "SECRET_KEY": "bench-only-secret-key-" * 3,
           "ALLOWED_HOSTS": "127.0.0.1", "REDIS_URL": "", "CELERY_TASK_ALWAYS_EAGER": "1", "LOG_LEVEL": "ERROR",
           # the API's throttle (600 requests a minute a user) would answer 429 within the first second
           "NZC_API_RATE_USER": "10000000/min"}
    # a second site, the same but for the list's JSON statement planned on every request
    # (DB_PREPARED_STATEMENTS=0): the reference of the prepared statement's gain; idle while the
    # first is loaded
    unprepared = f"http://127.0.0.1:{args.port + 1}"
    sites = [subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "nongzhuancheng.wsgi:application", f"--bind=127.0.0.1:{port}",
         "--workers=2", "--log-level=warning"], env={**env, **extra}, cwd=ROOT)
        for port, extra in ((args.port, {}), (args.port + 1, {"DB_PREPARED_STATEMENTS": "0"}))]
    try:
        wait_for(base + "/api/v1/me/")
        wait_for(unprepared + "/api/v1/me/")
        targets = (
            ("trivial endpoint /api/v1/me/", base + "/api/v1/me/"),
            ("application list, page 1", base + "/api/v1/applications/"),
            (f"application list, {page_label} (?after=)", base + f"/api/v1/applications/?after={after}"),
            (f"name search ?q={name}", base + "/api/v1/applications/?q=" + urllib.parse.quote(name)),
            ("ID number search ?q=<18 digits>", base + f"/api/v1/applications/?q={id_number}"),
            ("application list, page 1, its JSON statement not prepared", unprepared + "/api/v1/applications/"),
        )
        for _label, url in targets:  # a short warm-up run of each
            wrk(url, token, duration=2, connections=args.connections)
        # interleaved rounds: on a shared machine a burst of other work then falls on every path alike,
        # not on whichever ran at that moment; the median of the rounds is shown
        rounds = {label: [] for label, _path in targets}
        for _round in range(args.rounds):
            for label, url in targets:
                rounds[label].append(wrk(url, token, duration=args.duration, connections=args.connections))
        run = {}
        for label, results in rounds.items():
            run[label] = tuple(statistics.median(r[i] for r in results) for i in range(3))
            rps, p50, p99 = run[label]
            print(f"{label}: {rps:.0f} requests/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms "
                  f"(median of {args.rounds} rounds; requests/s {', '.join(f'{r[0]:.0f}' for r in results)})")
        # one connection: a request's own latency, without the queue of 8 connections on 2 workers
        alone = wrk(targets[3][1], token, duration=args.duration, connections=1)
        print(f"name search ?q={name}, 1 connection: {alone[0]:.0f} requests/s, p50 {alone[1]:.1f} ms, "
              f"p99 {alone[2]:.1f} ms")
    finally:
        for site in sites:
            site.terminate()
        for site in sites:
            site.wait(timeout=30)
    trivial, first, deep, search, by_id, planned = run.values()
    print(f"list page 1 / trivial endpoint: {first[0] / trivial[0]:.2f} of its requests/s (target ≥ 0.50); "
          f"with its JSON statement planned on every request {planned[0] / trivial[0]:.2f}")
    print(f"{page_label} / page 1: {deep[0] / first[0]:.2f} of its requests/s, p50 {deep[1] / first[1]:.2f}× "
          "(target within 20 %)")
    print(f"name search p99: {search[2]:.1f} ms with {args.connections} connections (target < 50 ms), "
          f"{alone[2]:.1f} ms alone; ID number search p99: {by_id[2]:.1f} ms")

    if args.no_exports:
        return

    # exports ------------------------------------------------------------------------------------------
    rows, columns = export_rows(user=officer, kind="people", filters={})
    plan = exports._value_plan(Person, columns)
    sql, params = rows.values_list(*[p[0] for p in plan]).query.sql_with_params()
    import psycopg

    out = Path(tempfile.mkdtemp(prefix="nzc-list-bench-"))
    try:
        def copy():
            with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as conn:
                statement = psycopg.ClientCursor(conn).mogrify(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params)
                with conn.cursor().copy(statement) as data, open(out / "copy.csv", "wb") as fh:
                    for chunk in data:
                        fh.write(chunk)

        copy_s, _ = timed_s(copy)
        job = ExportJob.objects.create(created_by=officer, kind="people", file_format="csv")
        export_s, job = timed_s(lambda: export_jobs.export_job_run(job_id=job.pk))
        print(f"{county.name} people CSV ({job.rows_written:,} rows): background export {export_s:.1f} s, "
              f"COPY (the same columns) TO STDOUT {copy_s:.1f} s: {export_s / copy_s:.1f}× (target ≤ 5×)")

        applications, columns = export_rows(user=admin, kind="applications", filters={})
        hundred_k = applications[:100_000]

        def xlsx():
            return exports.write_file(out / "applications.xlsx", exports.stream_table(hundred_k, columns), "xlsx",
                                      sheet_title="applications")

        xlsx_s, written = timed_s(xlsx)
        print(f"xlsx export of {written:,} applications: {xlsx_s:.1f} s (target < 60 s)")
        job.file.delete(save=False)
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
