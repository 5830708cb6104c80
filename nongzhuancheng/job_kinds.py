"""The kinds of background job (imports, exports, bulletins), as the health checks and the metrics
read them. The core imports no app: each app registers its kinds in its ``AppConfig.ready``.

A job of a kind is *active* in one of its ``active`` states; an active job without a heartbeat waits
for a worker (its queue age counts from ``queued_since``), one with a heartbeat is held by a worker."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, Min, Model, QuerySet
from django.utils import timezone


@dataclass(frozen=True)
class JobKind:
    name: str  # "imports": the label of the metrics and the health report
    model_label: str  # "households.ImportJob"
    active: tuple[str, ...]  # the states of a job that waits for a worker or is held by one
    queued_since: str  # the field holding when the job was handed to the workers
    heartbeat: str = "heartbeat_at"

    def model(self) -> type[Model]:
        return apps.get_model(self.model_label)

    def waiting(self) -> QuerySet:
        return self.model()._default_manager.filter(**{"state__in": self.active, f"{self.heartbeat}__isnull": True,
                                              f"{self.queued_since}__isnull": False})

    def by_state(self) -> dict[str, int]:
        rows = self.model()._default_manager.order_by().values("state").annotate(n=Count("pk"))
        return {row["state"]: row["n"] for row in rows}

    def oldest_waiting(self, *, now: datetime.datetime | None = None) -> float | None:
        """Seconds the longest-waiting job has waited (None: none waits)."""
        since = self.waiting().aggregate(m=Min(self.queued_since))["m"]
        return None if since is None else max(0.0, ((now or timezone.now()) - since).total_seconds())


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> None:
    KINDS[kind.name] = kind
