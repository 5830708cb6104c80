"""The browser walk of a county officer: every page of the menu and the everyday pages behind it, timed
by the browser itself (Debian's headless Chromium through Selenium) against gunicorn.

    .venv/bin/python bench/browser_walk_bench.py [--db nzc_bench] [--port 8112] [--user bench-zx] [--runs 3]
                                                 [--redis redis://127.0.0.1:6379/15]

Takes a database already loaded (e.g. by bench/progress_bench.py or bench/list_bench.py: 1.55 million
transferred people) and migrates it, collects the static files into a temporary directory, serves the
site with gunicorn (2 workers, DEBUG off) and signs the officer in by session cookie (the second
factor verified in the session, as tests/ui/browser.py does). The officer (default ``bench-zx``, the
one list_bench uses) is made a county officer of 镇雄县 if the user does not exist.

Pages: every item of the officer's menu (nongzhuancheng/navigation.py), then the application list
(page 1, a keyset page half-way, sorted by 受理日期, the name search 张伟), an application, a person
(its entitlements page), the overdue list, 镇雄县's drill-down, the entitlement queue filtered to 养老保险,
a statistics cross-table (age band × pension guarantee, 2012), the quality queue, the import page, the
start of a background export (the request that creates the job and its progress page, not the
export: the server gets NZC_EXPORT_INLINE_ROWS=0, so even a small database makes a job; with
``--redis`` the job's task is sent to that Redis, without it to the server's in-memory broker, and no
worker takes it: a message stays in that Redis's queue), the bulletin list, and the public guide pages
signed out. The export jobs the walk started and their outbox rows are deleted at the end. There is
no household page of its own: an application's page shows its household and members.

For each page the browser's Navigation Timing is read after its load event: responseEnd − requestStart
(the server's answer) and loadEventEnd − startTime (the whole page, redirects, styles and scripts
included); the median of --runs visits is printed, slowest first, pages over one second marked.
Exits 0 whatever it measured (a benchmark, not a test).
"""

import argparse
import os
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

from list_bench import COUNTY, wait_for  # noqa: E402

SECRET_KEY = "bench-only-secret-key-" * 3  # the benches' server key (list_bench)
LIMIT_MS = 1000
TIMING = """const e = performance.getEntriesByType('navigation')[0];
return e && e.loadEventEnd > 0 ? [e.requestStart, e.responseEnd, e.startTime, e.loadEventEnd,
                                  e.responseStatus || 0, e.redirectEnd - e.redirectStart,
                                  performance.getEntriesByType('resource')
                                    .filter(r => r.responseStatus >= 400).map(r => r.name)] : null;"""


def signed_in_cookie(user):
    """A session of ``user`` in the database (the second factor verified when the user needs one)."""
    from django.test import Client

    from tests.base import sign_in

    client = Client()
    sign_in(client, user)
    return client.cookies


def pages(officer, county):
    """(label, path, signed in) of the walk, in order, each path once."""
    from django.urls import reverse
    from django.utils import translation

    from households.models import Person, TransferApplication
    from nongzhuancheng.navigation import menu_for

    with translation.override("zh-hans"):
        walk = [("home", reverse("home"), True)]
        walk += [(f"menu: {item['label']}", item["url"], True) for item in menu_for(officer)]
    apps = TransferApplication.objects.filter(county=county)
    total = apps.count()
    listing = reverse("households:application_list")
    walk.append(("application list, page 1", listing, True))
    if total > 100:
        depth = total // 2
        after = apps.order_by("-id").values_list("id", flat=True)[depth - 1]
        walk.append((f"application list, keyset page {depth // 50 + 1:,} ({depth:,} rows in)",
                     f"{listing}?after={after}&page={depth // 50 + 1}", True))
    walk += [
        ("application list, sorted by 受理日期", f"{listing}?sort=received_on", True),
        ("application list, name search 张伟", f"{listing}?q={urllib.parse.quote('张伟')}", True),
    ]
    application = apps.order_by("id").values_list("id", flat=True)[total // 2] if total else None
    if application:
        walk.append(("application detail (its household, members)",
                     reverse("households:application_detail", args=[application]), True))
    person = Person.objects.filter(county=county, application_id=application).values_list("id", flat=True).first()
    if person:
        walk.append(("person detail (entitlements)", reverse("entitlements:person", args=[person]), True))
    walk += [
        ("overdue list", reverse("households:overdue"), True),
        (f"progress drill-down, {county.name} 2012", reverse("quotas:county", args=[county.code])
         + "?year=2012&as_of=2012-10-20", True),
        ("entitlement queue, 养老保险", reverse("entitlements:queue") + "?kind=pension", True),
        ("statistics, age band × pension guarantee, 2012",
         reverse("insights:table") + "?rows=age_band&cols=guarantee_pension&year=2012", True),
        ("quality queue", reverse("quality:queue"), True),
        ("import page", reverse("imports:start"), True),
        ("export started (job created, its page)", reverse("imports:export_applications") + "?format=csv", True),
        ("bulletin list", reverse("reports:bulletin_list"), True),
        ("public: guide (signed out)", reverse("public:guide"), False),
        ("public: stations (signed out)", reverse("public:stations"), False),
        ("public: progress lookup (signed out)", reverse("public:lookup"), False),
        ("public: ask (signed out)", reverse("public:ask"), False),
        ("sign-in page (signed out)", reverse("login"), False),
    ]
    unique = {}  # a page of the menu that is also one of the list above: once, with both names
    for label, path, signed in walk:
        unique[path, signed] = f"{unique[path, signed]} = {label}" if (path, signed) in unique else label
    return [(label, path, signed) for (path, signed), label in unique.items()]


def visit(browser, url):
    """(response ms, whole-page ms, HTTP status, final path, redirect ms) of one visit, from Navigation
    Timing (the response is the final document's; a redirect before it is counted in the whole page)."""
    browser.get(url)
    deadline = time.time() + 60
    while (timing := browser.execute_script(TIMING)) is None:
        if time.time() > deadline:
            raise RuntimeError(f"{url}: no load event within 60 s")
        time.sleep(0.05)
    request_start, response_end, start, load_end, status, redirect, failed = timing
    if failed:
        print(f"  {url}: resources not loaded: {', '.join(failed)}")
    return (response_end - request_start, load_end - start, int(status), urllib.parse.urlsplit(browser.current_url).path,
            redirect)


def loaded(host, name):
    """Whether database ``name`` exists and holds people (this bench loads none)."""
    import psycopg

    with psycopg.connect(f"postgresql://postgres@{host}/postgres") as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
    with psycopg.connect(f"postgresql://postgres@{host}/{name}") as conn:
        return bool(conn.execute("SELECT to_regclass('households_person') IS NOT NULL AND "
                                 "EXISTS (SELECT 1 FROM households_person)").fetchone()[0])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="nzc_bench", help="an already loaded database (progress_bench's default)")
    parser.add_argument("--host", default="127.0.0.1:5432")
    parser.add_argument("--port", type=int, default=8112)
    parser.add_argument("--user", default="bench-zx", help="the officer (made a county officer of 镇雄县 if missing)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--redis", default="", help="a Redis the export's task is sent to (no worker takes it)")
    args = parser.parse_args()

    database_url = f"postgres://postgres@{args.host}/{args.db}"
    if not loaded(args.host, args.db):
        print(f"{args.db}: no transferred people loaded; load them first (bench/progress_bench.py --db {args.db}, "
              "or bench/list_bench.py). Nothing measured.")
        return
    static_root = Path(tempfile.mkdtemp(prefix="nzc-walk-static-"))
    profile = tempfile.mkdtemp(prefix="nzc-walk-chromium-")
    env = {"DATABASE_URL": database_url, "DEBUG": "0", "SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1",
           "STATIC_ROOT": str(static_root), "LOG_LEVEL": "ERROR", "NZC_EXPORT_INLINE_ROWS": "0"}
    os.environ.update(env)  # this process writes the sessions the server reads: the same key
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nongzhuancheng.settings")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from demo.factories import UserFactory
    from households import export_jobs
    from households.export_models import ExportJob
    from households.models import Person, TransferApplication
    from nongzhuancheng import roles
    from nongzhuancheng.models import County, OutboxMessage
    from tests.ui.browser import chromium

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    county = County.objects.get(code=COUNTY)
    User = UserFactory._meta.model
    officer = User.objects.filter(username=args.user).first() or UserFactory(
        username=args.user, post=roles.COUNTY_OFFICER, post__county=county)
    county = getattr(getattr(officer, "assignment", None), "county", None) or county
    print(f"people: {Person.objects.count():,}; {county.name}: "
          f"{TransferApplication.objects.filter(county=county).count():,} applications; officer {officer.username}; "
          f"PostgreSQL {connection.pg_version}; median of {args.runs} visits")
    walk = pages(officer, county)
    cookies = signed_in_cookie(officer)
    started_at = timezone.now()

    base = f"http://127.0.0.1:{args.port}"
    # never eager (the export would run in the request): without --redis the task goes to the server
    # process's in-memory broker, where no worker takes it
    server_env = {**os.environ, **env, "REDIS_URL": args.redis, "CELERY_TASK_ALWAYS_EAGER": "0"}
    gunicorn = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "nongzhuancheng.wsgi:application", f"--bind=127.0.0.1:{args.port}",
         "--workers=2", "--log-level=warning"], env=server_env, cwd=ROOT)
    browser = None
    results = []
    try:
        wait_for(base + "/health/live/")
        browser = chromium(profile)
        browser.set_page_load_timeout(120)
        browser.get(base + "/static/favicon.svg")  # a page of the site's origin, to set its cookie on
        signed = None
        for label, path, signed_in in walk:
            if signed_in != signed:
                browser.delete_all_cookies()
                if signed_in:
                    browser.add_cookie({"name": settings.SESSION_COOKIE_NAME, "path": "/",
                                        "value": cookies[settings.SESSION_COOKIE_NAME].value})
                signed = signed_in
            runs = [visit(browser, base + path) for _ in range(args.runs)]
            response = statistics.median(r[0] for r in runs)
            whole = statistics.median(r[1] for r in runs)
            status, final = runs[-1][2], runs[-1][3]
            note = "" if final == urllib.parse.urlsplit(path).path else \
                f" → {final} (redirect {statistics.median(r[4] for r in runs):.0f} ms)"
            results.append((whole, response, status, label, path + note))
            print(f"  {whole:7.0f} ms  {label}", flush=True)
    finally:
        if browser is not None:
            browser.quit()
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(static_root, ignore_errors=True)
        jobs = list(ExportJob.objects.filter(created_by=officer, created_at__gte=started_at).values_list("pk", flat=True))
        ExportJob.objects.filter(pk__in=jobs).delete()
        OutboxMessage.objects.filter(created_at__gte=started_at, task_name=export_jobs.RUN_TASK).delete()

    over = [r for r in results if r[0] > LIMIT_MS]
    print(f"\n{'whole page':>11} {'response':>9} {'status':>6}  page")
    for whole, response, status, label, path in sorted(results, reverse=True):
        mark = "  ** over 1 s **" if whole > LIMIT_MS else ""
        print(f"{whole:8.0f} ms {response:6.0f} ms {status or '?':>6}  {label}  {path}{mark}")
    bad = [r for r in results if r[2] and r[2] != 200]
    if bad:
        print(f"\nnot answered 200: {', '.join(f'{r[3]} ({r[2]})' for r in bad)}")
    print(f"\n{len(results)} pages, {len(over)} over 1 s (whole page: loadEventEnd − startTime; response: "
          f"responseEnd − requestStart; median of {args.runs}; load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
