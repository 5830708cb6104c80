"""How a resident ID number is shown where it may not be shown whole: one rule, used everywhere.

An 18-character number (GB 11643-1999) is six area digits, eight birth-date digits (YYYYMMDD), three
sequence digits (the last one odd for a man, even for a woman) and a check digit computed from the
other seventeen. What a mask hides must not be recoverable from what the same surface shows beside
it, and every surface may show the county (≈ the area code), the sex and — on a detail page — the
birth date. The old mask (``530602********123X``) hid only the birth date: with the birth date
beside it, the number was whole again.

So the mask keeps the area code and the **last two** characters only (``530602**********3X``): the
eight birth digits and the first two sequence digits are hidden. Even with the full birth date and
the sex known, the two hidden sequence digits leave 100 candidates, of which the check digit keeps
about nine (8·a + 4·b mod 11 takes every residue 9 or 10 times over a, b in 0…9) — never one. With a
birth year instead of the date (what lists, queues, exports and API lists show beside a masked
number: an age or a year, never the date) about 3,300 candidates remain. The tests rebuild every
masked surface with ``households.ids`` and assert it is never unique.

A short or unknown value (not an ID number) is hidden entirely.
"""

ID_REVEAL_SESSION_KEY = "nzc_id_reveal"  # the people whose whole number the user just clicked to see

VISIBLE_PREFIX = 6  # the area code: the county is shown beside anyway
VISIBLE_SUFFIX = 2  # the last sequence digit (the sex, shown beside anyway) and the check digit


def mask(number: str | None) -> str:
    """530602**********3X style: the area code and the last two characters stay visible."""
    if not number:
        return ""
    if len(number) < 15:
        return "*" * len(number)
    return number[:VISIBLE_PREFIX] + "*" * (len(number) - VISIBLE_PREFIX - VISIBLE_SUFFIX) + number[-VISIBLE_SUFFIX:]


def mask_sql(column: str) -> str:
    """``mask()`` as a PostgreSQL expression of ``column`` (an SQL expression, already quoted): the
    same rule, for exports written by ``COPY … TO STDOUT`` (``nongzhuancheng.exports.copy_csv``).
    NULL and the empty string give the empty string; tests/core/test_masking_sql.py checks both agree."""
    return (
        f"CASE WHEN {column} IS NULL THEN '' "
        f"WHEN char_length({column}) < 15 THEN repeat('*', char_length({column})) "
        f"ELSE left({column}, {VISIBLE_PREFIX}) "
        f"|| repeat('*', char_length({column}) - {VISIBLE_PREFIX + VISIBLE_SUFFIX}) "
        f"|| right({column}, {VISIBLE_SUFFIX}) END"
    )
