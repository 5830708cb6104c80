"""The SQL form of the ID number mask (for COPY exports) is the same rule as masking.mask()."""

import datetime
import random
from unittest import skipUnless

from django.db import connection
from django.test import SimpleTestCase, TestCase

from households import ids
from nongzhuancheng.masking import mask, mask_sql


def generated_values(seed=7, count=2000):
    rng = random.Random(seed)
    areas = ["530602", "530621", "530627", "532101", "110101"]
    values = ["", None, "5", "53060", "53060219850314", "53060219850314111", "5306021985031411X"]
    for _ in range(count):
        born = datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(30_000))
        number = ids.make(rng.choice(areas), born, rng.randrange(1, 999))
        values.append(number)
        values.append(number[:6] + number[8:17])  # a legacy 15-digit number
        values.append(number[: rng.randrange(1, 18)])  # a short value, not an ID number
        values.append(number.replace(number[rng.randrange(18)], "张", 1))  # non-ASCII inside
    return values


class MaskSqlTest(TestCase):
    @skipUnless(connection.vendor == "postgresql", "the SQL mask is for PostgreSQL's COPY")
    def test_the_sql_mask_gives_what_mask_gives_for_every_generated_value(self):
        values = generated_values()
        with connection.cursor() as cur:
            cur.execute(f"SELECT v, {mask_sql('v')} FROM unnest(%s::text[]) WITH ORDINALITY AS u(v, n) ORDER BY n",
                        [values])
            rows = cur.fetchall()
        self.assertEqual(len(rows), len(values))
        for value, masked in rows:
            self.assertEqual(masked, mask(value), value)
        self.assertTrue(any("X" in (m or "") for _, m in rows))  # the check digit X kept visible


class GeneratedValuesTest(SimpleTestCase):
    def test_the_values_cover_18_15_short_and_empty(self):
        lengths = {len(v or "") for v in generated_values(count=50)}
        self.assertTrue({0, 15, 18} <= lengths and min(lengths - {0}) < 15)
