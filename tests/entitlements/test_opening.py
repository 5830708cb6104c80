import datetime

from django.db import IntegrityError
from django.dispatch import receiver

from entitlements.models import GuaranteeCase, GuaranteeEvent, Retention, RetentionEvent, transition_end
from households import services
from households.models import TransferApplication
from households.signals import application_completed
from tests.base import person_data

from .base import EntitlementsTestCase

G = GuaranteeCase.State


class OpeningOnCompletionTest(EntitlementsTestCase):
    def test_it_opens_five_retentions_and_five_guarantees_for_each_person(self):
        app = self.complete_family()
        people = list(app.members.all())
        self.assertEqual(len(people), 4)
        for p in people:
            self.assertEqual(sorted(p.retentions.values_list("kind", flat=True)), sorted(Retention.Kind.values))
            self.assertEqual(sorted(p.guarantees.values_list("kind", flat=True)), sorted(GuaranteeCase.Kind.values))
        self.assertEqual(Retention.objects.filter(application=app, state="kept").count(), 20)
        self.assertEqual(set(Retention.objects.values_list("county", flat=True)), {self.zhaoyang.pk})

    def test_it_opens_an_education_case_for_each_school_age_child_only(self):
        app = self.complete_family()
        education = dict(
            GuaranteeCase.objects.filter(application=app, kind="education").values_list("person__birth_date", "state")
        )
        by_age = {2026 - b.year - ((9, 1) < (b.month, b.day)): s for b, s in education.items()}
        self.assertEqual(by_age, {47: G.NOT_NEEDED, 45: G.NOT_NEEDED, 10: G.REQUESTED, 17: G.NOT_NEEDED})
        child = GuaranteeCase.objects.get(application=app, kind="education", state=G.REQUESTED)
        self.assertEqual(child.requested_on, datetime.date(2026, 9, 1))

    def test_it_counts_six_and_fifteen_year_olds_as_school_age_but_not_five_or_sixteen(self):
        on = datetime.date(2026, 9, 1)
        births = {5: on.replace(year=2021) + datetime.timedelta(days=1), 6: on.replace(year=2020),
                  15: on.replace(year=2011), 16: on.replace(year=2010)}
        members = [person_data(birth=datetime.date(1980, 1, 1), relation="head")] + [
            person_data(birth=b, relation="child") for b in births.values()
        ]
        app = self.complete(self.alice, on=on, members=members, received_on=on)
        states = {
            c.person.birth_date: c.state for c in GuaranteeCase.objects.filter(application=app, kind="education")
            .select_related("person")
        }
        for age, birth in births.items():
            # person_data shifts the birth date by a day per 500 people; read the stored one
            stored = app.members.get(relation="child", birth_date__range=(birth, birth + datetime.timedelta(days=2)))
            expected = G.REQUESTED if 6 <= age <= 15 else G.NOT_NEEDED
            self.assertEqual(states[stored.birth_date], expected, age)

    def test_it_opens_the_housing_case_once_for_the_head_of_household(self):
        app = self.complete_family()
        housing = GuaranteeCase.objects.filter(application=app, kind="housing")
        self.assertEqual(housing.filter(state=G.REQUESTED).get().person.relation, "head")
        self.assertEqual(housing.filter(state=G.NOT_NEEDED).count(), 3)

    def test_it_opens_pension_and_employment_by_age_and_medical_for_everyone(self):
        app = self.complete_family()
        cases = GuaranteeCase.objects.filter(application=app)
        self.assertEqual(cases.filter(kind="medical", state=G.REQUESTED).count(), 4)
        self.assertEqual(cases.filter(kind="pension", state=G.REQUESTED).count(), 3)  # 47, 45 and 17
        self.assertEqual(cases.filter(kind="employment", state=G.REQUESTED).count(), 3)

    def test_it_writes_an_opening_event_for_every_record(self):
        app = self.complete_family()
        self.assertEqual(RetentionEvent.objects.filter(retention__application=app, from_state="").count(), 20)
        event = GuaranteeEvent.objects.filter(case__application=app).first()
        self.assertEqual((event.actor, event.to_state, event.on), (self.alice, event.case.state, app.completed_on))

    def test_it_opens_nothing_for_a_returned_rejected_withdrawn_or_received_application(self):
        received = self.receive(self.alice)
        returned = services.application_return(application=self.receive(self.alice), actor=self.alice, note="缺户口簿")
        rejected = services.application_reject(application=self.receive(self.alice), actor=self.alice, note="不符合条件")
        withdrawn = services.application_withdraw(application=self.receive(self.alice), actor=self.alice)
        for app in (received, returned, rejected, withdrawn):
            self.assertFalse(Retention.objects.filter(application=app).exists())
            self.assertFalse(GuaranteeCase.objects.filter(application=app).exists())

    def test_it_rolls_the_completion_back_when_the_opening_fails(self):
        app = self.receive(self.alice)

        @receiver(application_completed, dispatch_uid="test-failing-receiver")
        def fail(sender, application, **kwargs):
            # a second set of records breaks the one-per-person-and-kind constraint
            Retention.objects.create(
                person=application.members.first(), application=application, county=application.county,
                station=application.station, kind="farmland", opened_on=application.completed_on,
            )

        try:
            with self.assertRaises(IntegrityError):
                services.application_complete(application=app, actor=self.alice)
        finally:
            application_completed.disconnect(dispatch_uid="test-failing-receiver")
        app.refresh_from_db()
        self.assertEqual(app.status, TransferApplication.Status.RECEIVED)
        self.assertFalse(Retention.objects.filter(application=app).exists())


class TransitionEndTest(EntitlementsTestCase):
    def test_the_transition_ends_five_years_after_the_completion(self):
        app = self.complete_family(on=datetime.date(2026, 9, 1))
        fp = self.retention(app, "family_planning")
        self.assertEqual(fp.transition_ends_on, datetime.date(2031, 9, 1))
        self.assertIsNone(self.retention(app, "farmland").transition_ends_on)

    def test_a_29_february_completion_ends_on_28_february(self):
        self.assertEqual(transition_end(datetime.date(2012, 2, 29)), datetime.date(2017, 2, 28))
        app = self.complete(self.alice, on=datetime.date(2024, 2, 29), received_on=datetime.date(2024, 2, 27))
        self.assertEqual(self.retention(app, "family_planning").transition_ends_on, datetime.date(2029, 2, 28))

    def test_a_corrected_completion_date_moves_the_transition_end_and_records_it(self):
        app = self.complete_family(on=datetime.date(2026, 9, 1))
        self.correct_completed(app, requester=self.alice, approver=self.dave, completed_on=datetime.date(2026, 9, 3))
        fp = self.retention(app, "family_planning")
        self.assertEqual(fp.transition_ends_on, datetime.date(2031, 9, 3))
        event = fp.events.last()
        self.assertEqual(event.actor, self.dave)
        self.assertEqual(event.details["transition_ends_on"], ["2031-09-01", "2031-09-03"])
        self.assertEqual(self.case(app, "medical").requested_on, datetime.date(2026, 9, 3))

    def test_a_corrected_birth_date_opens_the_education_case_nobody_has_worked(self):
        on = datetime.date(2026, 9, 1)
        members = [person_data(birth=datetime.date(1980, 1, 1), relation="head"),
                   person_data(birth=datetime.date(2005, 3, 3), relation="child")]
        app = self.complete(self.alice, on=on, members=members, received_on=on)
        child = app.members.get(relation="child")
        self.assertEqual(child.guarantees.get(kind="education").state, G.NOT_NEEDED)
        from households.ids import make

        self.correct_completed(app, requester=self.alice, approver=self.dave, people={child: {
            "id_number": make("530602", datetime.date(2015, 3, 3), 21), "birth_date": datetime.date(2015, 3, 3)}})
        case = child.guarantees.get(kind="education")
        self.assertEqual((case.state, case.requested_on), (G.REQUESTED, on))
        self.assertEqual(child.guarantees.get(kind="employment").state, G.NOT_NEEDED)
