"""Hardening: the headers browsers enforce, no inline script anywhere, safe ``next``, the API's 401."""

import re
from pathlib import Path

from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests.base import CastTestCase

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*["']""", re.I)
STYLE_BLOCK = re.compile(r"<style(?![^>]*\bnonce=)[^>]*>", re.I)
# Templates WeasyPrint renders to PDF (never served to a browser): their <style> blocks are theirs.
PDF_TEMPLATES = {"reports/bulletin.html", "oversight/assessment_report.html"}


class TemplatesTest(SimpleTestCase):
    def offenders(self, pattern, skip=frozenset()):
        found = []
        for path in TEMPLATES:
            name = str(path.relative_to(ROOT / "templates"))
            if name in skip:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    found.append(f"{name}:{number}: {line.strip()[:120]}")
        return found

    def test_it_finds_the_templates_of_every_app(self):
        folders = {p.relative_to(ROOT / "templates").parts[0] for p in TEMPLATES}
        self.assertLessEqual({"households", "entitlements", "oversight", "public", "reports", "quotas"}, folders)

    def test_no_template_has_an_inline_script(self):
        self.assertEqual(self.offenders(INLINE_SCRIPT), [])

    def test_no_template_has_an_inline_event_handler(self):
        self.assertEqual(self.offenders(HANDLER), [])

    def test_no_page_template_has_a_style_attribute_or_a_style_block_without_the_nonce(self):
        self.assertEqual(self.offenders(STYLE_ATTRIBUTE), [])
        self.assertEqual(self.offenders(STYLE_BLOCK, skip=PDF_TEMPLATES), [])


class HeadersTest(CastTestCase):
    def test_a_page_sends_a_policy_that_allows_no_inline_script(self):
        self.login(self.alice)
        response = self.client.get(reverse("households:application_list"))
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        self.assertEqual(directives["script-src"], "'self'")
        self.assertNotIn("unsafe-inline", directives["style-src"])
        self.assertEqual(directives["object-src"], "'none'")
        self.assertEqual(directives["frame-ancestors"], "'none'")
        self.assertIn('src="/static/js/site.js"', response.content.decode())

    def test_the_public_pages_send_the_policy_too(self):
        response = self.client.get(reverse("public:guide"))
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])
        self.assertNotIn("<style>", response.content.decode())

    def test_every_response_refuses_camera_microphone_and_location(self):
        response = self.client.get(reverse("login"))
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()"):
            self.assertIn(feature, policy)
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["Referrer-Policy"], "same-origin")

    @override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
                       SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
    def test_behind_https_it_sends_hsts(self):
        response = self.client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https")
        self.assertEqual(response["Strict-Transport-Security"], "max-age=31536000; includeSubDomains")
        self.assertNotIn("Strict-Transport-Security", self.client.get(reverse("login")))

    def test_the_session_cookie_is_http_only(self):
        from django.conf import settings

        self.assertTrue(settings.SESSION_COOKIE_HTTPONLY)


class ApiAuthenticationTest(CastTestCase):
    def test_missing_credentials_answer_401_with_www_authenticate(self):
        for url in ("/api/v1/applications/", "/api/v1/progress/"):
            response = APIClient().get(url)
            self.assertEqual(response.status_code, 401, url)
            self.assertEqual(response["WWW-Authenticate"], "Token")

    def test_a_bad_token_answers_401(self):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
        self.assertEqual(client.get("/api/v1/applications/").status_code, 401)

    def test_a_signed_in_user_without_the_right_still_gets_403(self):
        self.login(self.frank)
        response = self.client.post("/api/v1/applications/", {}, content_type="application/json")
        self.assertEqual(response.status_code, 403)

    @override_settings(REST_FRAMEWORK={
        **__import__("django.conf").conf.settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "3/min"},
    })
    def test_the_api_is_throttled_per_user_and_for_anonymous_clients(self):
        from django.core.cache import cache
        from rest_framework.settings import api_settings
        from rest_framework.throttling import SimpleRateThrottle

        cache.clear()
        original = SimpleRateThrottle.THROTTLE_RATES  # read once by DRF at import: swap it for the test
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        try:
            # without credentials the API answers 401 before any work; what anonymous clients can
            # reach (the token exchange) is throttled per address
            anonymous = [APIClient().post("/api/v1/auth/token/", {"username": "alice", "password": "x"}).status_code
                         for _ in range(3)]
            self.assertEqual(anonymous, [400, 400, 429])
            api = APIClient()
            api.force_authenticate(self.alice)
            statuses = [api.get("/api/v1/applications/").status_code for _ in range(4)]
            self.assertEqual(statuses, [200, 200, 200, 429])
        finally:
            cache.clear()
            SimpleRateThrottle.THROTTLE_RATES = original


class SafeNextTest(CastTestCase):
    def test_an_entitlement_form_follows_no_next_to_another_host(self):
        from entitlements.models import Retention

        app = self.complete(self.alice)
        retention = Retention.objects.filter(person__application=app).first()
        self.login(self.dave)
        for evil in ("/\\evil.example", "//evil.example", "https://evil.example/", "\\\\evil.example"):
            response = self.client.post(reverse("entitlements:retention_record", args=[retention.pk]),
                                        {"next": evil, "note": ""})
            self.assertEqual(response.status_code, 302)
            self.assertFalse(response["Location"].lstrip("/").lstrip("\\").startswith("evil"), evil)
            self.assertTrue(response["Location"].startswith("/entitlements/"), response["Location"])

    def test_an_entitlement_form_follows_a_next_of_this_site(self):
        from entitlements.models import Retention

        app = self.complete(self.alice)
        retention = Retention.objects.filter(person__application=app).first()
        self.login(self.dave)
        response = self.client.post(reverse("entitlements:retention_record", args=[retention.pk]),
                                    {"next": "/entitlements/", "note": ""})
        self.assertEqual(response["Location"], "/entitlements/")

    def test_the_sign_in_page_follows_no_next_to_another_host(self):
        from tests.base import PASSWORD

        response = self.client.post(reverse("login") + "?next=/%5Cevil.example",
                                    {"username": "alice", "password": PASSWORD, "next": "/\\evil.example"})
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("evil", response["Location"])
