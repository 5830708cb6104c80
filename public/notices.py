"""How a notice reaches an applicant: a backend class named by settings.NZC_NOTICE_BACKEND.

ConsoleBackend prints (development), FileBackend writes one file per notice, and an SMS gateway is
an adapter: a subclass of SmsGatewayBackend that speaks the gateway's protocol (HttpSmsGatewayBackend
posts JSON to NZC_SMS_GATEWAY_URL). A backend raises NoticeBackendError when the message was not
accepted; the sending task then tries again later.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string


class NoticeBackendError(Exception):
    """The backend did not accept the message (it will be tried again)."""


class NoticeBackend:
    """Sends one text to one phone number; returns the backend's reference for it ('' if none)."""

    def send(self, *, to: str, body: str, notice_id: int) -> str:
        raise NotImplementedError


class ConsoleBackend(NoticeBackend):
    def send(self, *, to: str, body: str, notice_id: int) -> str:
        stream = sys.stdout
        stream.write(f"--- notice {notice_id} to {to}\n{body}\n")
        stream.flush()
        return ""


class FileBackend(NoticeBackend):
    def send(self, *, to: str, body: str, notice_id: int) -> str:
        directory = settings.NZC_NOTICE_FILE_DIR
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"notice-{notice_id}.txt"
        path.write_text(f"To: {to}\n\n{body}\n", encoding="utf-8")
        return path.name


class SmsGatewayBackend(NoticeBackend):
    """Base of the adapters to an SMS gateway: puts the signature before the text."""

    def send(self, *, to: str, body: str, notice_id: int) -> str:
        return self.deliver(to=to, text=f"{settings.NZC_SMS_SIGNATURE}{body}", reference=f"nzc-{notice_id}")

    def deliver(self, *, to: str, text: str, reference: str) -> str:
        raise NotImplementedError


class HttpSmsGatewayBackend(SmsGatewayBackend):
    """A gateway that takes ``{"phone", "content", "reference"}`` as JSON with a bearer key."""

    timeout = 10

    def deliver(self, *, to: str, text: str, reference: str) -> str:
        if not settings.NZC_SMS_GATEWAY_URL:
            raise NoticeBackendError("NZC_SMS_GATEWAY_URL is not set")
        request = urllib.request.Request(
            settings.NZC_SMS_GATEWAY_URL,
            data=json.dumps({"phone": to, "content": text, "reference": reference}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.NZC_SMS_GATEWAY_KEY}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                return response.read(200).decode("utf-8", "replace")
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise NoticeBackendError(str(exc)) from exc


def get_backend() -> NoticeBackend:
    return import_string(settings.NZC_NOTICE_BACKEND)()
