"""A corrected person record re-decides the cases nobody has worked yet, by a system move of the
guarantee cases' table."""

import datetime

from entitlements import services
from entitlements.models import GuaranteeCase, GuaranteeEvent
from households import ids
from households import services as household_services

from .base import EntitlementsTestCase

G = GuaranteeCase.State
ON = datetime.date(2026, 9, 1)


class CorrectionTest(EntitlementsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.app = cls().complete_family(cls.alice, on=ON)
        cls.teen = cls.app.members.get(relation="child", sex="F")  # 17 at completion

    def correct_birth(self, person, birth):
        number = ids.make(person.id_number[:6], birth, int(person.id_number[14:17]))
        self.correct_completed(person.application, requester=self.alice, approver=self.dave,
                               people={person: {"id_number": number}})
        return household_services.Person.objects.get(pk=person.pk)

    def test_a_corrected_birth_date_re_decides_the_untouched_cases_by_the_tables_system_moves(self):
        self.assertEqual(GuaranteeCase.objects.get(person=self.teen, kind="pension").state, G.REQUESTED)
        self.correct_birth(self.teen, datetime.date(2012, 3, 4))  # 14 at completion: school age
        states = dict(GuaranteeCase.objects.filter(person=self.teen).values_list("kind", "state"))
        self.assertEqual((states["pension"], states["employment"], states["education"]),
                         (G.NOT_NEEDED, G.NOT_NEEDED, G.REQUESTED))
        education = GuaranteeCase.objects.get(person=self.teen, kind="education")
        self.assertEqual(education.requested_on, ON)
        event = GuaranteeEvent.objects.filter(case=education).last()
        self.assertEqual((event.actor, event.from_state, event.to_state, event.note),
                         (self.dave, G.NOT_NEEDED, G.REQUESTED, "人员信息更正，重新判断是否需要办理"))
        pension = GuaranteeCase.objects.get(person=self.teen, kind="pension")
        self.assertIsNone(pension.requested_on)
        moves = {m.name for m in GuaranteeCase.WORKFLOW if m.action is None}
        self.assertEqual(moves, {"redecide_needed", "redecide_not_needed"})

    def test_a_case_someone_has_worked_is_not_re_decided(self):
        pension = GuaranteeCase.objects.get(person=self.teen, kind="pension")
        services.guarantee_move(case=pension, move="start", actor=self.root)
        self.correct_birth(self.teen, datetime.date(2012, 3, 4))
        pension.refresh_from_db()
        self.assertEqual(pension.state, G.IN_PROGRESS)

    def test_no_user_may_make_the_systems_moves(self):
        case = GuaranteeCase.objects.get(person=self.teen, kind="education")  # not needed at 17
        with self.assertRaises(services.TransitionNotAllowed):
            services.guarantee_move(case=case, move="redecide_needed", actor=self.root)
