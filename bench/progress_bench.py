"""Progress queries at 1.55 million transferred people on PostgreSQL.

    .venv/bin/python bench/progress_bench.py [--db nzc_bench] [--persons 1550000] [--runs 9] [--keep]

Creates a fresh database (default nzc_bench on 127.0.0.1:5432, user postgres), migrates, loads the
reference data and the 2012 demo generator's transfers, ALL in one year (the worst case for the
year-to-date counts: the whole 2012–2020 goal of 1.55 million in 2012), then times the city dashboard
(county_progress) and a county drill-down (station_progress + category_progress + period_series),
and prints the median of several runs. With --keep an existing loaded database is reused.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fresh_database(name, host):
    import psycopg

    with psycopg.connect(f"postgresql://postgres@{host}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def load_people(persons):
    """Migrate, load the reference data and ``persons`` transferred people of the 2012 demo year, all
    in 2012 (Django must be set up on the target database). Shared with bench/list_bench.py."""
    from django.core.management import call_command
    from django.db import connection

    from demo import year2012

    call_command("migrate", verbosity=0)
    call_command("loaddata", "fixtures/reference.json", verbosity=0)
    started = time.perf_counter()
    after = persons * 45_000 // (year2012.REPORT_TOTAL + 45_000)
    created = year2012.seed_2012(scale=year2012.FULL, by_report_day=persons - after, after=after)
    load_s = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(f"loaded {created:,} transferred persons in {load_s:.0f} s ({created / load_s:,.0f} persons/s, "
          "with their households, applications and events, by COPY)")


def median_ms(fn, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), max(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="nzc_bench")
    parser.add_argument("--host", default="127.0.0.1:5432")
    parser.add_argument("--persons", type=int, default=1_550_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--keep", action="store_true", help="reuse an already loaded database")
    args = parser.parse_args()

    if not args.keep:
        fresh_database(args.db, args.host)
    os.environ["DATABASE_URL"] = f"postgres://postgres@{args.host}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nongzhuancheng.settings")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.db import connection

    from households.models import Person
    from nongzhuancheng.models import County
    from quotas import selectors

    if not args.keep or not Person.objects.exists():
        load_people(args.persons)

    as_of = datetime.date(2012, 10, 20)
    total = Person.objects.filter(completed_on__isnull=False).count()
    county = County.objects.get(code="530627")  # 镇雄县, the largest
    print(f"persons counted: {total:,}; PostgreSQL {connection.pg_version}; median of {args.runs} runs (min–max)")

    def city():
        return selectors.county_progress(year=2012, as_of=as_of)

    def drill():
        selectors.station_progress(county=county, year=2012, as_of=as_of)
        selectors.category_progress(year=2012, as_of=as_of, county=county)
        selectors.period_series(year=2012, as_of=as_of, county=county)

    def city_year_end():
        return selectors.county_progress(year=2012, as_of=datetime.date(2012, 12, 31))

    def city_page_extras():
        selectors.period_series(year=2012, as_of=as_of)
        selectors.category_progress(year=2012, as_of=as_of)

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from demo.factories import UserFactory

    reader = get_user_model().objects.filter(username="bench-admin").first() or UserFactory(
        username="bench-admin", superuser=True)
    client = Client()
    client.force_login(reader)

    def page():
        response = client.get("/progress/?year=2012&as_of=2012-10-20")
        assert response.status_code == 200, response.status_code

    city()  # warm the cache
    for label, fn in (
        ("city dashboard query, county_progress (as of 2012-10-20)", city),
        ("city dashboard query, county_progress (as of 2012-12-31, every row)", city_year_end),
        ("rest of the city page: period_series + category_progress (city)", city_page_extras),
        ("county drill-down: station + category + period_series (镇雄县)", drill),
        ("whole city dashboard page, HTML with charts (/progress/?year=2012&as_of=2012-10-20)", page),
    ):
        med, lo, hi = median_ms(fn, args.runs)
        print(f"{label}: {med:.0f} ms ({lo:.0f}–{hi:.0f})")


if __name__ == "__main__":
    main()
