"""Statistics cross-tables at 1.55 million transferred people on PostgreSQL.

    .venv/bin/python bench/insights_bench.py [--db nzc_insights_bench] [--persons 1550000] [--runs 5] [--keep]

Loads the people as bench/progress_bench.py does (the 2012 demo generator, all in 2012), opens the
entitlements of 1 in 10 bulk applications (``seed_demo_entitlements``, as the demo does; the others
count as "no case"), then times ``insights.selectors.cross_table`` for the city and for a county:
age band × pension-guarantee state (a join with the guarantee cases), sex × category (the completion
rollup), income band × employment (the people and their households), and the people list of one cell.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from progress_bench import fresh_database, load_people, median_ms  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="nzc_insights_bench")
    parser.add_argument("--host", default="127.0.0.1:5432")
    parser.add_argument("--persons", type=int, default=1_550_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse an already loaded database")
    args = parser.parse_args()

    if not args.keep:
        fresh_database(args.db, args.host)
    os.environ["DATABASE_URL"] = f"postgres://postgres@{args.host}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nongzhuancheng.settings")
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from households.models import Person

    call_command("migrate", verbosity=0)
    if not args.keep or not Person.objects.exists():
        load_people(args.persons)
    with connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM entitlements_guaranteecase)")
        opened = cur.fetchone()[0]
    if not opened:  # a fresh load, or a database another bench loaded (--keep): users and cases as the demo
        started = time.perf_counter()
        call_command("seed_demo_users", verbosity=0)
        call_command("seed_demo_entitlements", verbosity=0)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
        print(f"entitlements opened in {time.perf_counter() - started:.0f} s")

    from django.contrib.auth import get_user_model

    from insights import selectors
    from nongzhuancheng.models import County

    users = get_user_model().objects
    city = users.get(username="city")
    county_user = users.get(username="county_zhenxiong")
    total = Person.objects.filter(completed_on__isnull=False).count()
    cases = connection.cursor()
    cases.execute("SELECT count(*) FROM entitlements_guaranteecase WHERE kind = 'pension'")
    pension = cases.fetchone()[0]
    print(f"persons: {total:,}; pension cases: {pension:,}; PostgreSQL {connection.pg_version}; "
          f"median of {args.runs} runs (min–max)")
    year = {"year": 2012}
    zhenxiong = County.objects.get(code="530627")
    for label, user, rows, cols, filters in [
        ("city, age band × pension state", city, "age_band", "guarantee_pension", year),
        ("city, sex × category (rollup)", city, "sex", "category", year),
        ("city, region (counties) × age band (rollup)", city, "region", "age_band", year),
        ("city, region (counties) × category (daily rollup)", city, "region", "category", year),
        ("city, income band × employment", city, "income_band", "employment", year),
        ("city, education × housing state", city, "education", "guarantee_housing", year),
        ("镇雄县 officer, age band × pension state", county_user, "age_band", "guarantee_pension", year),
        ("镇雄县 officer, region (stations) × farmland retention", county_user, "region", "retention_farmland", year),
    ]:
        table = selectors.cross_table(user=user, rows=rows, cols=cols, filters=filters)
        med, lo, hi = median_ms(lambda u=user, r=rows, c=cols, f=filters: selectors.cross_table(
            user=u, rows=r, cols=c, filters=f), args.runs)
        print(f"{label}: {med:,.0f} ms ({lo:,.0f}–{hi:,.0f}); total {table.total:,} via {table.source}")
    cell = {"age_band": "60+", "guarantee_pension": "none"}
    people = selectors.people_of(user=city, filters={**year, "county": zhenxiong.pk}, cell=cell)
    med, lo, hi = median_ms(lambda: list(people.order_by("id")[:50]), args.runs)
    print(f"people list of one cell (镇雄县, 60+, no pension case), first page: {med:,.0f} ms ({lo:,.0f}–{hi:,.0f}); "
          f"{people.count():,} people")
    print(f"as of {datetime.date.today()}")


if __name__ == "__main__":
    main()
