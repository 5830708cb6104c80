"""Completion rates and multiples, cut (not rounded) to the digits shown — as the report does.

579,476 ÷ 500,000 = 1.158952 → "115.8%" and 579,476 ÷ 130,000 = 4.4575 → "4.45倍"; rounding would
give 115.9% and 4.46, and would show a county at 99.96% as "100.0%" before it has met its target.
Every page, export and bulletin formats rates through these functions.
"""

from decimal import ROUND_DOWN, Decimal
from typing import overload

Number = int | float | Decimal


def ratio(numerator: Number, denominator: Number | None) -> Decimal | None:
    """Exact ratio as a Decimal, or None when there is no denominator."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


@overload
def cut(value: Number, digits: int) -> Decimal: ...
@overload
def cut(value: None, digits: int) -> None: ...
@overload
def cut(value: Number | None, digits: int) -> Decimal | None: ...
def cut(value: Number | None, digits: int) -> Decimal | None:
    """Truncate towards zero to ``digits`` decimal places."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-digits)
    return Decimal(value).quantize(quantum, rounding=ROUND_DOWN)


def percent(numerator: Number, denominator: Number | None, digits: int = 1) -> str:
    """'115.8%' (cut), or '—' without a denominator."""
    r = ratio(numerator, denominator)
    if r is None:
        return "—"
    return f"{cut(r * 100, digits)}%"


def percent_of(value: Number | None, digits: int = 1) -> str:
    """A ratio already computed (Decimal or float) shown as a cut percentage."""
    if value is None:
        return "—"
    return f"{cut(Decimal(str(value)) * 100, digits)}%"


def multiple(numerator: Number, denominator: Number | None, digits: int = 2) -> str:
    """'4.45' (cut): how many times the denominator."""
    r = ratio(numerator, denominator)
    if r is None:
        return "—"
    return f"{cut(r, digits)}"
