"""Signing in: lockouts after repeated failures, password rules, idle expiry, the second factor."""

import base64
import re
import time

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.management.commands.seed_demo_users import DEMO_PASSWORD
from nongzhuancheng import signin
from tests.base import PASSWORD, CastTestCase


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    """The code an authenticator app shows now for the device's key (``offset`` steps away)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():0{device.digits}d}"


class LockoutTest(CastTestCase):
    def sign_in(self, password, username="alice"):
        return self.client.post(reverse("login"), {"username": username, "password": password})

    def test_a_wrong_password_is_refused_with_a_message(self):
        response = self.sign_in("wrong-password")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "用户名或密码错误")

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_repeated_failures_lock_the_user_out_with_a_clear_chinese_message(self):
        for _ in range(2):
            self.assertEqual(self.sign_in("wrong-password").status_code, 200)
        locked = self.sign_in("wrong-password")
        self.assertEqual(locked.status_code, 429)
        self.assertContains(locked, "账号已暂时锁定", status_code=429)
        self.assertContains(locked, "密码连续输错 3 次", status_code=429)
        self.assertContains(locked, "15 分钟后再试", status_code=429)
        # even the right password is refused while the lock holds
        self.assertEqual(self.sign_in(PASSWORD).status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_a_lockout_of_one_user_does_not_lock_another(self):
        for _ in range(3):
            self.sign_in("wrong-password")
        response = self.sign_in(PASSWORD, username="bob")
        self.assertEqual(response.status_code, 302)

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_a_successful_sign_in_clears_the_count(self):
        self.sign_in("wrong-password")
        self.sign_in("wrong-password")
        self.assertEqual(self.sign_in(PASSWORD).status_code, 302)
        self.client.post(reverse("logout"))
        self.sign_in("wrong-password")
        self.sign_in("wrong-password")
        self.assertEqual(self.sign_in(PASSWORD).status_code, 302)


class PasswordRulesTest(CastTestCase):
    def refuses(self, password, user=None):
        with self.assertRaises(ValidationError):
            validate_password(password, user)

    def test_it_refuses_common_numeric_short_and_user_similar_passwords(self):
        self.refuses("12345678")
        self.refuses("password")
        self.refuses("1234567890123")
        self.refuses("qwertyuiop")
        self.refuses("short1!")
        self.alice.first_name, self.alice.email = "alicewang", "alicewang@example.cn"
        self.refuses("alicewang1", self.alice)

    def test_it_accepts_the_demo_password_and_a_good_one(self):
        validate_password(DEMO_PASSWORD, self.alice)
        validate_password("lu-dian-green-channel", self.alice)


class IdleExpiryTest(CastTestCase):
    def test_a_session_expires_after_the_idle_setting_and_is_renewed_by_use(self):
        self.login(self.alice)
        self.assertEqual(self.client.session.get_expiry_age(), 30 * 60)
        session = self.client.session
        session[signin.RENEWED_AT] = int(time.time()) - 120  # last renewed two minutes ago
        session.save()
        before = self.client.session.get_expiry_date()
        self.client.get(reverse("households:application_list"))
        self.assertGreater(self.client.session.get_expiry_date(), before)

    @override_settings(SESSION_COOKIE_AGE=60)
    def test_an_idle_session_is_signed_out(self):
        self.login(self.alice)
        session = self.client.session
        session.set_expiry(-1)  # its idle time has run out
        session.save()
        response = self.client.get(reverse("households:application_list"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("login")))


class SecondFactorTest(CastTestCase):
    def password_step(self, user):
        response = self.client.post(reverse("login"), {"username": user.username, "password": PASSWORD,
                                                       "next": "/households/"})
        self.assertEqual(response.status_code, 302)
        return response

    def enrol(self):
        page = self.client.get(reverse("otp_enrol"))
        self.assertEqual(page.status_code, 200)
        device = TOTPDevice.objects.get(user=page.wsgi_request.user, confirmed=False)
        return page, device

    def test_the_city_office_must_enrol_a_device_before_any_page(self):
        self.password_step(self.frank)
        response = self.client.get(reverse("quotas:dashboard"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("otp_enrol")))
        api = self.client.get("/api/v1/progress/")
        self.assertEqual(api.status_code, 403)

    def test_enrolment_shows_a_qr_code_and_the_key_and_confirms_with_a_real_code(self):
        self.password_step(self.frank)
        page, device = self.enrol()
        self.assertContains(page, 'src="data:image/svg+xml;base64,')
        key = re.search(r'class="otp-key">([A-Z2-7=]+)<', page.content.decode()).group(1)
        self.assertEqual(base64.b32decode(key), device.bin_key)
        wrong = self.client.post(reverse("otp_enrol"), {"token": "000000" if code_for(device) != "000000" else "111111"})
        self.assertContains(wrong, "验证码不正确")
        device.refresh_from_db()
        self.assertEqual(device.throttling_failure_count, 1)  # django-otp slows repeated wrong codes
        device.throttle_reset()
        done = self.client.post(reverse("otp_enrol") + "?next=/progress/", {"token": code_for(device)})
        self.assertRedirects(done, "/progress/", fetch_redirect_response=False)
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertEqual(self.client.get(reverse("quotas:dashboard")).status_code, 200)

    def test_an_administrator_with_a_device_gives_a_code_after_the_password(self):
        device = TOTPDevice.objects.create(user=self.root, name="phone", confirmed=True)
        self.password_step(self.root)
        response = self.client.get("/admin/")
        self.assertTrue(response["Location"].startswith(reverse("otp_verify")))
        # a password alone cannot add another device
        self.assertRedirects(self.client.get(reverse("otp_enrol")), reverse("otp_verify"),
                             fetch_redirect_response=False)
        self.assertContains(self.client.post(reverse("otp_verify"), {"token": "12345"}), "动态验证码")  # too short
        ok = self.client.post(reverse("otp_verify") + "?next=/admin/", {"token": code_for(device)})
        self.assertRedirects(ok, "/admin/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_a_used_or_stale_code_is_refused(self):
        device = TOTPDevice.objects.create(user=self.root, name="phone", confirmed=True)
        self.password_step(self.root)
        stale = self.client.post(reverse("otp_verify"), {"token": code_for(device, offset=-10)})
        self.assertContains(stale, "验证码不正确")

    def test_the_code_page_follows_only_a_next_of_this_site(self):
        device = TOTPDevice.objects.create(user=self.root, name="phone", confirmed=True)
        self.password_step(self.root)
        ok = self.client.post(reverse("otp_verify") + "?next=/%5Cevil.example", {"token": code_for(device)})
        self.assertRedirects(ok, reverse("home"), fetch_redirect_response=False)

    def test_a_clerk_needs_no_code_but_may_enrol_one(self):
        self.password_step(self.alice)
        self.assertEqual(self.client.get(reverse("households:application_list")).status_code, 200)
        page, device = self.enrol()
        self.assertContains(page, "可选")
        self.client.post(reverse("otp_enrol"), {"token": code_for(device)})
        self.client.post(reverse("logout"))
        self.password_step(self.alice)
        response = self.client.get(reverse("households:application_list"))
        self.assertTrue(response["Location"].startswith(reverse("otp_verify")))

    def test_the_api_with_a_token_is_not_asked_for_a_code(self):
        from rest_framework.authtoken.models import Token

        token = Token.objects.create(user=self.frank)
        response = self.client.get("/api/v1/progress/", HTTP_AUTHORIZATION=f"Token {token.key}")
        self.assertEqual(response.status_code, 200)


class ApiTokenTest(CastTestCase):
    def post(self, **data):
        from rest_framework.test import APIClient

        return APIClient().post("/api/v1/auth/token/", data, format="json")

    def test_a_clerk_gets_a_token_with_the_password(self):
        self.assertEqual(self.post(username="alice", password=PASSWORD).status_code, 200)

    def test_the_city_office_needs_the_code_too(self):
        device = TOTPDevice.objects.create(user=self.frank, name="phone", confirmed=True)
        refused = self.post(username="frank", password=PASSWORD)
        self.assertEqual(refused.status_code, 400)
        self.assertIn("code", refused.json())
        self.assertNotIn("token", refused.json())
        self.assertEqual(self.post(username="frank", password=PASSWORD, code=code_for(device)).status_code, 200)

    def test_the_city_office_without_a_device_gets_no_token(self):
        self.assertEqual(self.post(username="frank", password=PASSWORD).status_code, 400)
