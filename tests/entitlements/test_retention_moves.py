import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from entitlements import services
from entitlements.models import Domain, Retention, RetentionEvent
from nongzhuancheng.models import MemberUnit
from tests.base import make_user

from .base import EntitlementsTestCase

R = Retention.State
ON = datetime.date(2026, 9, 1)
CIRCULATE = {"counterparty": "昭阳区苹果种植合作社", "term_ends_on": datetime.date(2036, 12, 31),
             "price": "600.00", "contract_no": "ZY-LZ-2026-0153"}
GIVE_UP = {"compensation": "38000", "agreement_no": "ZY-TC-2026-0021"}


class RetentionMoveTest(EntitlementsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.land = make_user("lucy", "member_unit", member_unit=MemberUnit.objects.get(domain=Domain.LAND))
        cls.forestry = make_user("fred", "member_unit", member_unit=MemberUnit.objects.get(domain=Domain.FORESTRY))
        cls.app = cls().complete(cls.alice, on=ON, received_on=ON)

    def farmland(self, state=R.KEPT):
        r = self.retention(self.app, "farmland")
        r.state = state
        r.save()
        return r

    def move(self, retention, to, actor):
        if to == R.CIRCULATED:
            return services.retention_circulate(retention=retention, actor=actor, **CIRCULATE)
        if to == R.GIVEN_UP:
            return services.retention_give_up(retention=retention, actor=actor, **GIVE_UP)
        return services.retention_restore(retention=retention, actor=actor, note="流转合同期满收回")

    def test_every_move_in_the_table_is_allowed_and_every_other_refused(self):
        for before in R:
            for to in R:
                if to == before:
                    continue
                with self.subTest(before=before, to=to):
                    r = self.farmland(before)
                    if to in Retention.TRANSITIONS[before]:
                        moved = self.move(r, to, self.land)
                        self.assertEqual((moved.state, moved.changed_on), (to, datetime.date.today()))
                        event = r.events.last()
                        self.assertEqual((event.actor, event.from_state, event.to_state), (self.land, before, to))
                    else:
                        with self.assertRaises(services.TransitionNotAllowed):
                            self.move(r, to, self.land)
                        r.refresh_from_db()
                        self.assertEqual(r.state, before)

    def test_a_circulation_records_to_whom_the_term_the_price_and_the_contract(self):
        r = self.move(self.farmland(), R.CIRCULATED, self.land)
        self.assertEqual((r.counterparty, r.term_ends_on, r.price, r.contract_no),
                         ("昭阳区苹果种植合作社", datetime.date(2036, 12, 31), Decimal("600.00"), "ZY-LZ-2026-0153"))
        event = r.events.last()
        self.assertEqual(event.details["contract_no"], ["", "ZY-LZ-2026-0153"])

    def test_it_refuses_a_circulation_without_a_contract_or_a_give_up_without_compensation(self):
        r = self.farmland()
        with self.assertRaises(ValidationError) as ctx:
            services.retention_circulate(retention=r, actor=self.land, counterparty="", term_ends_on=None,
                                         price=None, contract_no="")
        self.assertEqual(set(ctx.exception.message_dict), {"counterparty", "term_ends_on", "price", "contract_no"})
        with self.assertRaises(ValidationError) as ctx:
            services.retention_give_up(retention=r, actor=self.land, compensation="0", agreement_no="")
        self.assertEqual(set(ctx.exception.message_dict), {"compensation", "agreement_no"})
        r.refresh_from_db()
        self.assertEqual(r.state, R.KEPT)
        self.assertEqual(r.events.count(), 1)  # the opening only

    def test_the_family_planning_policy_cannot_be_circulated_or_given_up(self):
        fp = self.retention(self.app, "family_planning")
        self.assertEqual(fp.allowed_moves(), [])
        fp_user = make_user("pat", "member_unit", member_unit=MemberUnit.objects.get(domain=Domain.FAMILY_PLANNING))
        for to in (R.CIRCULATED, R.GIVEN_UP):
            with self.subTest(to=to), self.assertRaises(services.TransitionNotAllowed):
                self.move(fp, to, fp_user)

    def test_collective_dividends_can_be_given_up_but_not_circulated(self):
        self.assertEqual(self.retention(self.app, "collective_dividend").allowed_moves(), [R.GIVEN_UP])

    def test_recording_the_certificate_keeps_the_state_and_writes_an_event(self):
        r = services.retention_record(retention=self.farmland(), actor=self.land, area_mu="2.35",
                                      certificate_no="530602-2009-001234")
        self.assertEqual((r.state, r.area_mu, r.certificate_no), (R.KEPT, Decimal("2.35"), "530602-2009-001234"))
        event = RetentionEvent.objects.filter(retention=r).last()
        self.assertEqual((event.from_state, event.to_state, event.actor), (R.KEPT, R.KEPT, self.land))
        self.assertEqual(event.details["certificate_no"], ["", "530602-2009-001234"])

    def test_only_the_responsible_unit_or_the_county_may_change_a_retention(self):
        forest = self.retention(self.app, "forest")
        with self.assertRaises(Retention.DoesNotExist):
            self.move(forest, R.CIRCULATED, self.land)  # land does not see forest rights
        self.move(forest, R.CIRCULATED, self.forestry)
        self.move(self.retention(self.app, "homestead"), R.GIVEN_UP, self.dave)
        for user in (self.alice, self.frank):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.move(self.farmland(), R.CIRCULATED, user)
