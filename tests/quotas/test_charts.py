"""The SVG charts are standalone, well-formed XML with the county names in Chinese."""

import xml.etree.ElementTree as ET

from quotas.charts import cumulative_svg, multi_year_svg, rate_bars_svg
from quotas.selectors import county_progress, multi_year_progress, period_series

from .scenario import AS_OF, ScenarioTestCase

SVG = "{http://www.w3.org/2000/svg}"


class ChartTest(ScenarioTestCase):
    def test_the_rate_chart_is_well_formed_with_every_county_and_the_pace(self):
        svg = rate_bars_svg(county_progress(year=2012, as_of=AS_OF))
        root = ET.fromstring(svg)
        self.assertEqual(root.tag, f"{SVG}svg")
        texts = [t.text for t in root.iter(f"{SVG}text")]
        for name in ("昭阳区", "鲁甸县", "盐津县", "水富县"):
            self.assertIn(name, texts)
        self.assertIn("序时进度 78.9%", texts)
        self.assertIn("80.0%", texts)
        self.assertIn("Noto Sans CJK SC", root.get("font-family"))
        self.assertNotIn("<script", svg)
        self.assertNotIn("href", svg)

    def test_the_cumulative_chart_is_well_formed(self):
        svg = cumulative_svg(period_series(year=2012, as_of=AS_OF), title="2012年<全市>累计")
        root = ET.fromstring(svg)
        self.assertEqual(len(list(root.iter(f"{SVG}polyline"))), 2)
        self.assertEqual(root.find(f"{SVG}title").text, "2012年<全市>累计")

    def test_the_multi_year_chart_is_well_formed(self):
        ET.fromstring(multi_year_svg(multi_year_progress(as_of=AS_OF)))
