"""Bulletin benchmark: gathering the figures of a ten-day bulletin and rendering its PDF.

    .venv/bin/python bench/bulletin_bench.py [--db nzc_bench_bulletin] [--persons 1550000] [--runs 5] [--keep]

The data are those of the progress benchmark: a fresh database (bench/progress_bench.py's
fresh_database) loaded with the 2012 demo generator (demo.year2012.seed_2012, the loader that benchmark
calls) scaled to 1.55 million transferred people, all in 2012 (the worst case). With --keep a loaded
database is reused. Times,
as medians of several runs: ``reports.selectors.bulletin_data`` for the city bulletin of 2012年10月中旬
and for a county bulletin (with its stations ranked), the HTML template, and WeasyPrint making the PDF
(its import excluded); prints the PDF's size and page count, and the whole ``bulletin_render`` service.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nongzhuancheng.settings")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="nzc-bulletin-bench-"))

import django  # noqa: E402


def median_time(fn, runs):
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median shown)")
    parser.add_argument("--db", default="nzc_bench_bulletin")
    parser.add_argument("--host", default="127.0.0.1:5432")
    parser.add_argument("--persons", type=int, default=1_550_000)
    parser.add_argument("--keep", action="store_true", help="reuse an already loaded database")
    args = parser.parse_args(argv)

    import progress_bench  # the progress benchmark's database set-up, reused

    if not args.keep:
        progress_bench.fresh_database(args.db, args.host)
    os.environ["DATABASE_URL"] = f"postgres://postgres@{args.host}/{args.db}"
    os.chdir(Path(__file__).resolve().parent.parent)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from demo import year2012
    from households.models import Person as _Person

    if not args.keep or not _Person.objects.exists():
        call_command("migrate", verbosity=0)
        call_command("loaddata", "fixtures/reference.json", verbosity=0)
        started = time.perf_counter()
        after = args.persons * 45_000 // (year2012.REPORT_TOTAL + 45_000)
        created = year2012.seed_2012(scale=year2012.FULL, by_report_day=args.persons - after, after=after)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
        print(f"loaded {created:,} transferred persons in {time.perf_counter() - started:.0f} s")

    from households.models import Person
    from nongzhuancheng.models import County
    from nongzhuancheng.periods import Period
    from reports import selectors, services
    from reports.models import Bulletin

    period = Period(2012, 10, 2)
    people = Person.objects.filter(completed_on__isnull=False).count()
    print(f"transferred people in the database: {people:,}")

    t, best, data = median_time(lambda: selectors.bulletin_data(period=period), args.runs)
    print(f"bulletin_data, city, {period.label}: median {t * 1000:.0f} ms (best {best * 1000:.0f} ms); "
          f"cumulative {data.cumulative:,}, rate {data.rate}, {data.provincial_multiple} times the provincial task")
    from entitlements import selectors as entitlement_selectors
    from entitlements.models import GuaranteeCase

    cases = GuaranteeCase.objects.count()
    if cases:
        as_of = period.end
        t_tables, _b, _r = median_time(lambda: (entitlement_selectors.delivery_summary(as_of=as_of),
                                                entitlement_selectors.retention_summary(as_of=as_of)), args.runs)
        t_records, _b, _r = median_time(lambda: entitlement_selectors._delivery_from_records(as_of, None, None),
                                        max(1, args.runs // 2))
        print(f"guarantee and retention figures ({cases:,} guarantee cases) from the summary tables: "
              f"{t_tables * 1000:.0f} ms; the guarantee figures alone counted from the records: "
              f"{t_records * 1000:.0f} ms ({t_tables / t_records:.3f} of it)")
    county = County.objects.order_by("-population_2020").first()
    t, best, _ = median_time(lambda: selectors.bulletin_data(period=period, county=county), args.runs)
    print(f"bulletin_data, {county.name} (stations ranked): median {t * 1000:.0f} ms (best {best * 1000:.0f} ms)")

    frozen = selectors.as_frozen(data)
    frozen.update(revision=1, preview=False, issued_on="2012-10-21")
    t, best, html = median_time(lambda: services.bulletin_html(figures=frozen), args.runs)
    print(f"template: median {t * 1000:.0f} ms, {len(html):,} characters")

    started = time.perf_counter()
    import weasyprint  # noqa: F401

    print(f"import weasyprint: {time.perf_counter() - started:.2f} s (paid once per worker process)")
    t, best, pdf = median_time(lambda: services._pdf_bytes(html), max(3, args.runs // 2))
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"WeasyPrint PDF: median {t:.2f} s (best {best:.2f} s); {len(pdf) / 1024:.0f} kB, {pages} pages")

    Bulletin.objects.for_period(period).filter(scope="city").delete()
    bulletin, _ = services.bulletin_request(period=period, enqueue=False)
    started = time.perf_counter()
    services.bulletin_render(bulletin=bulletin)
    print(f"bulletin_render (figures + template + PDF + store): {time.perf_counter() - started:.2f} s, "
          f"{bulletin.pdf_size / 1024:.0f} kB, sha256 {bulletin.sha256[:16]}…")
    bulletin.pdf.delete(save=False)
    bulletin.delete()


if __name__ == "__main__":
    main()
