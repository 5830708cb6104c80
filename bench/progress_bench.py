"""Progress queries at 1.55 million transferred people on PostgreSQL.

    .venv/bin/python bench/progress_bench.py [--db nzc_bench] [--persons 1550000] [--runs 9] [--keep] [--scale 10]

Creates a fresh database (default nzc_bench on 127.0.0.1:5432, user postgres), migrates, loads the
reference data and the 2012 demo generator's transfers, ALL in one year (the worst case for the
year-to-date counts: the whole 2012–2020 goal of 1.55 million in 2012), then times the city dashboard
(county_progress) and a county drill-down (station_progress + category_progress + period_series),
and prints the median of several runs. With --keep an existing loaded database is reused (migrated
first: the migration that creates the completion rollup counts the rows already there).

The figures are read from the completion rollup (households.rollup_models); each is timed beside the
same selector reading the raw people rows (the rollup model swapped for ``households_person`` with
one person a row), and the whole bulletin (figures, template, PDF in a warm process) is timed.
With --scale N the daily rollup table (the one the city figures read) gets N times its rows (a province of N × 11 counties, synthetic
counties and stations whose rows copy the real ones), written directly in a transaction that is
rolled back at the end: the rollup's size is what its read time depends on, and loading N × 1.55
million people takes hours on a 2-core machine.
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
    parser.add_argument("--scale", type=int, default=1, help="also time the figures with N times the rollup rows")
    parser.add_argument("--people-scale", type=int, default=1,
                        help="also time the figures with N times the people in the same counties (the rollup "
                             "rows such a load writes, in a transaction rolled back)")
    args = parser.parse_args()

    if not args.keep:
        fresh_database(args.db, args.host)
    os.environ["DATABASE_URL"] = f"postgres://postgres@{args.host}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nongzhuancheng.settings")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from households.models import Person
    from nongzhuancheng.models import County
    from quotas import selectors

    call_command("migrate", verbosity=0)  # with --keep: the rollup tables, filled from the rows
    if not args.keep or not Person.objects.exists():
        load_people(args.persons)

    as_of = datetime.date(2012, 10, 20)
    total = Person.objects.filter(completed_on__isnull=False).count()
    county = County.objects.get(code="530627")  # 镇雄县, the largest
    print(f"persons counted: {total:,}; PostgreSQL {connection.pg_version}; median of {args.runs} runs (min–max)")

    def city():
        return selectors.county_progress(year=2012, as_of=as_of)

    def drill():
        return (selectors.station_progress(county=county, year=2012, as_of=as_of),
                selectors.category_progress(year=2012, as_of=as_of, county=county),
                selectors.period_series(year=2012, as_of=as_of, county=county))

    def city_year_end():
        return selectors.county_progress(year=2012, as_of=datetime.date(2012, 12, 31))

    def city_page_extras():
        return (selectors.period_series(year=2012, as_of=as_of), selectors.category_progress(year=2012, as_of=as_of))

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from demo.factories import UserFactory

    reader = get_user_model().objects.filter(username="bench-admin").first() or UserFactory(
        username="bench-admin", superuser=True)
    client = Client()
    client.force_login(reader)
    # the city office signs in with a second factor (nongzhuancheng.signin): a confirmed device, verified
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=reader, confirmed=True).first() or TOTPDevice.objects.create(
        user=reader, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    def page():
        response = client.get("/progress/?year=2012&as_of=2012-10-20")
        assert response.status_code == 200, response.status_code

    from households.models import CompletionDaily, CompletionRollup, CompletionStationDaily

    print(f"rollup rows: {CompletionDaily.objects.count():,} daily (day × county × category), "
          f"{CompletionRollup.objects.count():,} fine (× station × sex × age band), "
          f"{CompletionStationDaily.objects.count():,} day × station")
    with connection.cursor() as cur:  # both states timed vacuumed (people_scaled_bench vacuums its own)
        for model in (CompletionDaily, CompletionRollup, CompletionStationDaily):
            cur.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    city()  # warm the cache
    timed = {}
    for label, fn in (
        ("city dashboard query, county_progress (as of 2012-10-20)", city),
        ("city dashboard query, county_progress (as of 2012-12-31, every row)", city_year_end),
        ("rest of the city page: period_series + category_progress (city)", city_page_extras),
        ("county drill-down: station + category + period_series (镇雄县)", drill),
        ("whole city dashboard page, HTML with charts (/progress/?year=2012&as_of=2012-10-20)", page),
    ):
        with raw_rows(selectors):
            assert fn is page or raw_equal(fn), label
            raw, _, _ = median_ms(fn, args.runs)
        med, lo, hi = median_ms(fn, args.runs)
        timed[label] = med
        print(f"{label}: rollup {med:.1f} ms ({lo:.1f}–{hi:.1f}); raw rows {raw:.0f} ms; "
              f"ratio 1/{raw / med:.1f} (target at most 1/5)")

    bulletin_bench(args.runs)
    if args.people_scale > 1:
        people_scaled_bench(args.people_scale, args.runs, city, drill, timed)
    if args.scale > 1:
        scaled_bench(args.scale, args.runs, city, timed["city dashboard query, county_progress (as of 2012-10-20)"])


def raw_equal(fn):
    """The selector gives the same figures from the raw rows as from the rollup (checked once)."""
    from unittest import mock

    raw = fn()
    with mock.patch.multiple("quotas.selectors", CompletionDaily=ROLLUP[0], CompletionStationDaily=ROLLUP[1]):
        return raw == fn()


ROLLUP = []


class raw_rows:
    """Swap the rollup models the selectors read for the raw people rows (one person a row)."""

    def __init__(self, selectors):
        from types import SimpleNamespace

        from django.db.models import Value

        from households.models import CompletionDaily, CompletionStationDaily, Person

        ROLLUP[:] = [CompletionDaily, CompletionStationDaily]
        raw = SimpleNamespace(objects=Person.objects.alias(persons=Value(1)))
        self.patches = [(selectors, name, raw) for name in ("CompletionDaily", "CompletionStationDaily")]

    def __enter__(self):
        self.saved = [(m, n, getattr(m, n)) for m, n, _ in self.patches]
        for m, n, v in self.patches:
            setattr(m, n, v)

    def __exit__(self, *exc):
        for m, n, v in self.saved:
            setattr(m, n, v)


def bulletin_bench(runs):
    """The whole city bulletin of 2012年10月中旬: figures, template and PDF, in a warm process."""
    import weasyprint  # noqa: F401  (paid once per worker process)

    from nongzhuancheng.periods import Period
    from reports import selectors as report_selectors
    from reports import services

    period = Period(2012, 10, 2)

    def whole():
        frozen = report_selectors.as_frozen(report_selectors.bulletin_data(period=period))
        frozen.update(revision=1, preview=False, issued_on="2012-10-21")
        return services._pdf_bytes(services.bulletin_html(figures=frozen))

    whole()  # warm: fonts and the template
    figures, _, _ = median_ms(lambda: report_selectors.bulletin_data(period=period), runs)
    cpu0 = time.process_time()
    med, lo, hi = median_ms(whole, max(3, runs // 2))
    cpu = (time.process_time() - cpu0) / max(3, runs // 2)
    print(f"whole city bulletin {period.label} (figures + template + PDF, warm process): {med / 1000:.2f} s "
          f"({lo / 1000:.2f}–{hi / 1000:.2f}), of which this process's own CPU {cpu:.2f} s (the wall time "
          f"over it is waiting for a core: load average {os.getloadavg()[0]:.1f}); of it the figures "
          f"{figures:.0f} ms (target at most 2 s)")


def people_scaled_bench(scale, runs, city, drill, timed):
    """The figures at ``scale`` times the people in the same 11 counties, the same year (15.5 million
    for --people-scale 10): what loading them would leave in the rollup tables, written directly. The
    daily table is saturated at 1.55 M (every working day, county and category has a row), so such a
    load only raises its counts; the fine table (× station × sex × age band) gains the combinations
    still missing, filled here with the same counts.

    The scaled rows are committed and vacuumed before they are timed, as a load's would be by the time
    anyone reads them (timed inside the writing transaction, every row would be read past its old
    version too), and the tables are put back from copies afterwards, also when the run fails."""
    from django.db import connection, transaction

    from households.models import CompletionDaily, CompletionRollup, CompletionStationDaily

    qn = connection.ops.quote_name
    daily, fine = qn(CompletionDaily._meta.db_table), qn(CompletionRollup._meta.db_table)
    stations = qn(CompletionStationDaily._meta.db_table)
    tables = [daily, fine, stations]
    kept = {t: qn("bench_kept_" + t.strip('"')) for t in tables}
    daily_rows, fine_rows = CompletionDaily.objects.count(), CompletionRollup.objects.count()

    def vacuum():
        with connection.cursor() as cur:
            for t in tables:
                cur.execute(f"VACUUM ANALYZE {t}")

    with connection.cursor() as cur:
        for t in tables:
            cur.execute(f"DROP TABLE IF EXISTS {kept[t]}")
            cur.execute(f"CREATE TABLE {kept[t]} AS TABLE {t}")
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"UPDATE {daily} SET persons = persons * %s", [scale])
            cur.execute(f"UPDATE {fine} SET persons = persons * %s", [scale])
            cur.execute(f"UPDATE {stations} SET persons = persons * %s", [scale])  # saturated too
            # every (day, station, category, sex, age band) that has a row for one sex/age band gets the rest
            cur.execute(
                f"INSERT INTO {fine} (completed_on, county_id, station_id, category, sex, age_band, persons) "
                f"SELECT d.completed_on, d.county_id, d.station_id, d.category, s.sex, a.age_band, %s "
                f"FROM (SELECT DISTINCT completed_on, county_id, station_id, category FROM {fine}) d "
                f"CROSS JOIN (SELECT DISTINCT sex FROM {fine}) s CROSS JOIN (SELECT DISTINCT age_band FROM {fine}) a "
                "ON CONFLICT DO NOTHING", [scale])
        vacuum()
        city()
        for label, fn in (("city dashboard query, county_progress (as of 2012-10-20)", city),
                          ("county drill-down: station + category + period_series (镇雄县)", drill)):
            med, lo, hi = median_ms(fn, runs)
            print(f"--people-scale {scale} ({CompletionDaily.objects.count():,} daily rows, was {daily_rows:,}; "
                  f"{CompletionRollup.objects.count():,} fine rows, was {fine_rows:,}): {label} {med:.1f} ms "
                  f"({lo:.1f}–{hi:.1f}) against {timed[label]:.1f} ms at 1.55 M: {med / timed[label]:.2f}× "
                  "(target within 1.20×)")
    finally:
        with transaction.atomic(), connection.cursor() as cur:
            for t in tables:
                cur.execute(f"TRUNCATE {t}")
                cur.execute(f"INSERT INTO {t} SELECT * FROM {kept[t]}")
                cur.execute(f"DROP TABLE {kept[t]}")
        vacuum()
    if (CompletionDaily.objects.count(), CompletionRollup.objects.count()) != (daily_rows, fine_rows):
        raise SystemExit("the rollup tables were not put back")


def scaled_bench(scale, runs, city, base_ms):
    """The city figures with ``scale`` times the rollup rows (rolled back afterwards)."""
    from django.db import connection, transaction
    from django.db.models import Sum

    from households.models import CompletionDaily
    from nongzhuancheng.models import County

    counties = list(County.objects.order_by("code"))
    with transaction.atomic():
        county_map = []
        for copy in range(1, scale):
            for c in counties:
                twin = County.objects.create(code=f"9{copy:02d}{c.code[3:]}", name=f"{c.name}{copy}",
                                             population_2020=c.population_2020)
                county_map.append((c.pk, twin.pk))
        qn = connection.ops.quote_name
        daily = qn(CompletionDaily._meta.db_table)
        with connection.cursor() as cur:
            cur.execute("CREATE TEMP TABLE county_twin (src integer, dst integer) ON COMMIT DROP")
            cur.executemany("INSERT INTO county_twin VALUES (%s, %s)", county_map)
            cur.execute(f"INSERT INTO {daily} (completed_on, county_id, category, persons) "
                        f"SELECT d.completed_on, t.dst, d.category, d.persons FROM {daily} d "
                        "JOIN county_twin t ON t.src = d.county_id")
            # the fine table is not copied: the city figures do not read it, and a county's drill-down
            # reads only that county's rows (its index begins with the county)
            cur.execute(f"ANALYZE {daily}")
        people = CompletionDaily.objects.aggregate(n=Sum("persons"))["n"]
        city()
        med, lo, hi = median_ms(city, runs)
        print(f"--scale {scale}: {CompletionDaily.objects.count():,} daily rollup rows, {people:,} people in "
              f"{len(counties) * scale} counties (rollup rows written directly, not people); city dashboard "
              f"figures {med:.0f} ms ({lo:.0f}–{hi:.0f}) against {base_ms:.0f} ms at 1.55 M: "
              f"{med / base_ms:.2f}× (target within 1.20×)")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
