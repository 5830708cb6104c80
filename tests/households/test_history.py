"""Edits to households and people keep a history (who, when, what)."""

from django.core.exceptions import PermissionDenied, ValidationError

from households import services
from tests.base import CastTestCase, person_data


class HistoryTest(CastTestCase):
    def test_a_household_correction_is_kept_in_its_history_with_the_actor(self):
        app = self.receive(self.alice, head_name="张国华")
        household = services.household_update(household=app.household, actor=self.dave, head_name="张国强")
        records = list(household.history.all())
        self.assertEqual([r.head_name for r in records], ["张国强", "张国华"])
        self.assertEqual([r.history_user for r in records], [self.dave, self.alice])
        delta = records[0].diff_against(records[1])
        self.assertEqual([(c.field, c.old, c.new) for c in delta.changes], [("head_name", "张国华", "张国强")])

    def test_a_person_correction_is_kept_in_their_history_with_the_actor(self):
        app = self.receive(self.alice, members=[person_data(phone="13800000001")])
        person = services.person_update(person=app.members.get(), actor=self.alice, phone="13908700002",
                                        occupation="个体经营")
        records = list(person.history.all())
        self.assertEqual(len(records), 2)
        self.assertEqual((records[0].phone, records[1].phone), ("13908700002", "13800000001"))
        self.assertEqual(records[0].history_user, self.alice)
        changed = {c.field for c in records[0].diff_against(records[1]).changes}
        self.assertEqual(changed, {"phone", "occupation"})

    def test_a_corrected_id_number_recomputes_sex_and_birth_date_and_is_recorded(self):
        app = self.receive(self.alice, members=[person_data(male=True)])
        person = app.members.get()
        new = person_data(male=False)["id_number"]
        person = services.person_update(person=person, actor=self.alice, id_number=new)
        self.assertEqual((person.id_number, person.sex), (new, "F"))
        self.assertEqual(person.history.last().sex, "M")

    def test_an_id_number_that_contradicts_a_typed_sex_is_refused_and_nothing_changes(self):
        app = self.receive(self.alice, members=[person_data(male=True)])
        person = app.members.get()
        with self.assertRaises(ValidationError) as ctx:
            services.person_update(person=person, actor=self.alice, id_number=person_data(male=False)["id_number"],
                                   sex="M")
        self.assertIn("sex", ctx.exception.message_dict)
        self.assertEqual(person.history.count(), 1)

    def test_fields_the_workflow_owns_cannot_be_edited(self):
        app = self.receive(self.alice)
        with self.assertRaises(ValidationError):
            services.person_update(person=app.members.get(), actor=self.alice, holds_claim=False)
        with self.assertRaises(ValidationError):
            services.household_update(household=app.household, actor=self.alice, station=self.ld_station)

    def test_edits_are_scoped_and_refused_to_read_only_roles(self):
        app = self.receive(self.bob, members=[person_data(area="530621")])
        with self.assertRaises(app.household.DoesNotExist):
            services.household_update(household=app.household, actor=self.alice, head_name="x")
        with self.assertRaises(PermissionDenied):
            services.person_update(person=app.members.get(), actor=self.frank, phone="1")
        self.assertEqual(app.household.history.count(), 1)

    def test_status_moves_are_recorded_in_the_application_history_too(self):
        app = self.complete(self.alice)
        statuses = [r.status for r in app.history.all()]
        self.assertEqual(statuses[0], "completed")
        self.assertEqual(app.history.first().history_user, self.alice)
