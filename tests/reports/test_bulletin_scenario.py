"""The hand-computed scenario every bulletin test reads, and the figures bulletin_data gives for it.

Targets for 2012 (set through quotas.services): province 2, city 8, 昭阳区 4, 鲁甸县 4 (the other
nine counties have none). Transfers, one person each:
  昭阳区: 10-05, 10-05 (10月上旬) and 10-12, 10-15, 10-20 (10月中旬)  → 5 by 10-20, 3 in the period
  鲁甸县: 10-08 (10月上旬) and 10-12 (10月中旬)                        → 2 by 10-20, 1 in the period
At the end of 2012年10月中旬 (period 29, as of 2012-10-20): pace 294 ÷ 366 = 80.32…% → "80.3%";
city 7 of 8 = 87.5%, 7 ÷ 2 = 3.50 times the provincial task; this period 4, the previous 3 (+1);
昭阳区 5 ÷ 4 = 125.0% (rank 1, +44.6 points), 鲁甸县 2 ÷ 4 = 50.0% (rank 2, −30.3 points, behind pace:
named in the notice, and last in rank among the counties with a target). 10 periods remain after
10-20, so 鲁甸县 still needs ceil(2 ÷ 10) = 1 a period.
"""

import datetime
import shutil
import tempfile

from django.test import override_settings

from households import services as household_services
from nongzhuancheng.periods import Period
from quotas import services as quotas_services
from quotas.models import Level
from reports import selectors
from tests.base import CastTestCase, person_data

PERIOD = Period(2012, 10, 2)
ZHAOYANG_DAYS = ["2012-10-05", "2012-10-05", "2012-10-12", "2012-10-15", "2012-10-20"]
LUDIAN_DAYS = ["2012-10-08", "2012-10-12"]


def build_scenario(case):
    """Targets and transfers of the scenario, through the other apps' services."""
    jan1 = datetime.date(2012, 1, 1)
    quotas_services.target_set(actor=None, year=2012, level=Level.PROVINCE, amount=2, effective_on=jan1)
    quotas_services.target_set(actor=None, year=2012, level=Level.CITY, amount=8, effective_on=jan1)
    quotas_services.target_set(actor=None, year=2012, level=Level.COUNTY, amount=4, effective_on=jan1,
                               county=case.zhaoyang)
    quotas_services.target_set(actor=None, year=2012, level=Level.COUNTY, amount=4, effective_on=jan1,
                               county=case.ludian)
    for actor, area, days in ((case.alice, "530602", ZHAOYANG_DAYS), (case.bob, "530621", LUDIAN_DAYS)):
        for day in days:
            on = datetime.date.fromisoformat(day)
            app = case.receive(actor, received_on=on, members=[person_data(area=area)])
            household_services.application_complete(application=app, actor=actor, on=on)


class MediaMixin:
    """Each test class writes its PDFs into a media folder of its own, removed afterwards."""

    @classmethod
    def setUpClass(cls):
        cls._media = tempfile.mkdtemp(prefix="nzc-bulletin-")
        cls._media_override = override_settings(MEDIA_ROOT=cls._media)
        cls._media_override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._media_override.disable()
        shutil.rmtree(cls._media, ignore_errors=True)


class BulletinScenarioTestCase(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for user, email in ((cls.frank, "frank@example.org"), (cls.dave, "dave@example.org"),
                            (cls.erin, "erin@example.org")):
            user.email = email
            user.save(update_fields=["email"])
        build_scenario(cls)


class BulletinDataTest(BulletinScenarioTestCase):
    def test_it_gives_the_city_figures_of_the_scenario(self):
        data = selectors.bulletin_data(period=PERIOD)
        self.assertEqual(data.issue_number, 29)
        self.assertEqual(data.as_of, datetime.date(2012, 10, 20))
        self.assertEqual((data.target, data.provincial_target, data.cumulative), (8, 2, 7))
        self.assertEqual((data.period_done, data.previous_period_done, data.change), (4, 3, 1))
        self.assertEqual((data.rate, data.provincial_multiple, data.pace), ("87.5%", "3.50", "80.3%"))
        self.assertEqual(data.doc_number, "昭城统办〔2012〕29号")
        self.assertEqual(
            data.opening,
            "截至10月20日，全市累计转户7人，完成市下达任务的87.5%，是省下达任务的3.50倍，超序时进度7.1个百分点。"
            "本旬（10月11日至10月20日）全市转户4人，较上一旬增加1人。",
        )

    def test_it_ranks_the_counties_and_works_backwards(self):
        data = selectors.bulletin_data(period=PERIOD)
        rows = {r.name: r for r in data.counties}
        zy, ld = rows["昭阳区"], rows["鲁甸县"]
        self.assertEqual((zy.target, zy.period_done, zy.cumulative, zy.rate, zy.rank), (4, 3, 5, "125.0%", 1))
        self.assertEqual((zy.change, zy.pace_gap, zy.ahead_of_pace, zy.needed_per_period), (1, "+44.6", True, 0))
        self.assertEqual((ld.target, ld.period_done, ld.cumulative, ld.rate, ld.rank), (4, 1, 2, "50.0%", 2))
        self.assertEqual((ld.change, ld.pace_gap, ld.ahead_of_pace, ld.needed_per_period), (0, "−30.3", False, 1))
        self.assertEqual(data.total.cumulative, 7)
        self.assertEqual(data.total.rate, "87.5%")

    def test_it_names_the_counties_behind_pace_and_last_in_rank(self):
        data = selectors.bulletin_data(period=PERIOD)
        self.assertEqual(data.behind_pace, ["鲁甸县"])
        self.assertEqual(data.last_ranked, ["鲁甸县"])
        self.assertIn("鲁甸县（50.0%）完成率低于序时进度（80.3%）", data.notice)
        self.assertIn("鲁甸县排名末位", data.notice)
        self.assertNotIn("昭阳区", data.notice)

    def test_a_county_bulletin_has_the_county_figures_and_its_stations_ranked(self):
        data = selectors.bulletin_data(period=PERIOD, county=self.zhaoyang)
        self.assertEqual((data.scope_name, data.cumulative, data.rate, data.target), ("昭阳区", 5, "125.0%", 4))
        self.assertEqual(data.doc_number, "昭城统办〔2012〕29号（昭阳区）")
        self.assertTrue(data.opening.startswith("截至10月20日，昭阳区累计转户5人，完成县区下达任务的125.0%"))
        self.assertEqual(data.stations[0].name, self.zy_station.name)
        self.assertEqual((data.stations[0].rank, data.stations[0].cumulative, data.stations[0].period_done), (1, 5, 3))

    def test_it_counts_categories_against_the_eligible_pool(self):
        data = selectors.bulletin_data(period=PERIOD)
        migrant = next(c for c in data.categories if c.code == "migrant_worker")
        self.assertEqual((migrant.completed, migrant.eligible), (7, 85600))
        self.assertEqual(migrant.share, "0.0%")

    def test_the_frozen_figures_are_plain_json(self):
        import json

        frozen = selectors.as_frozen(selectors.bulletin_data(period=PERIOD))
        self.assertEqual(json.loads(json.dumps(frozen))["as_of"], "2012-10-20")


class BulletinWithoutTargetsTest(CastTestCase):
    def test_the_opening_says_so_when_no_target_is_in_force(self):
        data = selectors.bulletin_data(period=PERIOD)
        self.assertEqual(data.rate, "—")
        self.assertEqual(
            data.opening,
            "截至10月20日，全市累计转户0人（年度目标任务尚未下达）。本旬（10月11日至10月20日）全市转户0人，较上一旬持平。",
        )
        self.assertEqual(data.behind_pace, [])
