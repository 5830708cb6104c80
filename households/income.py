"""The income band of a household's annual income: the one place it is derived (in Python and in SQL)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Q, Value, When

from .reference import IncomeBand

# (upper bound, exclusive, in yuan; band): an amount below the bound falls in the band
BOUNDS: tuple[tuple[int, IncomeBand], ...] = (
    (5_000, IncomeBand.UNDER_5K),
    (10_000, IncomeBand.FROM_5K),
    (20_000, IncomeBand.FROM_10K),
    (50_000, IncomeBand.FROM_20K),
)


def income_band(amount: Decimal | int | float | None) -> str:
    """The band of an annual income in yuan; ``IncomeBand.UNKNOWN`` when none was given."""
    if amount is None:
        return IncomeBand.UNKNOWN.value
    for upper, band in BOUNDS:
        if amount < upper:
            return band.value
    return IncomeBand.FROM_50K.value


def income_band_expression(field: str = "annual_income") -> Case:
    """The same band in SQL, of ``field`` (``household__annual_income`` from a Person)."""
    whens: list[Any] = [When(Q(**{f"{field}__isnull": True}), then=Value(IncomeBand.UNKNOWN.value))]
    whens += [When(Q(**{f"{field}__lt": upper}), then=Value(band.value)) for upper, band in BOUNDS]
    return Case(*whens, default=Value(IncomeBand.FROM_50K.value), output_field=CharField())


def income_band_filter(band: str, field: str = "annual_income") -> Q:
    """The condition of one band on ``field`` (an index-friendly range, not the Case)."""
    if band == IncomeBand.UNKNOWN.value:
        return Q(**{f"{field}__isnull": True})
    lower = 0
    for upper, b in BOUNDS:
        if b.value == band:
            return Q(**{f"{field}__gte": lower, f"{field}__lt": upper})
        lower = upper
    if band == IncomeBand.FROM_50K.value:
        return Q(**{f"{field}__gte": lower})
    return Q(pk__in=[])



