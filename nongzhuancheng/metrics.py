"""Prometheus metrics at ``/metrics`` (for an allowed address, the ops token or OPS_VIEW: ``ops.py``).

django-prometheus counts requests, responses, latencies and database queries of the process that
serves the scrape. Ours are read from the database at each scrape, so they are the same whichever
web process answers and cover what the workers did:

- ``nzc_jobs{kind,state}``: imports, exports and bulletins by state;
- ``nzc_queue_waiting{kind}``, ``nzc_queue_oldest_wait_seconds{kind}``: jobs waiting for a worker;
- ``nzc_outbox_unsent``, ``nzc_outbox_oldest_unsent_seconds``: the outbox's backlog;
- ``nzc_heartbeat_age_seconds{part}``: the worker's and beat's last signs of life;
- and what each app adds (``register_source``): ``nzc_bulletin_render_seconds`` (reports),
  ``nzc_import_rows_written_total`` and ``nzc_import_rows_per_second`` (households).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

import prometheus_client
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views import View
from prometheus_client.core import GaugeMetricFamily, Metric

from .heartbeats import BEAT, WORKER, heartbeat_age
from .job_kinds import KINDS

SOURCES: list[Callable[[], Iterable[Metric]]] = []


def register_source(source: Callable[[], Iterable[Metric]]) -> None:
    """An app's metrics, read at each scrape (registered in its AppConfig.ready)."""
    if source not in SOURCES:
        SOURCES.append(source)


class DatabaseCollector:
    def describe(self) -> list[Metric]:
        return []  # nothing is read when the collector is registered

    def collect(self) -> Iterable[Metric]:
        from django.db.models import Count, Min

        from .models import OutboxMessage

        now = timezone.now()
        jobs = GaugeMetricFamily("nzc_jobs", "Background jobs by kind and state", labels=["kind", "state"])
        waiting = GaugeMetricFamily("nzc_queue_waiting", "Jobs waiting for a worker", labels=["kind"])
        oldest = GaugeMetricFamily("nzc_queue_oldest_wait_seconds", "Seconds the longest-waiting job has waited",
                                   labels=["kind"])
        for name, kind in sorted(KINDS.items()):
            for state, n in sorted(kind.by_state().items()):
                jobs.add_metric([name, state], n)
            waiting.add_metric([name], kind.waiting().count())
            oldest.add_metric([name], kind.oldest_waiting(now=now) or 0.0)
        yield from (jobs, waiting, oldest)
        backlog = OutboxMessage.objects.filter(sent_at__isnull=True).aggregate(n=Count("pk"), at=Min("created_at"))
        yield GaugeMetricFamily("nzc_outbox_unsent", "Tasks in the outbox not yet taken by the broker",
                                value=backlog["n"])
        yield GaugeMetricFamily("nzc_outbox_oldest_unsent_seconds", "Age of the oldest unsent task",
                                value=(now - backlog["at"]).total_seconds() if backlog["at"] else 0.0)
        beats = GaugeMetricFamily("nzc_heartbeat_age_seconds", "Seconds since a background part was last seen "
                                  "(-1: never)", labels=["part"])
        for part in (WORKER, BEAT):
            age = heartbeat_age(part, now=now)
            beats.add_metric([part], age.total_seconds() if age is not None else -1.0)
        yield beats
        for source in SOURCES:
            yield from source()


COLLECTOR = DatabaseCollector()


def registry() -> Any:
    """The process's registry (django-prometheus's metrics and ours); with PROMETHEUS_MULTIPROC_DIR
    (gunicorn with several processes) the processes' files merged, and ours."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        from prometheus_client import multiprocess

        merged = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(merged)
        merged.register(COLLECTOR)
        return merged
    return prometheus_client.REGISTRY


try:
    prometheus_client.REGISTRY.register(COLLECTOR)
except ValueError:  # registered already (the module imported twice)
    pass


class MetricsView(View):
    """The metrics in Prometheus's text format; 403 to anyone not allowed to scrape."""

    shows_no_scoped_rows = True
    public_page = True  # reached by Prometheus without sign-in: admitted by address or token only

    def get(self, request: HttpRequest) -> HttpResponse:
        from .ops import may_scrape

        if not may_scrape(request):
            return HttpResponse("forbidden\n", status=403, content_type="text/plain")
        response = HttpResponse(prometheus_client.generate_latest(registry()),
                                content_type=prometheus_client.CONTENT_TYPE_LATEST)
        response["Cache-Control"] = "no-store"
        return response
