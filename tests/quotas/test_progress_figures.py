"""Every figure of the hand-computed scenario (tests/quotas/scenario.py) at 2012-10-15.

2012 is a leap year: 2012-10-15 is day 289 of 366, so the pace is 289 ÷ 366 = 0.78961… → 78.9%.
The period containing 10-15 is 10月中旬 (10-11..10-20); the previous one 10月上旬 (10-01..10-10).
Ten-day periods left after 10-15: the rest of 10月中旬, 10月下旬 and six in Nov–Dec = 8.
"""

from decimal import Decimal

from nongzhuancheng.figures import multiple, percent, percent_of
from nongzhuancheng.periods import Period
from quotas.models import Level
from quotas.selectors import (
    category_progress,
    county_progress,
    multi_year_progress,
    period_series,
    station_progress,
    target_in_force,
)
from quotas.services import target_set

from .scenario import AS_OF, D, ScenarioTestCase


class CityFiguresTest(ScenarioTestCase):
    def setUp(self):
        self.city = county_progress(year=2012, as_of=AS_OF)
        self.by_code = {c.county_code: c for c in self.city.counties}

    def test_it_counts_the_city_totals(self):
        c = self.city
        self.assertEqual((c.target, c.provincial_target), (500, 130))
        self.assertEqual(c.cumulative, 13)  # 6 昭阳 + 3 鲁甸 + 4 盐津; the 2011 one and the open/closed ones never
        self.assertEqual(c.period_done, 3)  # 10-12: 1 昭阳, 2 鲁甸
        self.assertEqual(c.previous_period_done, 3)  # 10-05: 3 昭阳
        self.assertEqual(c.month_done, 6)
        self.assertEqual(c.rate, Decimal("0.026"))
        self.assertEqual(percent(c.cumulative, c.target), "2.6%")
        self.assertEqual(multiple(c.cumulative, c.provincial_target), "0.10")

    def test_it_gives_the_pace_of_the_year(self):
        self.assertEqual(self.city.pace, Decimal(289) / Decimal(366))
        self.assertEqual(percent_of(self.city.pace), "78.9%")

    def test_it_pins_zhaoyang(self):
        zy = self.by_code["530602"]
        self.assertEqual((zy.target, zy.cumulative, zy.period_done, zy.month_done, zy.previous_period_done),
                         (20, 6, 1, 4, 3))
        self.assertEqual(zy.rate, Decimal("0.3"))
        self.assertFalse(zy.ahead_of_pace)
        self.assertEqual((zy.rank, zy.previous_rank, zy.rank_change), (3, 2, -1))
        self.assertEqual((zy.remaining, zy.periods_left, zy.needed_per_period), (14, 8, 2))  # ceil(14 / 8)
        self.assertIsNone(zy.projected_date)  # ceil(20 × 289 ÷ 6) = 964 days: not this year

    def test_it_pins_ludian(self):
        ld = self.by_code["530621"]
        self.assertEqual((ld.target, ld.cumulative, ld.period_done, ld.month_done, ld.previous_period_done),
                         (8, 3, 2, 2, 0))
        self.assertEqual(percent_of(ld.rate), "37.5%")
        self.assertEqual((ld.rank, ld.previous_rank, ld.rank_change), (2, 3, 1))  # 1/8 at 10-10, 3/8 now
        self.assertEqual((ld.remaining, ld.needed_per_period), (5, 1))
        self.assertIsNone(ld.projected_date)

    def test_it_pins_yanjin_ahead_of_pace(self):
        yj = self.by_code["530623"]
        self.assertEqual((yj.target, yj.cumulative, yj.period_done), (5, 4, 0))
        self.assertEqual(percent_of(yj.rate), "80.0%")
        self.assertTrue(yj.ahead_of_pace)  # 0.8 ≥ 0.7896
        self.assertEqual((yj.rank, yj.previous_rank, yj.rank_change), (1, 1, 0))
        self.assertEqual((yj.remaining, yj.needed_per_period), (1, 1))
        # ceil(5 × 289 ÷ 4) = 362 → day 362 of 2012
        self.assertEqual(yj.projected_date, D(2012, 12, 27))

    def test_it_ranks_counties_without_a_target_last_by_code(self):
        self.assertEqual([c.county_name for c in self.city.counties],
                         ["盐津县", "鲁甸县", "昭阳区", "巧家县", "大关县", "永善县", "绥江县", "镇雄县", "彝良县", "威信县", "水富县"])
        qiaojia = self.by_code["530622"]
        self.assertEqual((qiaojia.target, qiaojia.rate, qiaojia.needed_per_period, qiaojia.rank_change), (0, None, None, 0))

    def test_it_breaks_rate_ties_by_higher_cumulative(self):
        # 昭阳 revised to 16 on 10-13: 6/16 = 0.375 ties 鲁甸's 3/8, and 昭阳 has done more
        target_set(actor=self.root, year=2012, level=Level.COUNTY, county=self.zhaoyang, amount=16,
                   effective_on=D(2012, 10, 13))
        city = county_progress(year=2012, as_of=AS_OF)
        self.assertEqual([c.county_code for c in city.counties[:3]], ["530623", "530602", "530621"])

    def test_the_first_period_of_the_year_has_no_previous_rank(self):
        city = county_progress(year=2012, as_of=D(2012, 1, 5))
        self.assertTrue(all(c.previous_rank is None and c.rank_change is None for c in city.counties))

    def test_a_county_that_met_its_target_needs_nothing_more(self):
        target_set(actor=self.root, year=2012, level=Level.COUNTY, county=self.yanjin, amount=4,
                   effective_on=D(2012, 11, 1))
        yj = {c.county_code: c for c in county_progress(year=2012, as_of=D(2012, 12, 31)).counties}["530623"]
        self.assertEqual((yj.remaining, yj.periods_left, yj.needed_per_period), (0, 0, 0))
        # and one that has not met it on 31 December has no period left to do it in
        zy = {c.county_code: c for c in county_progress(year=2012, as_of=D(2012, 12, 31)).counties}["530602"]
        self.assertEqual((zy.remaining, zy.periods_left, zy.needed_per_period), (14, 0, None))

    def test_a_later_as_of_means_the_end_of_the_year(self):
        self.assertEqual(county_progress(year=2012, as_of=D(2013, 3, 1)).as_of, D(2012, 12, 31))

    def test_the_dashboard_query_costs_three_queries(self):
        with self.assertNumQueries(3):
            county_progress(year=2012, as_of=AS_OF)


class RevisionHistoryTest(ScenarioTestCase):
    def test_the_target_in_force_is_the_latest_revision_on_or_before_the_date(self):
        def city(day):
            return target_in_force(year=2012, day=day, level=Level.CITY)

        self.assertIsNone(city(D(2012, 1, 9)))
        self.assertEqual(city(D(2012, 1, 10)), 350)
        self.assertEqual(city(D(2012, 6, 2)), 350)
        self.assertEqual(city(D(2012, 6, 3)), 500)
        self.assertEqual(city(D(2012, 12, 31)), 500)
        self.assertEqual(target_in_force(year=2012, day=D(2012, 5, 1), level=Level.COUNTY, county=self.zhaoyang), 10)

    def test_every_revision_is_kept_with_its_document_number(self):
        from quotas.models import Target

        target = Target.objects.get(year=2012, level=Level.CITY)
        self.assertEqual(
            list(target.revisions.values_list("amount", "effective_on", "document_number")),
            [(350, D(2012, 1, 10), "昭政办发〔2012〕18号"), (500, D(2012, 6, 3), "昭城统组〔2012〕1号")],
        )
        self.assertEqual(target.amount_on(D(2012, 6, 2)), 350)

    def test_the_rate_before_the_raise_uses_the_first_target(self):
        city = county_progress(year=2012, as_of=D(2012, 5, 31))
        self.assertEqual((city.target, city.cumulative), (350, 7))  # 2 + 1 + 4


class CorrectionTest(ScenarioTestCase):
    def test_a_corrected_completion_date_moves_its_count(self):
        self.correct_completed(self.zy_oct5, requester=self.carol, approver=self.root, completed_on=D(2012, 10, 13))
        city = county_progress(year=2012, as_of=AS_OF)
        zy = {c.county_code: c for c in city.counties}["530602"]
        self.assertEqual((zy.cumulative, zy.period_done, zy.previous_period_done, zy.month_done), (6, 4, 0, 4))
        self.assertEqual(city.cumulative, 13)  # moved, not duplicated
        self.correct_completed(self.zy_oct5, requester=self.carol, approver=self.root, completed_on=D(2012, 10, 16),
                               reason="再次更正")
        zy = {c.county_code: c for c in county_progress(year=2012, as_of=AS_OF).counties}["530602"]
        self.assertEqual((zy.cumulative, zy.period_done), (3, 1))  # now after as_of


class DrillDownTest(ScenarioTestCase):
    def test_it_splits_a_county_by_station(self):
        rows = station_progress(county=self.zhaoyang, year=2012, as_of=AS_OF)
        self.assertEqual([(r.station_code, r.cumulative, r.period_done) for r in rows[:2]],
                         [("53060201", 3, 1), ("53060202", 3, 0)])
        self.assertEqual(rows[0].share, Decimal("0.5"))
        self.assertTrue(all(r.cumulative == 0 for r in rows[2:]))

    def test_it_splits_by_category_against_the_survey_pool(self):
        rows = {r.category: r for r in category_progress(year=2012, as_of=AS_OF)}
        self.assertEqual((rows["migrant_worker"].cumulative, rows["migrant_worker"].eligible), (9, 85_600))
        self.assertEqual((rows["urban_village"].cumulative, rows["urban_village"].eligible), (4, 374_200))
        self.assertEqual(rows["urban_village"].pool_rate, Decimal(4) / Decimal(374_200))
        county_rows = {r.category: r for r in category_progress(year=2012, as_of=AS_OF, county=self.zhaoyang)}
        self.assertEqual(county_rows["migrant_worker"].cumulative, 6)
        self.assertIsNone(county_rows["migrant_worker"].eligible)  # no pool imported for the county yet

    def test_imported_pools_replace_the_report_figures(self):
        from quotas.services import survey_pool_set

        survey_pool_set(actor=self.root, county=self.zhaoyang, category="migrant_worker", eligible=1000)
        county_rows = {r.category: r for r in category_progress(year=2012, as_of=AS_OF, county=self.zhaoyang)}
        self.assertEqual(percent_of(county_rows["migrant_worker"].pool_rate), "0.6%")
        city_rows = {r.category: r for r in category_progress(year=2012, as_of=AS_OF)}
        self.assertEqual(city_rows["migrant_worker"].eligible, 1000)

    def test_the_period_series_follows_the_target_path(self):
        points = {p.period: p for p in period_series(year=2012, as_of=AS_OF, county=self.zhaoyang)}
        self.assertEqual(len(points), 36)
        self.assertEqual((points[Period(2012, 3, 1)].done, points[Period(2012, 3, 1)].cumulative), (2, 2))
        self.assertEqual((points[Period(2012, 10, 1)].done, points[Period(2012, 10, 1)].cumulative), (3, 5))
        self.assertEqual((points[Period(2012, 10, 2)].done, points[Period(2012, 10, 2)].cumulative), (1, 6))
        self.assertIsNone(points[Period(2012, 10, 3)].done)
        self.assertEqual(points[Period(2012, 1, 1)].target_path, 0)  # 10 × 10 ÷ 366
        self.assertEqual(points[Period(2012, 6, 1)].target_path, 8)  # 20 × 162 ÷ 366 = 8.85
        self.assertEqual(points[Period(2012, 10, 2)].target_path, 16)  # 20 × 294 ÷ 366 = 16.07
        self.assertEqual(points[Period(2012, 12, 3)].target_path, 20)
        city = period_series(year=2012, as_of=AS_OF)
        self.assertEqual(city[-1].target_path, 500)
        self.assertEqual(city[28].cumulative, 13)

    def test_the_multi_year_view_sums_the_plans(self):
        for year in (2013, 2014, 2015):
            target_set(actor=self.root, year=year, level=Level.CITY, amount=200_000, effective_on=D(year, 1, 1))
        progress = multi_year_progress(as_of=AS_OF)
        self.assertEqual([y.year for y in progress.years], list(range(2012, 2021)))
        self.assertEqual(progress.years[0].target, 500)
        self.assertEqual(progress.years[0].done, 13)
        self.assertEqual(progress.years[3].planned_cumulative, 600_500)
        self.assertIsNone(progress.years[1].done)
        self.assertEqual(progress.goal, 1_550_000)
        self.assertEqual(progress.cumulative, 13)


class MemberUnitTest(ScenarioTestCase):
    def test_a_member_unit_counts_its_linked_counties(self):
        from quotas.selectors import member_unit_progress

        # 市住房和城乡建设局 is linked to 昭阳区 and 威信县 in the reference data
        target_set(actor=self.root, year=2012, level=Level.MEMBER_UNIT, member_unit=self.housing, amount=40,
                   effective_on=D(2012, 6, 3))
        city = county_progress(year=2012, as_of=AS_OF)
        with self.assertNumQueries(3):
            rows = {m.code: m for m in member_unit_progress(year=2012, as_of=AS_OF, counties=city.counties)}
        housing = rows["housing"]
        self.assertEqual(housing.county_names, ["昭阳区", "威信县"])
        self.assertEqual((housing.target, housing.cumulative), (40, 6))
        self.assertEqual(percent_of(housing.rate), "15.0%")
        self.assertEqual(rows["health"].target, 0)
