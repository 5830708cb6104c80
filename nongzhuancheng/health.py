"""Liveness and readiness (django-health-check's checks and report, our own checks of the parts).

``/health/live/`` answers 200 while the process serves requests: it touches nothing else (a container
that fails it is restarted). ``/health/`` runs every check and answers 200 when all pass, 503 when one
fails:

========== =====================================================================================
database   ``SELECT 1`` on the default database (django-health-check's ``Database``)
cache      a value set and read back (django-health-check's ``Cache``: Redis with ``CACHE_URL``)
broker     a PING to Celery's broker (Redis); passes when tasks run eagerly (no broker)
media      a file written and deleted under ``MEDIA_ROOT`` (uploads, exports, bulletin PDFs)
private    the same under ``NZC_PRIVATE_ROOT`` (the scans of applicants' documents)
worker     a worker's heartbeat younger than ``NZC_WORKER_STALE_SECONDS``
beat       beat's last run (the outbox dispatch, every 5 s) younger than the same
queues     the longest-waiting import, export and bulletin not older than ``NZC_QUEUE_MAX_WAIT_SECONDS``
outbox     no task unsent for longer than ``NZC_OUTBOX_MAX_AGE_SECONDS`` (the broker refused it)
========== =====================================================================================

``?part=web`` runs only what the web process itself needs (database, cache, media, private): the
web container's health check, which must not fail because a worker is down.

Who sees what: anyone gets the status code and ``{"status": "ok"}`` or ``{"status": "fail"}``; the
operator's token or a user granted ``OPS_VIEW`` (``nongzhuancheng/ops.py``) also gets each check
with its state and error, as JSON (``Accept: application/json`` or ``?format=json``) or a page. The
report holds counts, ages and the parts' names only: no personal data, no paths, no addresses.
"""

from __future__ import annotations

import dataclasses
import datetime
import inspect
import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from asgiref.sync import async_to_sync
from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views import View
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.exceptions import HealthCheckException, ServiceUnavailable

from .heartbeats import BEAT, WORKER, heartbeat_age
from .job_kinds import KINDS
from .params import ParamsForm, read


def _broker_eager() -> bool:
    from .celery import app

    return bool(app.conf.task_always_eager)


@dataclasses.dataclass
class Broker(HealthCheck):
    """Celery's broker answers a PING (Redis)."""

    def run(self) -> None:
        if _broker_eager():
            self.detail = "tasks run in the web process (no broker)"
            return
        import redis

        from .celery import app

        url = str(app.conf.broker_url)
        if not url.startswith(("redis://", "rediss://")):
            self.detail = "not a Redis broker: not checked"
            return
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        except redis.RedisError as exc:
            raise ServiceUnavailable("the broker does not answer") from exc
        finally:
            client.close()


@dataclasses.dataclass
class Writable(HealthCheck):
    """A file can be written and removed in a directory (``setting`` names it)."""

    setting: str = "MEDIA_ROOT"

    def run(self) -> None:
        root = Path(getattr(settings, self.setting))
        try:
            root.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".health-{uuid.uuid4().hex[:8]}-", dir=root)
            try:
                os.write(handle, b"ok")
            finally:
                os.close(handle)
                os.unlink(name)
        except OSError as exc:
            raise ServiceUnavailable(f"{self.setting} is not writable") from exc


@dataclasses.dataclass
class Heartbeat(HealthCheck):
    """A background part (``name``: the worker, beat) has been seen recently."""

    name: str = WORKER

    def run(self) -> None:
        if _broker_eager():
            self.detail = "no broker: nothing runs in the background"
            return
        age = heartbeat_age(self.name)
        limit = datetime.timedelta(seconds=settings.NZC_WORKER_STALE_SECONDS)
        if age is None:
            raise ServiceUnavailable(f"no {self.name} has ever been seen")
        if age > limit:
            raise ServiceUnavailable(f"{self.name} last seen {int(age.total_seconds())} s ago")
        self.detail = f"last seen {int(age.total_seconds())} s ago"


@dataclasses.dataclass
class Queues(HealthCheck):
    """No import, export or bulletin waits for a worker longer than NZC_QUEUE_MAX_WAIT_SECONDS."""

    def run(self) -> None:
        now = timezone.now()
        limit = settings.NZC_QUEUE_MAX_WAIT_SECONDS
        parts, late = [], []
        for name, kind in sorted(KINDS.items()):
            oldest = kind.oldest_waiting(now=now)
            waiting = kind.waiting().count() if oldest is not None else 0
            parts.append(f"{name}: {waiting} waiting" + (f", oldest {int(oldest)} s" if oldest is not None else ""))
            if oldest is not None and oldest > limit:
                late.append(f"{name} waits {int(oldest)} s")
        self.detail = "; ".join(parts)
        if late:
            raise ServiceUnavailable("; ".join(late))


@dataclasses.dataclass
class Outbox(HealthCheck):
    """No task waits in the outbox (unsent) for longer than NZC_OUTBOX_MAX_AGE_SECONDS."""

    def run(self) -> None:
        from django.db.models import Count, Min

        from .models import OutboxMessage

        backlog = OutboxMessage.objects.filter(sent_at__isnull=True).aggregate(n=Count("pk"), oldest=Min("created_at"))
        age = (timezone.now() - backlog["oldest"]).total_seconds() if backlog["oldest"] else 0.0
        self.detail = f"{backlog['n']} unsent" + (f", oldest {int(age)} s" if backlog["n"] else "")
        if age > settings.NZC_OUTBOX_MAX_AGE_SECONDS:
            raise ServiceUnavailable(f"{backlog['n']} tasks unsent, the oldest for {int(age)} s")


# name -> check; "web": what the web process needs itself
CHECKS: dict[str, HealthCheck] = {
    "database": Database(),
    "cache": Cache(),
    "broker": Broker(),
    "media": Writable(setting="MEDIA_ROOT"),
    "private": Writable(setting="NZC_PRIVATE_ROOT"),
    "worker": Heartbeat(name=WORKER),
    "beat": Heartbeat(name=BEAT),
    "queues": Queues(),
    "outbox": Outbox(),
}
WEB = ("database", "cache", "media", "private")


@dataclasses.dataclass
class Outcome:
    name: str
    ok: bool
    message: str
    seconds: float


def run_checks(names: tuple[str, ...] | list[str] | None = None) -> list[Outcome]:
    """Run the checks (all, or those named), one after another in this thread (so that they read the
    request's own database connection), each with its own short timeouts."""
    outcomes = []
    for name in names or list(CHECKS):
        check = dataclasses.replace(CHECKS[name])  # a fresh instance: ``detail`` is per run
        check.detail = ""
        started = time.perf_counter()
        try:
            if inspect.iscoroutinefunction(check.run):
                async_to_sync(check.run)()
            else:
                check.run()
            ok, message = True, getattr(check, "detail", "") or "OK"
        except HealthCheckException as exc:
            ok, message = False, str(exc)
        except Exception as exc:  # a check that breaks is a failed check, never a 500
            ok, message = False, f"Unavailable: {type(exc).__name__}"
        outcomes.append(Outcome(name, ok, message, round(time.perf_counter() - started, 4)))
    return outcomes


class HealthParams(ParamsForm):
    part = forms.ChoiceField(required=False, label=_("范围"), choices=[("", ""), ("web", "web")])
    format = forms.ChoiceField(required=False, label=_("格式"), choices=[("", ""), ("json", "json"), ("html", "html")])


def _no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    patch_vary_headers(response, ["Accept", "Authorization", "Cookie"])
    return response


class LiveView(View):
    """The process answers: nothing else is touched (no database, no cache)."""

    shows_no_scoped_rows = True
    public_page = True  # open to anyone: it says only that the process is up

    def get(self, request: HttpRequest) -> HttpResponse:
        return _no_store(JsonResponse({"status": "ok"}))


class ReadyView(View):
    """The readiness report: the status code for anyone, the details for the operator."""

    shows_no_scoped_rows = True
    public_page = True  # open to anyone: without the ops token or OPS_VIEW only "ok" or "fail"

    def get(self, request: HttpRequest) -> HttpResponse:
        from .ops import may_see_details

        params = read(HealthParams, request.GET)
        outcomes = run_checks(WEB if params.get("part") == "web" else None)
        healthy = all(o.ok for o in outcomes)
        status = 200 if healthy else 503
        body: dict[str, Any] = {"status": "ok" if healthy else "fail"}
        if not may_see_details(request):
            return _no_store(JsonResponse(body, status=status))
        body["checks"] = {o.name: {"ok": o.ok, "message": o.message, "seconds": o.seconds} for o in outcomes}
        wants_json = params.get("format") == "json" or (
            params.get("format") != "html" and "text/html" not in request.headers.get("Accept", ""))
        if wants_json:
            return _no_store(JsonResponse(body, status=status))
        return _no_store(render(request, "health.html", {"healthy": healthy, "outcomes": outcomes}, status=status))
