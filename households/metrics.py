"""The imports' metrics (``nongzhuancheng.metrics.register_source``), read from the database."""

import datetime
from collections.abc import Iterable

from django.db.models import Sum
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from .import_models import ImportJob

RECENT = datetime.timedelta(hours=24)


def import_metrics() -> Iterable[Metric]:
    done = ImportJob.objects.filter(state=ImportJob.State.DONE)
    written = done.aggregate(n=Sum("rows_written"))["n"] or 0
    yield CounterMetricFamily("nzc_import_rows_written", "People written by finished imports", value=written)
    # rows per second of writing, over the imports finished in the last 24 hours (a few rows each day)
    rows, seconds = 0, 0.0
    for n, timings in done.filter(finished_at__gte=timezone.now() - RECENT).values_list("rows_written", "timings"):
        took = (timings or {}).get("write")
        if n and isinstance(took, (int, float)) and took > 0:
            rows, seconds = rows + n, seconds + float(took)
    yield GaugeMetricFamily("nzc_import_rows_per_second", "People written per second by the last day's imports",
                            value=rows / seconds if seconds else 0.0)
