import datetime

from django.core.exceptions import PermissionDenied, ValidationError

from entitlements import services
from entitlements.models import GuaranteeCase, GuaranteeEvent

from .base import EntitlementsTestCase

G = GuaranteeCase.State
ON = datetime.date(2026, 9, 1)


class GuaranteeMoveTest(EntitlementsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.app = cls().complete(cls.alice, on=ON, received_on=ON)

    def housing_case(self, state):
        """The head's housing case put in ``state`` as a test fixture (the dates a real move would set)."""
        case = GuaranteeCase.objects.get(application=self.app, kind="housing")
        case.state = state
        case.requested_on = ON if state != G.NOT_NEEDED else None
        case.started_on = ON if state == G.IN_PROGRESS else None
        case.refusal_reason = "无房源" if state == G.REFUSED else ""
        case.save()
        return case

    def test_every_move_in_the_table_is_allowed_and_every_other_refused(self):
        for before in G:
            for to in G:
                with self.subTest(before=before, to=to):
                    case = self.housing_case(before)
                    events = GuaranteeEvent.objects.filter(case=case).count()
                    kwargs = {"reason": "不符合公租房条件"} if to == G.REFUSED else {"reference": "公租房"} if to == G.DELIVERED else {}
                    if to in GuaranteeCase.TRANSITIONS[before]:
                        moved = services.guarantee_move(case=case, to=to, actor=self.grace, **kwargs)
                        self.assertEqual(moved.state, to)
                        event = GuaranteeEvent.objects.filter(case=case).last()
                        self.assertEqual((event.actor, event.from_state, event.to_state), (self.grace, before, to))
                    else:
                        with self.assertRaises(services.TransitionNotAllowed):
                            services.guarantee_move(case=case, to=to, actor=self.grace, **kwargs)
                        case.refresh_from_db()
                        self.assertEqual(case.state, before)
                        self.assertEqual(GuaranteeEvent.objects.filter(case=case).count(), events)

    def test_delivered_and_refused_are_final_except_a_new_request_after_a_refusal(self):
        self.assertEqual(GuaranteeCase.TRANSITIONS[G.DELIVERED], set())
        self.assertEqual(GuaranteeCase.TRANSITIONS[G.REFUSED], {G.REQUESTED})

    def test_it_refuses_a_refusal_without_a_reason(self):
        case = self.housing_case(G.IN_PROGRESS)
        with self.assertRaises(ValidationError) as ctx:
            services.guarantee_move(case=case, to=G.REFUSED, actor=self.grace, reason="  ")
        self.assertIn("reason", ctx.exception.message_dict)
        case.refresh_from_db()
        self.assertEqual(case.state, G.IN_PROGRESS)

    def test_a_refusal_keeps_its_reason_and_a_new_request_clears_it_but_keeps_the_first_request_date(self):
        case = self.housing_case(G.REQUESTED)
        first = case.requested_on
        case = services.guarantee_move(case=case, to=G.REFUSED, actor=self.grace,
                                       reason="城区公租房已分配完", on=datetime.date(2026, 9, 20))
        self.assertEqual((case.refusal_reason, case.refused_on), ("城区公租房已分配完", datetime.date(2026, 9, 20)))
        case = services.guarantee_move(case=case, to=G.REQUESTED, actor=self.grace, on=datetime.date(2026, 10, 8))
        # asked again: the waiting time still counts from the first request
        self.assertEqual((case.refusal_reason, case.requested_on, case.refused_on), ("", first, None))
        self.assertIsNotNone(first)
        self.assertEqual(GuaranteeEvent.objects.filter(case=case).last().on, datetime.date(2026, 10, 8))
        case = services.guarantee_move(case=case, to=G.DELIVERED, actor=self.grace, on=datetime.date(2026, 10, 20),
                                       reference="公租房")
        self.assertEqual(case.days_to_deliver, (datetime.date(2026, 10, 20) - first).days)

    def test_a_delivery_needs_what_was_delivered(self):
        case = self.housing_case(G.REQUESTED)
        with self.assertRaises(ValidationError) as raised:
            services.guarantee_move(case=case, to=G.DELIVERED, actor=self.grace, reference="  ")
        self.assertIn("reference", raised.exception.error_dict)
        case.refresh_from_db()
        self.assertEqual(case.state, G.REQUESTED)

    def test_a_delivery_records_its_date_reference_and_days_to_deliver(self):
        case = services.guarantee_move(case=self.housing_case(G.REQUESTED), to=G.IN_PROGRESS, actor=self.grace,
                                       on=datetime.date(2026, 9, 10))
        case = services.guarantee_move(case=case, to=G.DELIVERED, actor=self.grace, reference="凤凰公租房3栋502",
                                       on=datetime.date(2026, 10, 15))
        self.assertEqual((case.delivered_on, case.days_to_deliver, case.reference),
                         (datetime.date(2026, 10, 15), 44, "凤凰公租房3栋502"))
        event = case.events.last()
        self.assertEqual(event.details, {"days_to_deliver": 44, "reference": "凤凰公租房3栋502"})
        self.assertEqual(event.on, datetime.date(2026, 10, 15))

    def test_it_refuses_a_date_in_the_future_or_before_the_request(self):
        case = self.housing_case(G.REQUESTED)
        for on in (datetime.date(2026, 8, 30), datetime.date(2099, 1, 1)):
            with self.assertRaises(ValidationError):
                services.guarantee_move(case=case, to=G.DELIVERED, actor=self.grace, on=on, reference="公租房")

    def test_the_county_officer_and_the_admin_may_move_but_clerks_and_the_city_reader_may_not(self):
        case = self.housing_case(G.REQUESTED)
        services.guarantee_move(case=case, to=G.IN_PROGRESS, actor=self.dave)
        services.guarantee_move(case=case, to=G.DELIVERED, actor=self.root, reference="公租房")
        medical = GuaranteeCase.objects.get(application=self.app, kind="medical")
        for user in (self.alice, self.frank):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.guarantee_move(case=medical, to=G.IN_PROGRESS, actor=user)

    def test_a_member_unit_cannot_move_another_units_kind_nor_a_county_officer_another_county(self):
        medical = GuaranteeCase.objects.get(application=self.app, kind="medical")
        for user in (self.grace, self.erin):
            with self.subTest(user=user.username), self.assertRaises(GuaranteeCase.DoesNotExist):
                services.guarantee_move(case=medical, to=G.IN_PROGRESS, actor=user)
        # the other stations' clerks: their role may not work any case (the policy answers first)
        for user in (self.bob, self.carol):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.guarantee_move(case=medical, to=G.IN_PROGRESS, actor=user)
        medical.refresh_from_db()
        self.assertEqual(medical.state, G.REQUESTED)
        services.guarantee_move(case=medical, to=G.IN_PROGRESS, actor=self.heidi)
