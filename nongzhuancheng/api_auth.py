"""API tokens that expire: a token older than ``NZC_API_TOKEN_DAYS`` days is refused (401) and
deleted; the user asks an administrator for a new one."""

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .scoping import ASSIGNMENT_PATHS


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        # as DRF's, with the user's assignment in the same query (scoping reads it on every request)
        model: Any = self.get_model()
        try:
            token = model.objects.select_related("user", *(f"user__{path}" for path in ASSIGNMENT_PATHS)).get(key=key)
        except model.DoesNotExist:
            token = None
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)  # DRF's own refusal: invalid, or the user inactive
        user = token.user
        age = timezone.now() - token.created
        if age > datetime.timedelta(days=settings.NZC_API_TOKEN_DAYS):
            token.delete()
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新申请。"))
        return user, token
