"""The bulletins' metrics (``nongzhuancheng.metrics.register_source``), read from the database."""

from collections.abc import Iterable

from django.db.models import Count, Sum
from prometheus_client.core import Metric, SummaryMetricFamily

from .models import Bulletin


def bulletin_metrics() -> Iterable[Metric]:
    made = Bulletin.objects.filter(render_seconds__isnull=False).aggregate(n=Count("pk"), s=Sum("render_seconds"))
    yield SummaryMetricFamily("nzc_bulletin_render_seconds", "Seconds the issued bulletins took to render",
                              count_value=made["n"], sum_value=made["s"] or 0.0)
