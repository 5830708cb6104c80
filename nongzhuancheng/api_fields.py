"""Serializer fields of the API that keep to the types its schema declares."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class TextField(serializers.CharField):
    """A string, as the schema says: a number or a boolean in its place is refused (DRF's CharField
    would turn ``0`` into ``"0"``), so a malformed body answers 400 like a malformed parameter."""

    default_error_messages = {"not_text": _("须为文本（字符串）。")}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)
