"""django-simple-history's dynamic attributes, set in one typed place.

simple_history reads ``_history_user`` and ``_change_reason`` from an instance when it is saved and
adds a ``history`` manager to every model it tracks; none of these is known to the type checker.
"""

from __future__ import annotations

from typing import Any

from django.db import models


def set_history_user(obj: models.Model, user: Any, reason: str | None = None) -> None:
    """Record ``user`` (and ``reason``, when given) on the history row ``obj``'s next save writes."""
    obj._history_user = user  # type: ignore[attr-defined]
    if reason is not None:
        obj._change_reason = reason  # type: ignore[attr-defined]


def history_model(model: type[models.Model]) -> type[models.Model]:
    """The model of ``model``'s history rows."""
    return model.history.model  # type: ignore[attr-defined]
