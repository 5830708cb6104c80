"""Parameter fuzz: every URL pattern of our apps that a signed-in role opens with GET, with generated
values for each query parameter its view declares (the fields of its form or FilterSet) and for a
few it does not, answers below 500 and logs no error or traceback.

Hypothesis runs with a fixed seed (derandomize) and a bounded number of examples, so the whole fuzz
takes well under a minute. The URLs it skips are listed in SKIPPED with the reason; a GET-only walk
also skips the URLs that answer 405 to GET (they read no query parameters), and prints them.
"""

import logging
import re
import time
from urllib.parse import quote

from django import forms
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entitlements.forms import DeliveryParams, PageParams, QueueParams
from households.filters import ApplicationFilter, CorrectionFilter, PersonFilter
from households.forms import (
    ApplicationExportParams,
    ApplicationListParams,
    CorrectionListParams,
    HouseholdLookupParams,
    OverdueParams,
    PersonListParams,
)
from households.forms import PageParams as HouseholdPageParams
from insights.forms import StatisticsParams, StatisticsPeopleParams
from nongzhuancheng.health import HealthParams
from oversight.forms import PeriodParams, ProblemListParams, YearParams
from public.forms import GrievanceListParams, LookupParams, PrefillFindParams, StationsParams
from quality.forms import DuplicateParams
from quality.forms import QueueParams as QualityQueueParams
from quotas.views import ProgressParams
from tests.base import CastTestCase
from tests.core.test_scoping_walk import make_import_job, our_urls

# The form each view reads its query parameters through, by URL name (DRF viewsets: their filterset).
DECLARED = {
    "households:application_list": ApplicationListParams,
    "households:person_list": PersonListParams,
    "imports:export_applications": ApplicationExportParams,
    "imports:export_people": ApplicationExportParams,
    "households:household_lookup": HouseholdLookupParams,
    "households:overdue": OverdueParams,
    "households:approval_queue": HouseholdPageParams,
    "households:correction_list": CorrectionListParams,
    "correction-list": CorrectionFilter,
    "quotas:dashboard": ProgressParams,
    "quotas:county": ProgressParams,
    "quotas:station": ProgressParams,
    "quotas:multi_year": ProgressParams,
    "quotas:targets": ProgressParams,
    "progress-city": ProgressParams,
    "progress-county": ProgressParams,
    "entitlements:queue": QueueParams,
    "entitlements:delivery": DeliveryParams,
    "entitlements-delivery": DeliveryParams,
    "entitlements:transitions": PageParams,
    "oversight:publicity": PeriodParams,
    "oversight:funding": YearParams,
    "oversight:inspections": YearParams,
    "oversight:problem_list": ProblemListParams,
    "public:stations": StationsParams,
    "public:lookup": LookupParams,
    "public:grievance_list": GrievanceListParams,
    "public:prefill_find": PrefillFindParams,
    "application-list": ApplicationFilter,
    "person-list": PersonFilter,
    "insights:table": StatisticsParams,
    "insights:people": StatisticsPeopleParams,
    "quality:queue": QualityQueueParams,
    "quality:duplicates": DuplicateParams,
    "health": HealthParams,
}

# URL names the fuzz does not request, with the reason.
SKIPPED = {
    "households:id_check": "POST only (ID numbers stay out of URLs); its body is read through IdCheckParams",
    "reports:bulletin_pdf": "renders a PDF with WeasyPrint (seconds a request); reads no query parameter",
    "oversight:scheme_pdf": "renders a PDF with WeasyPrint (seconds a request); reads no query parameter",
    "bulletin-pdf": "renders a PDF with WeasyPrint (seconds a request); reads no query parameter",
    "imports:template": "a fixed spreadsheet file; reads no query parameter",
}

# Values of no particular parameter: sent to every declared parameter in turn and as undeclared ones.
HOSTILE = ["", "x" * 5000, "\x00", "0001-01-01", "9999-12-31", "-1", "-99999999999999999999",
           "99999999999999999999999999", "1e309", "NaN", "2012-02-30", "../../etc/passwd", "' OR 1=1 --",
           "<script>alert(1)</script>", "１２", "\U0001f600" * 50]
# Raw non-UTF-8 percent-encodings and repeated keys, appended to a query string as they are.
RAW = ["%ff%fe%fd", "%c3%28", "%80", "x=1&x=2&x=%00"]
UNDECLARED = ["zz", "year", "as_of", "page", "format", "q", "id", "limit", "offset", "ordering"]

EXAMPLES = 2  # hypothesis examples per URL and role (every declared value of HOSTILE is sent besides)


def declared_fields(form_class):
    """{name: field} of a Django form class or a FilterSet class."""
    if hasattr(form_class, "base_filters"):
        return {name: f.field for name, f in form_class.base_filters.items()}
    return dict(form_class.base_fields)


def strategy_for(field):
    """Values that the field accepts and many it refuses."""
    anything = st.text(max_size=60) | st.sampled_from(HOSTILE)
    if isinstance(field, forms.DateField):
        return st.dates().map(lambda d: d.isoformat()) | anything
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.ModelChoiceField)):
        return st.integers(min_value=-(10**30), max_value=10**30).map(str) | anything
    if isinstance(field, forms.ChoiceField):
        choices = [str(value) for value, _ in field.choices] or [""]
        return st.sampled_from(choices) | anything
    return anything


def query_string(values, raw=""):
    parts = [f"{quote(name)}={quote(value, safe='')}" for name, value in values.items()]
    if raw:
        parts.append(raw)
    return "&".join(parts)


class _ErrorLog(logging.Handler):
    """Errors, and tracebacks of anything but the exceptions Django answers 4xx for."""

    EXPECTED = (Http404, PermissionDenied, BadRequest, SuspiciousOperation)

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        exc = record.exc_info[1] if record.exc_info else None
        if record.levelno >= logging.ERROR or (exc is not None and not isinstance(exc, self.EXPECTED)):
            self.records.append(record)


class ParamsFuzzTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.app = cls.complete(cls, cls.alice)
        make_import_job(cls.alice)

    def setUp(self):
        self.client.raise_request_exception = False
        self.errors = _ErrorLog()
        for name in ("", "django", "django.request"):
            logging.getLogger(name).addHandler(self.errors)

    def tearDown(self):
        for name in ("", "django", "django.request"):
            logging.getLogger(name).removeHandler(self.errors)

    def request(self, url, qs):
        self.requests += 1
        t = time.monotonic()
        response = self.client.get(f"{url}?{qs}" if qs else url)
        self.timing[url] = self.timing.get(url, 0) + time.monotonic() - t
        if response.status_code >= 500:
            self.offenders.append(f"{response.status_code} GET {url}?{qs[:300]}")
        return response

    def fuzz(self, url, form_class):
        fields = list(declared_fields(form_class)) if form_class else []
        # the hostile values, spread over the declared and a few undeclared parameters: each request
        # gives each parameter another value, so that every parameter meets every value
        names = [*fields, *UNDECLARED]
        rounds = len(HOSTILE) // 4 if fields else 1
        for r in range(rounds):
            self.request(url, query_string({n: HOSTILE[(i + r * 4) % len(HOSTILE)] for i, n in enumerate(names)}))
        # non-UTF-8 percent-encodings and repeated keys, as raw query strings
        self.request(url, "&".join([*RAW, *(f"{n}={RAW[i % len(RAW)]}" for i, n in enumerate(names))]))
        if not fields:
            return
        strategies = {name: strategy_for(field) for name, field in declared_fields(form_class).items()}
        extra = st.dictionaries(st.sampled_from(UNDECLARED), st.sampled_from(HOSTILE) | st.text(max_size=20), max_size=3)

        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(declared=st.fixed_dictionaries({}, optional=strategies), undeclared=extra)
        def one(declared, undeclared):
            self.request(url, query_string({**undeclared, **declared}))

        one()

    def test_no_parameter_makes_a_server_error(self):
        self.offenders, self.requests, opened, skipped = [], 0, set(), {}
        self.timing = {}
        values = {"pk": self.app.pk, "code": self.app.county.code, "person_pk": self.app.members.first().pk,
                  "action": "complete", "move": "complete"}
        started = time.monotonic()
        for user in (self.alice, self.dave, self.frank, self.grace):  # grace: a member unit (need-to-know)
            self.login(user)
            for url, _pattern, name in our_urls(values, with_names=True):
                if name in SKIPPED:
                    skipped[name] = SKIPPED[name]
                    continue
                first = self.client.get(url)
                if first.status_code == 405:
                    skipped[name] = "answers only POST (405 to GET): reads no query parameter"
                    continue
                if first.status_code >= 500:
                    self.offenders.append(f"{first.status_code} GET {url}")
                    continue
                opened.add(name)
                self.fuzz(url, DECLARED.get(name))
        elapsed = time.monotonic() - started
        print(f"\nparameter fuzz: {len(opened)} URL patterns, {self.requests} requests in {elapsed:.0f} s; "
              f"skipped: " + "; ".join(f"{name} ({why})" for name, why in sorted(skipped.items())))
        slowest = sorted(self.timing.items(), key=lambda kv: -kv[1])[:3]
        print("slowest: " + ", ".join(f"{url} {seconds:.1f} s" for url, seconds in slowest))
        logged = [f"{r.name}: {r.getMessage()[:200]}" for r in self.errors.records]
        self.assertEqual(self.offenders, [], "\n  ".join([""] + self.offenders))
        self.assertEqual(logged, [], "\n  ".join([""] + logged))
        self.assertTrue(set(DECLARED) <= opened | set(SKIPPED), set(DECLARED) - opened)


# POST bodies of the main forms: the fields each page's own form shows (read from its HTML), sent with
# hostile values; a file field gets hostile names and contents. No 5xx, no traceback in the log.
FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
HOSTILE_FILES = [(b"", "empty.csv"), (b"\x00" * 5000, "nul.csv"), (b"PK\x03\x04garbage", "x.xlsx"),
                 ("县区,姓名\n昭阳区,张三\n".encode("gb18030"), "a" * 300 + ".csv"), (b"\xff\xfe\xfd", "../../x.csv")]
POST_EXAMPLES = 3  # besides every HOSTILE value in every field


class PostBodyFuzzTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.app = cls.receive(cls.alice)

    def setUp(self):
        self.client.raise_request_exception = False
        self.errors = _ErrorLog()
        for name in ("", "django", "django.request"):
            logging.getLogger(name).addHandler(self.errors)
        self.addCleanup(lambda: [logging.getLogger(n).removeHandler(self.errors) for n in ("", "django", "django.request")])
        self.offenders, self.requests = [], 0

    def post(self, url, data):
        self.requests += 1
        response = self.client.post(url, data)
        if response.status_code >= 500:
            self.offenders.append(f"{response.status_code} POST {url} {str(data)[:300]}")

    def fields_of(self, url):
        page = self.client.get(url)
        self.assertLess(page.status_code, 500, url)
        return sorted({n for n in FIELD_NAME.findall(page.content.decode()) if n != "csrfmiddlewaretoken"} - {"language", "next"})

    def fuzz_form(self, url, extra_fields=(), file_field=None, page=None):
        """``page``: where the form is shown, when it posts elsewhere (the moves: the detail page)."""
        names = [*self.fields_of(page or url), *extra_fields]
        self.assertTrue(names, url)
        for r in range(len(HOSTILE)):
            data = {n: HOSTILE[(i + r) % len(HOSTILE)] for i, n in enumerate(names)}
            if file_field:
                content, filename = HOSTILE_FILES[r % len(HOSTILE_FILES)]
                data[file_field] = SimpleUploadedFile(filename, content)
            self.post(url, data)

        @settings(max_examples=POST_EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(body=st.fixed_dictionaries({}, optional={n: st.text(max_size=40) | st.sampled_from(HOSTILE) for n in names}))
        def one(body):
            self.post(url, body)

        one()

    def check(self):
        logged = [f"{r.name}: {r.getMessage()[:200]}" for r in self.errors.records]
        self.assertEqual(self.offenders, [], "\n  ".join([""] + self.offenders))
        self.assertEqual(logged, [], "\n  ".join([""] + logged))

    def test_the_clerks_forms_answer_no_server_error(self):
        self.login(self.alice)
        self.fuzz_form(reverse("households:application_new"))
        detail = reverse("households:application_detail", args=[self.app.pk])
        self.fuzz_form(reverse("households:application_move", args=[self.app.pk, "return"]), page=detail)
        self.fuzz_form(reverse("households:application_move", args=[self.app.pk, "complete"]), page=detail)
        self.fuzz_form(reverse("imports:start"), file_field="file")
        self.fuzz_form(reverse("households:application_list"), extra_fields=["id_number"])
        print(f"\nPOST fuzz (clerk): {self.requests} requests")
        self.check()

    def test_the_public_forms_answer_no_server_error(self):
        with override_settings(NZC_LOOKUP_RATE_PER_ADDRESS="100000/h", NZC_LOOKUP_RATE_PER_NUMBER="100000/h",
                               NZC_GRIEVANCE_RATE_PER_ADDRESS="100000/h"):
            self.fuzz_form(reverse("public:lookup"))
            self.fuzz_form(reverse("public:ask"))
        print(f"\nPOST fuzz (public): {self.requests} requests")
        self.check()
