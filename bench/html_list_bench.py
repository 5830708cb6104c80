"""The HTML lists (applications, overdue) at 1.55 million transferred people on PostgreSQL: the
first page and a deep page of every sort, in-process through Django's test client.

    .venv/bin/python bench/html_list_bench.py [--db nzc_bench_lists] [--persons 1550000] [--keep] [--drop]
                                              [--runs 5]

Loads the people as bench/progress_bench.py does (reused with --keep), turns one application in 20
back to 受理 and one in 97 to 退回补正 (the demo year completes every application; the overdue list
needs open ones), then, as the county officer of 镇雄县 (the largest county), times each list's page 1
and the page 100,000 rows deep (or half-way, on a smaller load) by its keyset cursor, for every sort, and the jump to the last
numbered page (an OFFSET of at most 5,000 rows). A deep page should cost what page 1 costs.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from progress_bench import fresh_database, load_people  # noqa: E402

COUNTY = "530627"  # 镇雄县
DEEP = 100_000


def median_ms(fn, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="nzc_bench_lists")
    parser.add_argument("--host", default="127.0.0.1:5432")
    parser.add_argument("--persons", type=int, default=1_550_000)
    parser.add_argument("--keep", action="store_true", help="reuse an already loaded database")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    if not args.keep:
        fresh_database(args.db, args.host)
    os.environ["DATABASE_URL"] = f"postgres://postgres@{args.host}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nongzhuancheng.settings")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from demo.factories import UserFactory
    from households.models import Person, TransferApplication
    from households.selectors import APPLICATION_SORTS, OVERDUE_SORTS
    from nongzhuancheng import roles
    from nongzhuancheng.models import County

    settings.ALLOWED_HOSTS = ["*"]
    if not args.keep or not Person.objects.exists():
        load_people(args.persons)
    call_command("migrate", verbosity=0)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM households_transferapplication WHERE status <> 'completed'")
        if not cur.fetchone()[0]:
            cur.execute("UPDATE households_transferapplication SET status = 'received', completed_on = NULL "
                        "WHERE id % 20 = 0")
            cur.execute("UPDATE households_transferapplication SET status = 'returned', completed_on = NULL "
                        "WHERE id % 97 = 0")
        cur.execute("ANALYZE households_transferapplication; ANALYZE households_person")

    county = County.objects.get(code=COUNTY)
    officer = UserFactory._meta.model.objects.filter(username="bench-html-zx").first() or UserFactory(
        username="bench-html-zx", post=roles.COUNTY_OFFICER, post__county=county)
    client = Client()
    client.force_login(officer)
    apps = TransferApplication.objects.filter(county=county)
    print(f"people: {Person.objects.count():,}; {county.name}: {apps.count():,} applications "
          f"({apps.filter(status='received').count():,} 受理, {apps.filter(status='returned').count():,} 退回补正); "
          f"PostgreSQL {connection.pg_version}")

    def cursor_at(qs, key, descending, offset):
        order = ([f"-{key.field}", "-id"] if descending else [key.field, "id"]) if key.field != "id" else \
            (["-id"] if descending else ["id"])
        row = qs.order_by(*order).values_list(key.field, "id")[offset]
        return f"{row[0].isoformat()}~{row[1]}" if key.field != "id" else str(row[1])

    def get(url, data):
        response = client.get(url, data)
        assert response.status_code == 200, (url, data, response.status_code)
        return response

    print(f"{'list':<14}{'sort':<14}{'page 1 ms':>11}{'deep ms':>11}{'ratio':>8}{'page 100 ms':>13}")
    lists = (
        ("applications", reverse("households:application_list"), APPLICATION_SORTS, apps, 50),
        ("overdue", reverse("households:overdue"), OVERDUE_SORTS,
         apps.filter(status="received"), 100),
    )
    for name, url, keys, qs, _per_page in lists:
        deep = min(DEEP, qs.count() // 2)  # inside the list: rows on both sides
        for key in keys:
            for descending in (False, True):
                sort = ("-" if descending else "") + key.name
                last_numbered = 50 if name == "overdue" else 100
                get(url, {"sort": sort})  # warm
                first = median_ms(lambda u=url, s=sort: get(u, {"sort": s}), args.runs)
                after = cursor_at(qs, key, descending, deep)
                deep_ms = median_ms(lambda u=url, s=sort, a=after: get(u, {"sort": s, "after": a, "page": 9999}),
                                    args.runs)
                jump = median_ms(lambda u=url, s=sort, n=last_numbered: get(u, {"sort": s, "page": n}), args.runs)
                print(f"{name:<14}{sort:<14}{first:>11.0f}{deep_ms:>11.0f}{deep_ms / first:>8.2f}{jump:>13.0f}")
        print(f"  ({name}: deep = {deep:,} rows in, by its keyset cursor)")

    if args.drop:
        connection.close()
        import psycopg

        with psycopg.connect(f"postgresql://postgres@{args.host}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.db}"')
        print(f"dropped {args.db}")


if __name__ == "__main__":
    main()
