"""The 2012 demo carries the report's totals by 2012-10-20, and runs once."""

from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.db.models import Count

from demo.oversight2012 import split
from oversight import selectors
from oversight.models import Assessment, Problem
from tests.base import CastTestCase

from .scenario import D


class SeedDemoTest(CastTestCase):
    def test_split_keeps_the_total(self):
        self.assertEqual(split(10, [1, 1, 1]), [4, 3, 3])
        self.assertEqual(sum(split(1_260_000, [7, 3, 11, 2])), 1_260_000)

    def test_the_demo_carries_the_reports_totals_and_runs_once(self):
        out = StringIO()
        call_command("seed_demo_oversight", stdout=out)
        self.assertIn("44 publicity records", out.getvalue())
        self.assertIn("8 timetable milestones, 4 inspections", out.getvalue())
        rows, total = selectors.publicity_totals(user=self.root, start=D(2012, 1, 1), end=D(2012, 10, 20))
        self.assertEqual(len(rows), 11)
        self.assertEqual((total.media_campaigns, total.onsite_events, total.leaflets), (521, 3462, 1_260_000))
        kinds = selectors.funding_by_kind(selectors.funding_totals(user=self.root, year=2012, as_of=D(2012, 10, 20)))
        self.assertEqual(kinds["housing"].output, 30_000)
        self.assertEqual(kinds["public_services"].spent, Decimal("447000000"))
        self.assertEqual(kinds["employment"].spent, Decimal("5600000"))
        self.assertEqual(kinds["education"].spent, Decimal("130000000"))
        self.assertEqual(Problem.objects.count(), 4)
        self.assertEqual(dict(Problem.objects.values_list("state").annotate(n=Count("pk"))),
                         {"closed": 1, "answered": 1, "assigned": 1, "raised": 1})
        self.assertEqual(Assessment.objects.count(), 11 + 9)
        call_command("seed_demo_oversight", stdout=out)
        self.assertIn("already present", out.getvalue())
        self.assertEqual(Problem.objects.count(), 4)
