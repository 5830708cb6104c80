"""Scoping, checked across the whole site rather than view by view.

1. Every URL pattern whose view is defined in our apps says honestly how it scopes: it lists a
   model through ScopedObjectsMixin / ScopedViewSetMixin, it is built from scoped selectors
   (ScopedSelectorsMixin, ``@scoped_view``, ``scoped = True``), or it shows no scoped rows
   (NoScopedRowsMixin, ``@no_scoped_rows``, ``shows_no_scoped_rows = True``).
2. Every such URL refuses an anonymous visitor (a redirect to the sign-in page, 401 or 403; never 200).
3. Every model with a ScopedQuerySet manager gives nothing to a signed-in user without a post.
4. Every admin of a scoped model uses ScopedAdminMixin.

Each test collects all offenders and names them, so one run lists everything to fix.
"""

import re

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models.query import EmptyQuerySet
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern

from nongzhuancheng.scoping import ScopedAdminMixin, ScopedObjectsMixin, ScopedQuerySet, ScopedViewSetMixin
from tests.base import CastTestCase

OUR_APPS = ("nongzhuancheng", "households", "quotas", "entitlements", "quality", "oversight", "public", "insights",
            "reports")

# Views of our own apps that are deliberately open to anonymous visitors . Add the view's
# dotted name here with a comment saying why, e.g. a public page of green-channel phone numbers.
PUBLIC_VIEWS = {
    "nongzhuancheng.signin.TokenView",  # the API's sign-in: exchanges a password (and a code) for a token
}

# Admins of scoped models that deliberately list every row to every post (name each with the reason).
CITY_WIDE_ADMINS = {
    # reference data: every staff post reads the eleven counties (tests/core/test_admin.py); only
    # administrators edit them. The counties' scoped manager serves the pages and the API.
    "nongzhuancheng.County",
}

SAMPLE_BY_CONVERTER = {"int": "1", "str": "x1", "slug": "x1", "path": "x1", "uuid": "00000000-0000-0000-0000-000000000001"}


def walk(patterns, prefix="", namespaces=(), values=None):
    """Yield (sample path, pattern, namespaced URL name) for every leaf pattern, following includes."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from walk(pattern.url_patterns, prefix + _sample(pattern.pattern, values), ns, values)
        elif isinstance(pattern, URLPattern):
            if "format" in _group_names(pattern.pattern):
                continue  # DRF's format-suffix twin of a pattern already walked
            name = ":".join(namespaces + (pattern.name or "",))
            yield prefix + _sample(pattern.pattern, values), pattern, name


def _group_names(pattern):
    if isinstance(pattern, RoutePattern):
        return set(pattern.converters)
    return set(pattern.regex.groupindex)


def _sample(pattern, values=None):
    """A concrete path fragment matching the pattern, with sample values for its parameters
    (``values`` maps parameter names to the value to use instead)."""
    values = values or {}
    if isinstance(pattern, RoutePattern):
        route = str(pattern)

        def value(match):
            if match.group(2) in values:
                return str(values[match.group(2)])
            converter = match.group(1) or "str"
            return SAMPLE_BY_CONVERTER.get(converter, "1")

        return re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    regex = pattern.regex.pattern
    regex = regex.lstrip("^").rstrip("$").replace("\\Z", "")
    regex = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values.get(m.group(1), "1")), regex)
    regex = re.sub(r"\([^)]*\)", "1", regex)  # unnamed groups (the admin's object and version ids)
    regex = regex.replace("/?", "/").replace("\\.", ".").replace("\\-", "-")
    return regex


def view_name(callback):
    cls = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    target = cls or callback
    return f"{target.__module__}.{target.__qualname__}"


def is_ours(callback):
    return callback.__module__.split(".")[0] in OUR_APPS


# ``scoped``: ScopedSelectorsMixin / @scoped_view; ``shows_no_scoped_rows``: NoScopedRowsMixin /
# @no_scoped_rows. Class-based views over a model use ScopedObjectsMixin or ScopedViewSetMixin.
MARKERS = ("scoped", "shows_no_scoped_rows")


def _view_class(callback):
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def is_scoped_or_exempt(callback):
    if any(getattr(callback, marker, False) is True for marker in MARKERS):
        return True
    cls = _view_class(callback)
    return cls is not None and (issubclass(cls, (ScopedObjectsMixin, ScopedViewSetMixin))
                                or any(getattr(cls, marker, False) is True for marker in MARKERS))


def our_urls(values=None, with_names=False):
    seen = set()
    for path, pattern, name in walk(get_resolver().url_patterns, values=values):
        if not is_ours(pattern.callback):
            continue
        url = "/" + path
        key = (url, view_name(pattern.callback))
        if key not in seen:
            seen.add(key)
            yield (url, pattern, name) if with_names else (url, pattern)


class UrlWalkTest(CastTestCase):
    def test_it_finds_the_views_of_every_app(self):
        modules = {pattern.callback.__module__.split(".")[0] for _, pattern in our_urls()}
        self.assertLessEqual({"nongzhuancheng", "households"}, modules)

    def test_every_view_of_our_apps_is_scoped_or_marked_exempt(self):
        offenders = sorted(
            f"{url} -> {view_name(pattern.callback)}"
            for url, pattern in our_urls()
            if not is_scoped_or_exempt(pattern.callback)
        )
        self.assertEqual(
            offenders, [],
            "these views use none of ScopedObjectsMixin / ScopedViewSetMixin / ScopedSelectorsMixin / "
            "NoScopedRowsMixin (function views: @scoped_view or @no_scoped_rows from nongzhuancheng.scoping):\n  " + "\n  ".join(offenders),
        )

    def test_every_view_of_our_apps_refuses_an_anonymous_visitor(self):
        login_paths = (reverse("login"), reverse("admin:login"))  # the admin's own views use its sign-in
        offenders = []
        for url, pattern in our_urls():
            name = view_name(pattern.callback)
            if name in PUBLIC_VIEWS or getattr(_view_class(pattern.callback), "public_page", False):
                continue  # open without sign-in by design (public.views.PublicPage: no personal data)
            match = resolve(url)
            if view_name(match.func) != name:
                offenders.append(f"{url} -> {name}: sample URL resolves to {view_name(match.func)}")
                continue
            response = self.client.get(url)
            method = "GET"
            if response.status_code == 405:
                response, method = self.client.post(url), "POST"
            status = response.status_code
            if status == 302 and not response["Location"].startswith(login_paths):
                offenders.append(f"{method} {url} -> {name}: redirects to {response['Location']}, not to sign-in")
            elif status not in (302, 401, 403):
                offenders.append(f"{method} {url} -> {name}: answers {status} to an anonymous visitor")
        self.assertEqual(offenders, [], "\n  ".join([""] + offenders))


def scoped_models():
    found = []
    for model in apps.get_models():
        managers = [m for m in model._meta.managers if isinstance(m.get_queryset(), ScopedQuerySet)]
        if managers:
            found.append((model, managers))
    return found


class ScopedModelsTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.complete(cls, cls.alice)
        cls.nobody = get_user_model().objects.create_user("nobody", password="pw-for-tests-1")

    def test_the_core_models_are_scoped(self):
        names = {model.__name__ for model, _ in scoped_models()}
        self.assertLessEqual({"PoliceStation", "Household", "TransferApplication", "Person", "ApplicationEvent"}, names)

    def test_every_model_that_belongs_to_a_place_or_a_case_has_a_scoped_manager(self):
        """A model pointing at a county, station, household, application or person is scoped, except
        StaffAssignment (who works where; administrators only) and the simple_history tables (read
        only through their scoped parent)."""
        places = {"nongzhuancheng.County", "nongzhuancheng.PoliceStation", "households.Household",
                  "households.TransferApplication", "households.Person"}
        scoped = {model for model, _ in scoped_models()}
        offenders = []
        for model in apps.get_models():
            if model._meta.app_label not in OUR_APPS or model in scoped:
                continue
            if model._meta.label == "nongzhuancheng.StaffAssignment" or hasattr(model, "instance_type"):
                continue  # simple_history's Historical* models carry instance_type
            links = [f.name for f in model._meta.get_fields()
                     if f.many_to_one and f.related_model is not None and f.related_model._meta.label in places]
            if links:
                offenders.append(f"{model._meta.label} (via {', '.join(links)})")
        self.assertEqual(offenders, [], "\n  ".join([""] + offenders))

    def test_every_scoped_model_gives_nothing_to_a_user_without_a_post(self):
        offenders = []
        for model, managers in scoped_models():
            for manager in managers:
                for who, user in (("signed-in user without a post", self.nobody), ("anonymous", AnonymousUser())):
                    qs = manager.all().for_user(user)
                    if not isinstance(qs, EmptyQuerySet) or qs.exists():
                        offenders.append(f"{model._meta.label}.{manager.name} for {who}")
        self.assertEqual(offenders, [], "\n  ".join([""] + offenders))

    def test_every_scoped_model_gives_rows_to_the_administrator(self):
        self.assertTrue(all(
            manager.all().for_user(self.root).count() == manager.all().count()
            for _, managers in scoped_models() for manager in managers
        ))

    def test_every_scoped_model_names_its_place_or_its_own_rule(self):
        offenders = [
            model._meta.label for model, _ in scoped_models()
            if not (getattr(model, "scope_county", None) or getattr(model, "scope_station", None)
                    or callable(getattr(model, "scope_for_user", None)))
        ]
        self.assertEqual(offenders, [], "give these scope_county / scope_station or scope_for_user")

    def test_every_admin_of_a_scoped_model_uses_the_scoped_admin_mixin(self):
        scoped = {model for model, _ in scoped_models()}
        offenders = sorted(
            f"{model._meta.label} -> {type(model_admin).__module__}.{type(model_admin).__qualname__}"
            for model, model_admin in admin.site._registry.items()
            if model in scoped and not isinstance(model_admin, ScopedAdminMixin)
            and model._meta.label not in CITY_WIDE_ADMINS
        )
        self.assertEqual(offenders, [], "\n  ".join([""] + offenders))


# URL parameter that names an object, per URL name, when the view itself does not say which model it
# shows (views built on scoped selectors). DRF viewsets are found from their ``queryset``.
OBJECT_URLS = {
    "households:application_detail": ("households.TransferApplication", "pk"),
    "households:application_move": ("households.TransferApplication", "pk"),
    "households:application_documents": ("households.TransferApplication", "pk"),
    "households:application_receipt": ("households.TransferApplication", "pk"),
    "households:person_id_reveal": ("households.Person", "pk"),
    "entitlements:person": ("households.Person", "person_pk"),
    "entitlements:case_move": ("entitlements.GuaranteeCase", "pk"),
    "entitlements:retention_move": ("entitlements.Retention", "pk"),
    "entitlements:retention_record": ("entitlements.Retention", "pk"),
    "reports:bulletin_detail": ("reports.Bulletin", "pk"),
    "reports:bulletin_pdf": ("reports.Bulletin", "pk"),
    "quotas:county": ("nongzhuancheng.County", "code"),
    "quotas:station": ("nongzhuancheng.PoliceStation", "code"),
    "progress-county": ("nongzhuancheng.County", "code"),
    "imports:job": ("households.ImportJob", "pk"),
    "imports:job_status": ("households.ImportJob", "pk"),
    "imports:job_run": ("households.ImportJob", "pk"),
    "imports:job_errors": ("households.ImportJob", "pk"),
    "households:attachment_add": ("households.TransferApplication", "pk"),
    "households:attachment_file": ("households.Attachment", "pk"),
    "households:application_correct": ("households.TransferApplication", "pk"),
    "households:correction_detail": ("households.CorrectionRequest", "pk"),
    "households:correction_move": ("households.CorrectionRequest", "pk"),
    "households:correction_evidence": ("households.CorrectionRequest", "pk"),
}


def make_import_job(user):
    """A finished spreadsheet import of the user's station (no files kept)."""
    ImportJob = apps.get_model("households", "ImportJob")
    station = user.assignment.station
    return ImportJob.objects.create(
        created_by=user, county=station.county, station=station, file="imports/done.csv",
        original_name="done.csv", file_format="csv", state="done", rows_total=1, rows_read=1, rows_written=1,
    )
FIXED_VALUES = {"action": "complete"}
MISSING = "999999999"


def object_model(name, callback):
    if name in OBJECT_URLS:
        label, param = OBJECT_URLS[name]
        return apps.get_model(label), param
    cls = getattr(callback, "cls", None)
    queryset = getattr(cls, "queryset", None)
    if queryset is not None and getattr(callback, "actions", None):
        return queryset.model, "pk"
    return None, None


class OutOfScopeLikeMissingTest(CastTestCase):
    """An object outside the user's scope answers exactly like one that does not exist: 404."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        app = cls.complete(cls, cls.alice)  # 昭阳区: outside the scope of bob, a clerk in 鲁甸县
        make_import_job(cls.alice)
        apps.get_model("households", "Attachment").objects.create(
            application=app, kind="id_card", file="attachments/none.png", content_type="image/png", size=1,
            sha256="0" * 64, original_name="none.png", uploaded_by=cls.alice)
        apps.get_model("households", "CorrectionRequest").objects.create(
            application=app, changes={}, reason="录入错误", requested_by=cls.alice, evidence="corrections/none.pdf",
            evidence_type="application/pdf")

    def out_of_scope_object(self, model):
        if model._meta.label == "nongzhuancheng.County":
            return model.objects.exclude(pk=self.bob.assignment.county_id).first()
        visible = model._default_manager.for_user(self.bob).values("pk")
        return model._default_manager.exclude(pk__in=visible).order_by("pk").first()

    def answer(self, url):
        response = self.client.get(url)
        if response.status_code == 405:
            return "POST", self.client.post(url).status_code
        return "GET", response.status_code

    def test_every_object_url_answers_an_out_of_scope_object_like_a_missing_one(self):
        self.login(self.bob)
        offenders, checked = [], []
        for _, pattern, name in our_urls(with_names=True):
            model, param = object_model(name, pattern.callback)
            if model is None or param not in _group_names(pattern.pattern):
                continue
            obj = self.out_of_scope_object(model)
            if obj is None:
                continue
            value = getattr(obj, param if param != "person_pk" else "pk")
            urls = {
                url: pattern_ for url, pattern_, name_ in our_urls({**FIXED_VALUES, param: value}, with_names=True)
                if name_ == name
            }
            missing = [url for url, _, name_ in our_urls({**FIXED_VALUES, param: MISSING}, with_names=True)
                       if name_ == name]
            for url, missing_url in zip(urls, missing, strict=True):
                method, status = self.answer(url)
                _, missing_status = self.answer(missing_url)
                checked.append(name)
                if status != missing_status or (method == "GET" and status != 404) or status < 400:
                    offenders.append(f"{method} {url} ({name}, {model._meta.label}) -> {status}; "
                                     f"a missing one -> {missing_status}")
        self.assertGreaterEqual(len(checked), 5, checked)
        self.assertEqual(offenders, [], "\n  ".join([""] + offenders))


class AdminOutOfScopeLikeMissingTest(CastTestCase):
    """Every admin view of a scoped model (change, delete, history and, with simple-history, each
    historical version) answers an object out of scope exactly like a missing one, to a staff
    county officer who holds every model permission."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from django.contrib.auth.models import Permission

        cls.complete(cls, cls.alice)  # 昭阳区: outside erin's county (鲁甸县)
        make_import_job(cls.alice)
        cls.erin.is_staff = True
        cls.erin.save(update_fields=["is_staff"])
        cls.erin.user_permissions.set(Permission.objects.all())

    def admin_urls(self, model, model_admin, pk):
        info = (model._meta.app_label, model._meta.model_name)
        urls = [reverse(f"admin:{info[0]}_{info[1]}_change", args=[pk]),
                reverse(f"admin:{info[0]}_{info[1]}_history", args=[pk])]
        try:
            urls.append(reverse(f"admin:{info[0]}_{info[1]}_delete", args=[pk]))
        except Exception:
            pass
        history = getattr(model, "history", None)
        if history is not None and hasattr(model_admin, "history_form_view"):
            version = history.filter(**{model._meta.pk.attname: pk}).order_by("history_id").first()
            if version is not None:
                urls.append(reverse(f"admin:{info[0]}_{info[1]}_simple_history", args=[pk, version.history_id]))
        return urls

    def answer(self, url):
        response = self.client.get(url)
        location = response.get("Location", "")
        return response.status_code, location if response.status_code == 302 else ""

    def test_every_admin_view_of_a_scoped_model_answers_an_out_of_scope_object_like_a_missing_one(self):
        self.client.force_login(self.erin)
        offenders, checked = [], 0
        for model, model_admin in admin.site._registry.items():
            if not isinstance(model_admin, ScopedAdminMixin) or model._meta.label in CITY_WIDE_ADMINS:
                continue
            visible = model._default_manager.for_user(self.erin).values("pk")
            obj = model._default_manager.exclude(pk__in=visible).order_by("pk").first()
            if obj is None:
                continue
            for url, missing in zip(self.admin_urls(model, model_admin, obj.pk),
                                    self.admin_urls(model, model_admin, MISSING), strict=False):
                checked += 1
                status, location = self.answer(url)
                if status == 200 or (status, location) != self.answer(missing)[:2] and status != 404:
                    offenders.append(f"{url} ({model._meta.label}) -> {status} {location}")
        self.assertGreaterEqual(checked, 8)
        self.assertEqual(offenders, [], "\n  ".join([""] + offenders))

    def test_a_history_version_of_an_object_out_of_scope_answers_404(self):
        from households.models import Person

        person = Person.objects.first()
        version = person.history.first()
        self.client.force_login(self.erin)
        url = reverse("admin:households_person_simple_history", args=[person.pk, version.history_id])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(reverse("admin:households_person_history", args=[person.pk])).status_code,
                         404)
        self.client.force_login(self.dave)  # the county officer of the person's county, with no admin rights
        self.assertNotEqual(self.client.get(url).status_code, 200)
