"""make run's progress (nongzhuancheng.progress): a bar on a terminal, a line per tenth elsewhere."""

import io
import re

from django.core.management import call_command

from nongzhuancheng import progress
from tests.base import CastTestCase


class Terminal(io.StringIO):
    def isatty(self):
        return True


class ProgressTest(CastTestCase):
    def test_without_a_terminal_a_line_at_the_start_at_each_tenth_and_at_the_end(self):
        out = io.StringIO()
        with progress.bar(out, total=1000, desc="2012 transfers", unit="persons") as shown:
            for _ in range(100):
                shown.update(10)
        lines = out.getvalue().splitlines()
        self.assertEqual(lines[0], "2012 transfers: 1,000 persons …")
        self.assertEqual([re.search(r"(\d+)%", line).group(1) for line in lines[1:-1]],
                         ["10", "20", "30", "40", "50", "60", "70", "80", "90"])
        self.assertRegex(lines[-1], r"^2012 transfers: done, 1,000 persons in [\d.]+ s$")
        self.assertNotIn("\r", out.getvalue())

    def test_on_a_terminal_a_bar_redrawn_in_place(self):
        out = Terminal()
        with progress.bar(out, total=200, desc="bulletins", unit="bulletins") as shown:
            for _ in range(200):
                shown.update(1)
        text = out.getvalue()
        self.assertIn("\r", text)
        self.assertIn("100%", text)
        self.assertIn("200/200", text)
        self.assertLess(text.count("\n"), 4)

    def test_the_demo_year_reports_its_progress_and_each_step_its_time(self):
        out = io.StringIO()
        call_command("seed_demo_users", stdout=io.StringIO())
        call_command("seed_demo_2012", scale="small", stdout=out)
        text = out.getvalue()
        self.assertIn("2012 transfers: 50%", text)
        self.assertRegex(text, r"2012 transfers: done, [\d,]+ persons in [\d.]+ s")
        self.assertRegex(text, r"summary tables \(rollup\): [\d.]+ s")
