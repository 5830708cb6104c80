import datetime
from decimal import Decimal

from entitlements import services
from entitlements.models import GuaranteeCase, Retention
from entitlements.selectors import _median_from_histogram, delivery_summary, retention_summary

from .base import EntitlementsTestCase

G = GuaranteeCase.State
D = datetime.date


class DeliveryFiguresTest(EntitlementsTestCase):
    """Five single-person transfers in 昭阳区 completed on 1 September 2026, one in 鲁甸县.

    Medical insurance in 昭阳区: No.1 delivered on 11 Sep (10 days), No.2 on 21 Sep (20 days),
    No.3 started on 5 Sep and delivered on 31 Oct (60 days), No.4 refused on 15 Sep, No.5 waiting.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        on = D(2026, 9, 1)
        apps = [cls().complete(cls.alice, on=on, received_on=on) for _ in range(5)]
        cls().complete(cls.bob, on=on, received_on=on)
        medical = [GuaranteeCase.objects.get(application=a, kind="medical") for a in apps]
        move = services.guarantee_move
        move(case=medical[0], to=G.DELIVERED, actor=cls.heidi, on=D(2026, 9, 11), reference="城镇居民医保")
        move(case=medical[1], to=G.DELIVERED, actor=cls.heidi, on=D(2026, 9, 21), reference="城镇居民医保")
        move(case=medical[2], to=G.IN_PROGRESS, actor=cls.heidi, on=D(2026, 9, 5))
        move(case=medical[2], to=G.DELIVERED, actor=cls.heidi, on=D(2026, 10, 31), reference="城镇居民医保")
        move(case=medical[3], to=G.REFUSED, actor=cls.heidi, on=D(2026, 9, 15), reason="已参加城镇职工医保")
        cls.apps = apps

    def row(self, rows, county, kind):
        return next(r for r in rows if r.county_id == county.pk and r.kind == kind)

    def test_the_figures_at_1_november(self):
        r = self.row(delivery_summary(as_of=D(2026, 11, 1)), self.zhaoyang, "medical")
        self.assertEqual((r.requested, r.in_progress, r.delivered, r.refused, r.not_needed), (1, 0, 3, 1, 0))
        self.assertEqual(r.delivery_rate, Decimal("0.6"))
        self.assertEqual(r.median_days, 20.0)
        self.assertEqual(r.county_name, "昭阳区")
        self.assertEqual(r.kind_label, "医疗保险")

    def test_the_figures_as_they_stood_on_1_october(self):
        r = self.row(delivery_summary(as_of=D(2026, 10, 1)), self.zhaoyang, "medical")
        # No.3 was being worked on 1 October: it counts in progress, not delivered
        self.assertEqual((r.requested, r.in_progress, r.delivered, r.refused), (1, 1, 2, 1))
        self.assertEqual(r.delivery_rate, Decimal("0.4"))
        self.assertEqual(r.median_days, 15.0)

    def test_nothing_counts_before_the_completion(self):
        r = self.row(delivery_summary(as_of=D(2026, 8, 31)), self.zhaoyang, "medical")
        self.assertEqual((r.requested, r.delivered, r.delivery_rate, r.median_days), (0, 0, None, None))

    def test_education_is_not_needed_for_adults_and_housing_is_requested_for_each_head(self):
        rows = delivery_summary(as_of=D(2026, 11, 1))
        self.assertEqual(self.row(rows, self.zhaoyang, "education").not_needed, 5)
        self.assertIsNone(self.row(rows, self.zhaoyang, "education").delivery_rate)
        self.assertEqual(self.row(rows, self.zhaoyang, "housing").requested, 5)
        ludian = self.row(rows, self.ludian, "medical")
        self.assertEqual((ludian.requested, ludian.delivered, ludian.delivery_rate), (1, 0, Decimal(0)))

    def test_there_is_a_row_for_each_county_and_kind(self):
        self.assertEqual(len(delivery_summary(as_of=D(2026, 11, 1))), 11 * 5)
        self.assertEqual(len(delivery_summary(as_of=D(2026, 11, 1), county=self.ludian)), 5)

    def test_the_rows_follow_the_users_scope(self):
        heidi_rows = delivery_summary(as_of=D(2026, 11, 1), user=self.heidi)
        self.assertEqual({r.kind for r in heidi_rows}, {"medical"})
        self.assertEqual(self.row(heidi_rows, self.zhaoyang, "medical").delivered, 3)
        dave_rows = delivery_summary(as_of=D(2026, 11, 1), user=self.dave)
        self.assertEqual({r.county_id for r in dave_rows}, {self.zhaoyang.pk})
        self.assertEqual(len(dave_rows), 5)

    def test_the_summary_is_a_fixed_number_of_queries(self):
        with self.assertNumQueries(3):
            delivery_summary(as_of=D(2026, 11, 1))

    def test_the_median_of_a_histogram(self):
        self.assertEqual(_median_from_histogram([(10, 1), (20, 1), (60, 1)]), 20)
        self.assertEqual(_median_from_histogram([(60, 1), (10, 1)]), 35)
        self.assertEqual(_median_from_histogram([(3, 2), (8, 1), (9, 5)]), 9)
        self.assertIsNone(_median_from_histogram([]))


class RetentionFiguresTest(EntitlementsTestCase):
    def test_kept_circulated_and_given_up_by_county_and_kind_as_of_a_date(self):
        on = D(2026, 9, 1)
        apps = [self.complete(self.alice, on=on, received_on=on) for _ in range(3)]
        farmland = [Retention.objects.get(application=a, kind="farmland") for a in apps]
        services.retention_circulate(retention=farmland[0], actor=self.dave, counterparty="北闸镇种植大户王某",
                                     term_ends_on=D(2031, 9, 30), price="450", contract_no="BZ-2026-07",
                                     on=D(2026, 9, 20))
        services.retention_give_up(retention=farmland[1], actor=self.dave, compensation="26000",
                                   agreement_no="BZ-TC-2026-03", on=D(2026, 10, 10))
        rows = {(r.county_id, r.kind): r for r in retention_summary(as_of=D(2026, 11, 1))}
        r = rows[(self.zhaoyang.pk, "farmland")]
        self.assertEqual((r.kept, r.circulated, r.given_up), (1, 1, 1))
        self.assertEqual((rows[(self.zhaoyang.pk, "forest")].kept, rows[(self.ludian.pk, "farmland")].kept), (3, 0))
        r = {(x.county_id, x.kind): x for x in retention_summary(as_of=D(2026, 10, 1))}[(self.zhaoyang.pk, "farmland")]
        self.assertEqual((r.kept, r.circulated, r.given_up), (2, 1, 0))
