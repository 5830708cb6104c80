"""The bulletin PDF on A4: every table inside the page margin, no figure of the 五项保障 table (or of
any table) wrapped onto a second line, and the chart's pace line crossing none of its labels.

The figures are at their widest (tests/ui/bulletin_sample.py). The margin is measured on the pages
as images (pdftoppm): the rightmost inked pixel of each page against the right margin of the
@page rule (17 mm)."""

import re
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path
from unittest import skipUnless

from django.test import SimpleTestCase
from django.utils import translation
from PIL import Image

from quotas import charts
from quotas.selectors import CityProgress, CountyProgress
from reports.services import bulletin_html
from tests.ui.bulletin_sample import figures_at_their_widest

A4_WIDTH_MM, MARGIN_MM, DPI = 210, 17, 100


def _html():
    with translation.override("zh-hans"):
        return bulletin_html(figures=figures_at_their_widest())


class BulletinLayoutTest(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import weasyprint

        cls.document = weasyprint.HTML(string=_html(), base_url=".").render()
        cls.pdf = cls.document.write_pdf()

    @skipUnless(shutil.which("pdftoppm"), "needs poppler-utils (pdftoppm)")
    def test_every_page_keeps_inside_the_right_and_left_margins(self):
        with tempfile.TemporaryDirectory() as tmp:
            Path(tmp, "b.pdf").write_bytes(self.pdf)
            subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "b.pdf", "page"], cwd=tmp, check=True)
            pages = sorted(Path(tmp).glob("page-*.png"))
            self.assertGreaterEqual(len(pages), 2)
            for png in pages:
                with self.subTest(page=png.name):
                    image = Image.open(png).convert("L")
                    ink = image.point(lambda v: 255 if v < 200 else 0).getbbox()  # (left, top, right, bottom)
                    mm = A4_WIDTH_MM / image.width
                    right_edge_mm = ink[2] * mm
                    left_edge_mm = ink[0] * mm
                    # half a millimetre for the border's own width and the rasteriser
                    self.assertLessEqual(right_edge_mm, A4_WIDTH_MM - MARGIN_MM + 0.5, png.name)
                    self.assertGreaterEqual(left_edge_mm, MARGIN_MM - 0.5, png.name)

    def test_no_table_cell_wraps_onto_a_second_line(self):
        cells = 0
        for page in self.document.pages:
            for box in page._page_box.descendants():
                if getattr(box, "element_tag", None) != "td":
                    continue
                lines = [child for child in box.children if type(child).__name__ == "LineBox"]
                with self.subTest(text="".join(box.element.itertext())):
                    self.assertLessEqual(len(lines), 1)
                cells += 1
        self.assertGreater(cells, 300)  # the county, guarantee and retention tables were all looked at

    def test_the_guarantee_and_retention_tables_are_in_the_pdf_with_thousands_separators(self):
        import io

        from pypdf import PdfReader

        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(self.pdf)).pages)
        self.assertIn("52,456/57,146", text)
        self.assertIn("52,456/12,345/1,234", text)
        self.assertIn("并列9", text)


class PaceLineTest(SimpleTestCase):
    def progress(self, rates):
        pace = Decimal("0.8")
        rows = [CountyProgress(
            county_id=i, county_code=str(i), county_name=f"县{i}", target=100, period_done=0, month_done=0,
            cumulative=int(Decimal(rate) * 100), rate=Decimal(rate), pace=pace, ahead_of_pace=Decimal(rate) >= pace,
            rank=i, previous_rank=None, rank_change=None, remaining=0, periods_left=0, needed_per_period=None,
            projected_date=None) for i, rate in enumerate(rates, start=1)]
        return CityProgress(year=2012, as_of=__import__("datetime").date(2012, 10, 20), target=100,
                            provincial_target=None, cumulative=0, period_done=0, previous_period_done=0,
                            month_done=0, rate=None, provincial_multiple=None, pace=pace, counties=rows)

    def test_the_pace_line_crosses_no_figure(self):
        rates = ["0.80", "0.79", "0.78", "0.77", "0.76", "0.75", "0.70", "0.81", "0.85", "1.2", "0"]
        svg = charts.rate_bars_svg(self.progress(rates), width=680)
        pace_x = float(re.search(r'<line x1="([\d.]+)" y1="\d+" x2="[\d.]+" y2="\d+" stroke="#b3261e"', svg).group(1))
        labels = re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="start" font-size="11"[^>]*>([\d.]+%)</text>', svg)
        self.assertEqual(len(labels), len(rates))
        for x, text in labels:
            with self.subTest(label=text):
                start = float(x)
                end = start + charts.label_width(text, 11)
                self.assertFalse(start - 1 < pace_x < end + 1, (start, end, pace_x))
