"""The second step of signing in: a one-time code (TOTP, django-otp) after the password.

Roles holding ``SECOND_FACTOR`` in the policy (administrators and the city office) must enrol a
device and give a code at every sign-in; any other user may enrol one, and is then asked for a code
too. Until the code is given, the session reaches only the pages below, sign-out and static files.
"""

import base64
import time
from collections.abc import Callable
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework import serializers as drf_serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import AnonRateThrottle

from .scoping import SECOND_FACTOR, allows
from .security import safe_next

# Paths an unverified session may still reach (besides the two views below).
OPEN_PREFIXES = ("/accounts/logout/", "/accounts/login/", "/i18n/", "/static/")
# Session keys: whether this sign-in needs a code (decided once, at sign-in), and when the session
# was last renewed (SessionRenewalMiddleware).
NEEDS_CODE = "nzc_needs_code"
RENEWED_AT = "nzc_renewed_at"
# A session is written back at most this often just to push its idle expiry on.
RENEW_EVERY_SECONDS = 60


def second_factor_required(user: Any) -> bool:
    """Whether the user must give a one-time code: by role, or because the user enrolled a device."""
    if not getattr(user, "is_authenticated", False):
        return False
    return allows(user, SECOND_FACTOR) or TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def has_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@receiver(user_logged_in)
def _decide_at_sign_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[NEEDS_CODE] = second_factor_required(user)
        request.session[RENEWED_AT] = int(time.time())


class SessionRenewalMiddleware:
    """Idle expiry (SESSION_COOKIE_AGE seconds): a session in use is renewed, but written back at
    most once a minute, so most requests cost no session write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and session.session_key:
            now = int(time.time())
            if now - int(session.get(RENEWED_AT, 0)) >= RENEW_EVERY_SECONDS:
                session[RENEWED_AT] = now  # modified: SessionMiddleware saves it with a new expiry
        return response


class SecondFactorMiddleware:
    """Sends a password-only session of a user who needs a code to the code page (or to enrolment
    when the user has no device yet); the API answers such a session 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)  # no session: not signed in (and no Vary: Cookie)
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]  # django-otp's middleware adds it
            and not request.path.startswith(OPEN_PREFIXES)
            and request.path not in (reverse("otp_verify"), reverse("otp_enrol"))
            and self.needs_code(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": str(_("请先完成动态验证码验证。"))}, status=403)
            target = "otp_verify" if has_device(user) else "otp_enrol"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def needs_code(request: HttpRequest) -> bool:
        needs = request.session.get(NEEDS_CODE)
        if needs is None:  # a session from before this rule: decide now, once
            needs = request.session[NEEDS_CODE] = second_factor_required(request.user)
        return bool(needs)


class CodeForm(forms.Form):
    token = forms.CharField(label=_("动态验证码"), min_length=6, max_length=6,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                          "autofocus": True}))


class _SecondFactorPage(LoginRequiredMixin, FormView):
    form_class = CodeForm
    shows_no_scoped_rows = True  # the URL walk: no scoped rows on these pages

    def done(self) -> HttpResponse:
        return redirect(safe_next(self.request, self.request.GET.get("next"), reverse("home")))


class VerifyView(_SecondFactorPage):
    """The code after the password, from the user's enrolled device."""

    template_name = "registration/otp_verify.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not has_device(request.user):
            return redirect(reverse("otp_enrol"))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: CodeForm) -> HttpResponse:
        for device in TOTPDevice.objects.filter(user=self.request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(self.request, device)
                return self.done()
        form.add_error("token", _("验证码不正确或已过期，请重新输入。"))
        return self.form_invalid(form)


class EnrolView(_SecondFactorPage):
    """Enrolment: a new key shown as a QR code (and as text); the first right code confirms it.
    A user who already has a device must give its code first (the middleware sees to it)."""

    template_name = "registration/otp_enrol.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and has_device(request.user) and not request.user.is_verified():  # type: ignore[attr-defined]
            return redirect(reverse("otp_verify"))  # a password alone never adds a device
        return super().dispatch(request, *args, **kwargs)

    def device(self) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=self.request.user, confirmed=False).first()
        return device or TOTPDevice.objects.create(user=self.request.user, name="TOTP", confirmed=False)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        device = self.device()
        svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
        context.update(
            qr_src="data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(),
            key=base64.b32encode(device.bin_key).decode(),
            required=allows(self.request.user, SECOND_FACTOR),
            enrolled=has_device(self.request.user),
        )
        return context

    def form_valid(self, form: CodeForm) -> HttpResponse:
        device = self.device()
        if not device.verify_token(form.cleaned_data["token"]):
            form.add_error("token", _("验证码不正确或已过期，请重新输入。"))
            return self.form_invalid(form)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(self.request, device)
        return self.done()


class TokenSerializer(AuthTokenSerializer):
    """Username and password, and the one-time code for a user who needs one."""

    code = drf_serializers.CharField(label=_("动态验证码"), required=False, allow_blank=True, write_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        user = attrs["user"]
        if second_factor_required(user):
            code = attrs.get("code") or ""
            devices = TOTPDevice.objects.filter(user=user, confirmed=True)
            if not code or not any(d.verify_token(code) for d in devices):  # no code is no attempt
                raise drf_serializers.ValidationError({"code": [_("请提供正确的动态验证码。")]}, code="authorization")
        return attrs


class TokenView(ObtainAuthToken):
    """The API token: the password and, for users who sign in with a code, the code too."""

    serializer_class = TokenSerializer
    throttle_classes = [AnonRateThrottle]
    shows_no_scoped_rows = True
