"""The probable-duplicate scan at 1.55 million people on PostgreSQL.

    .venv/bin/python bench/duplicates_bench.py [--db nzc_bench_quality] [--persons 1550000] [--plant 2000] [--keep] [--drop]

Creates a fresh database (default nzc_bench_quality on 127.0.0.1:5432, user postgres), loads the 2012
demo generator's transfers (bench/progress_bench.py's loader), plants ``--plant`` second records of
people already there (demo/duplicates.py: the four bases in turn), then times the whole nightly scan
(``quality.services.quality_scan``: the data-quality rules, the pinyin keys of the bulk-loaded rows,
the duplicate self-joins) and a second scan (keys filled, pairs known), and prints how many planted
pairs were found (recall) and how many other pairs (the demo's names repeat: people who share a name
and a birth date in one county are real candidates a county office would look at). With --drop the
database is dropped at the end.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="nzc_bench_quality")
    parser.add_argument("--host", default="127.0.0.1:5432")
    parser.add_argument("--persons", type=int, default=1_550_000)
    parser.add_argument("--plant", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="reuse an already loaded database")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--scans", type=int, default=2, help="how many whole scans to time (0: only the re-check)")
    args = parser.parse_args()

    from progress_bench import fresh_database, load_people

    if not args.keep:
        fresh_database(args.db, args.host)
    os.environ["DATABASE_URL"] = f"postgres://postgres@{args.host}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nongzhuancheng.settings")
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from demo.duplicates import plant
    from households.models import Person
    from quality import services
    from quality.models import DuplicatePair

    call_command("migrate", verbosity=0)
    if not args.keep or not Person.objects.exists():
        load_people(args.persons)
    total = Person.objects.filter(holds_claim=True).count()
    rng = random.Random("duplicates-bench")
    top = Person.objects.order_by("-pk").values_list("pk", flat=True).first()
    chosen_ids = sorted(rng.sample(range(1, top + 1), args.plant * 2))
    chosen = list(Person.objects.filter(pk__in=chosen_ids, holds_claim=True).order_by("pk")[:args.plant])
    with transaction.atomic():
        planted = plant(chosen, rng)
    with connection.cursor() as cur:
        cur.execute("ANALYZE households_person")
    print(f"people holding a claim: {total + len(planted):,} ({len(planted):,} planted second records); "
          f"PostgreSQL {connection.pg_version}")

    labels = ("first scan (pinyin keys of the bulk-loaded rows filled first)", "second scan", "third scan")
    for label in labels[:args.scans]:
        started = time.perf_counter()
        result = services.quality_scan()
        seconds = time.perf_counter() - started
        d = result["duplicates"]
        print(f"{label}: {seconds:.1f} s in all — rules {result['rules_seconds']:.1f} s "
              f"({sum(result['findings'].values()):,} open findings), duplicates {d.seconds:.1f} s "
              f"({d.candidates:,} candidate pairs: {', '.join(f'{k} {v:,}' for k, v in d.by_basis.items())}; "
              f"{d.new:,} new, {d.open:,} open)")

    found = set(DuplicatePair.objects.values_list("person_a_id", "person_b_id"))
    wanted = {(min(a, b), max(a, b)): basis for a, b, basis in planted}
    hit = sum(1 for pair in wanted if pair in found)
    by_basis = {}
    for pair, basis in wanted.items():
        by_basis.setdefault(basis, [0, 0])
        by_basis[basis][0] += 1
        by_basis[basis][1] += pair in found
    print(f"planted pairs found: {hit:,} of {len(wanted):,} (recall {hit / max(len(wanted), 1):.3f}); "
          + ", ".join(f"{b} {h}/{n}" for b, (n, h) in sorted(by_basis.items())))
    print(f"other pairs found (not planted): {len(found) - hit:,} (the demo generator's names repeat)")

    # what a save costs: the re-check of one application (its rules and its probable duplicates),
    # as after every move or correction through the households services
    import statistics

    apps = list(Person.objects.filter(pk__in=chosen_ids[:20]).values_list("application_id", flat=True))
    times = []
    for app_id in apps:
        started = time.perf_counter()
        with transaction.atomic():
            services.recheck(application_ids=[app_id])
        times.append((time.perf_counter() - started) * 1000)
    print(f"re-check of one application (rules + duplicates), median of {len(times)}: "
          f"{statistics.median(times):.0f} ms (max {max(times):.0f} ms)")
    connection.close()
    if args.drop:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@{args.host}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.db}"')
        print(f"dropped {args.db}")


if __name__ == "__main__":
    main()
