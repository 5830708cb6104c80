from django.contrib.auth.models import Permission

from households.models import Household, Person, TransferApplication
from tests.base import CastTestCase, person_data

Status = TransferApplication.Status


class HouseholdsAdminTest(CastTestCase):
    def setUp(self):
        self.app = self.receive(self.alice, members=[person_data(), person_data(relation="spouse", male=False)])
        self.other = self.receive(self.bob, members=[person_data(area="530621")])

    def test_the_admin_pages_load_for_the_administrator(self):
        self.login(self.root)
        for url in (
            "/admin/households/transferapplication/",
            f"/admin/households/transferapplication/{self.app.pk}/change/",
            f"/admin/households/transferapplication/{self.app.pk}/history/",
            "/admin/households/household/",
            f"/admin/households/household/{self.app.household_id}/change/",
            "/admin/households/person/",
            f"/admin/households/person/{self.app.members.first().pk}/change/",
            "/admin/households/applicationevent/",
        ):
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_the_change_page_shows_members_and_events_and_status_cannot_be_edited(self):
        self.login(self.root)
        page = self.client.get(f"/admin/households/transferapplication/{self.app.pk}/change/").content.decode()
        self.assertIn(self.app.members.first().name, page)
        self.assertIn("办理记录", page)
        self.assertNotIn('name="status"', page)
        self.client.post(
            f"/admin/households/transferapplication/{self.app.pk}/change/",
            {"note": "改了备注", "status": "completed", "members-TOTAL_FORMS": 0, "members-INITIAL_FORMS": 0,
             "events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0},
        )
        self.app.refresh_from_db()
        self.assertEqual(self.app.status, Status.RECEIVED)

    def test_admin_actions_move_applications_through_the_services(self):
        self.login(self.root)
        url = "/admin/households/transferapplication/"
        self.client.post(url, {"action": "move_complete", "_selected_action": [self.app.pk], "note": "材料齐全"})
        self.app.refresh_from_db()
        self.assertEqual(self.app.status, Status.COMPLETED)
        event = self.app.events.last()
        self.assertEqual((event.from_status, event.to_status, event.actor, event.note), ("received", "completed", self.root, "材料齐全"))
        self.assertEqual(self.app.members.filter(completed_on=self.app.completed_on).count(), 2)

    def test_a_refused_action_reports_the_reason_and_changes_nothing(self):
        self.login(self.root)
        r = self.client.post(
            "/admin/households/transferapplication/",
            {"action": "move_reject", "_selected_action": [self.app.pk], "note": ""}, follow=True,
        )
        self.assertContains(r, "不予办理时必须写明理由")
        self.app.refresh_from_db()
        self.assertEqual(self.app.status, Status.RECEIVED)

    def test_a_person_edited_in_the_admin_goes_through_the_service_and_keeps_history(self):
        self.login(self.root)
        person = self.app.members.order_by("id").first()
        url = f"/admin/households/person/{person.pk}/change/"
        data = {f: getattr(person, f) for f in (
            "name", "id_number", "sex", "ethnicity", "education", "marital_status", "relation",
            "phone", "occupation", "category", "destination_address",
        )}
        data["birth_date"] = person.birth_date.isoformat()
        data["phone"] = "13908701234"
        r = self.client.post(url, data)
        self.assertEqual(r.status_code, 302, r.content.decode()[:2000])
        person.refresh_from_db()
        self.assertEqual(person.phone, "13908701234")
        latest = person.history.first()
        self.assertEqual(latest.history_user, self.root)
        self.assertEqual(latest.phone, "13908701234")

    def test_a_sex_that_contradicts_the_id_number_is_refused_in_the_admin(self):
        self.login(self.root)
        person = self.app.members.order_by("id").first()
        data = {f: getattr(person, f) for f in (
            "name", "id_number", "ethnicity", "education", "marital_status", "relation",
            "phone", "occupation", "category", "destination_address",
        )}
        data["birth_date"] = person.birth_date.isoformat()
        data["sex"] = "F" if person.sex == "M" else "M"
        r = self.client.post(f"/admin/households/person/{person.pk}/change/", data)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "性别与身份号码不符")
        self.assertEqual(Person.objects.get(pk=person.pk).sex, person.sex)

    def test_the_admin_is_scoped_for_a_staff_clerk(self):
        self.alice.is_staff = True
        self.alice.save()
        self.alice.user_permissions.add(*Permission.objects.filter(content_type__app_label="households"))
        self.login(self.alice)
        listing = self.client.get("/admin/households/transferapplication/").content.decode()
        self.assertIn(self.app.number, listing)
        self.assertNotIn(self.other.number, listing)
        r = self.client.get(f"/admin/households/transferapplication/{self.other.pk}/change/")
        self.assertNotEqual(r.status_code, 200)  # the admin's "does not exist" redirect
        r = self.client.get(f"/admin/households/household/{self.other.household_id}/change/")
        self.assertNotEqual(r.status_code, 200)
        self.assertEqual(Household.objects.count(), 2)
