"""At entry: warnings shown to the clerk, let stand with a reason (stored); hard errors refused with
their message; a probable duplicate warned, not refused; fixing a record clears its finding."""

import datetime

from django.urls import reverse

from households import services
from households.models import Person, TransferApplication
from households.validation import EntryRefused
from nongzhuancheng.masking import mask
from quality.models import DuplicatePair, Finding
from tests.base import household_data, person_data
from tests.households.test_page_entry import entry_post
from tests.quality.base import QualityTestCase, born

URL = reverse("households:application_new")


class EntryPageTest(QualityTestCase):
    def test_a_warning_is_shown_and_then_let_stand_with_a_reason(self):
        self.login(self.alice)
        household = household_data()
        young_head = [person_data(name="王小明", birth=datetime.date(2014, 3, 1), relation="head")]
        response = self.client.post(URL, entry_post(household, young_head))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "户主不满16岁")
        self.assertContains(response, 'name="quality-reason"')
        self.assertFalse(TransferApplication.objects.filter(household__number=household["number"]).exists())

        data = entry_post(household, young_head)
        data["quality-reason"] = "父母双亡，由其本人立户"
        response = self.client.post(URL, data)
        app = TransferApplication.objects.get(household__number=household["number"])
        self.assertRedirects(response, reverse("households:application_receipt", args=[app.pk]),
                             fetch_redirect_response=False)
        finding = Finding.objects.get(application=app, rule="head_under_16")
        self.assertEqual(finding.override_reason, "父母双亡，由其本人立户")
        self.assertEqual(finding.overridden_by, self.alice)
        self.assertIsNone(finding.resolved_at)

    def test_a_hard_error_is_refused_with_its_message_even_with_a_reason(self):
        self.login(self.alice)
        household = household_data()
        data = entry_post(household, [person_data(name="李军", birth=datetime.date(2012, 1, 1), category="veteran")])
        data["quality-reason"] = "我确定"
        response = self.client.post(URL, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "李军：转户类别为农村籍退役士兵，但不满18岁。")
        self.assertFalse(TransferApplication.objects.filter(household__number=household["number"]).exists())
        self.assertFalse(Finding.objects.exists())

    def test_the_service_refuses_warnings_without_a_reason_when_asked_to_confirm(self):
        with self.assertRaises(EntryRefused) as refused:
            self.enter([born(1998, relation="head")], confirm=True)
        self.assertEqual(refused.exception.hard, [])
        self.assertEqual(len(refused.exception.warnings), 1)
        app = self.enter([born(1998, relation="head")], confirm=False)  # recorded for the queue instead
        finding = Finding.objects.get(application=app)
        self.assertEqual((finding.rule, finding.override_reason), ("head_under_16", ""))

    def test_the_api_takes_a_reason_too(self):
        from rest_framework.test import APIClient

        client = APIClient()
        client.force_authenticate(self.alice)
        body = {"household": household_data(), "documents": [], "members": [born(2014, relation="head")]}
        response = client.post("/api/v1/applications/", body, format="json")
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("户主不满16岁", response.content.decode())
        response = client.post("/api/v1/applications/", {**body, "override_reason": "孤儿立户"}, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(Finding.objects.get(application_id=response.json()["id"]).override_reason, "孤儿立户")

    def test_fixing_the_record_clears_its_finding(self):
        app = self.enter([born(1980), born(1965, relation="child")], override="核对中")
        finding = Finding.objects.get(application=app, rule="child_older_than_parent")
        child = app.members.get(relation="child")
        services.person_update(person=child, actor=self.alice, relation="parent")
        finding.refresh_from_db()
        self.assertIsNotNone(finding.resolved_at)

    def test_a_probable_duplicate_is_warned_not_refused_with_the_other_station_and_a_masked_number(self):
        first = self.enter([person_data(name="赵德福", birth=datetime.date(1970, 3, 3))], actor=self.carol)
        other = first.members.get()
        self.login(self.alice)
        household = household_data()
        again = person_data(name="赵德福", birth=datetime.date(1970, 3, 3), seq=777)
        response = self.client.post(URL, entry_post(household, [again]), follow=True)
        app = TransferApplication.objects.get(household__number=household["number"])
        self.assertEqual(app.status, "received")
        page = response.content.decode()
        self.assertIn("可能与 赵德福", page)
        self.assertIn(mask(other.id_number), page)
        self.assertIn(self.zy_station2.name, page)
        self.assertNotIn(other.id_number, page)
        pair = DuplicatePair.objects.get()
        self.assertEqual({pair.person_a_id, pair.person_b_id}, {other.pk, app.members.get().pk})
        self.assertEqual(pair.basis, "same_name_birth")

    def test_renaming_the_second_record_resolves_the_pair(self):
        self.enter([person_data(name="赵德福", birth=datetime.date(1970, 3, 3))])
        app = self.enter([person_data(name="赵德福", birth=datetime.date(1970, 3, 3), seq=777)])
        pair = DuplicatePair.objects.get()
        services.person_update(person=app.members.get(), actor=self.alice, name="钱德福")
        pair.refresh_from_db()
        self.assertIsNotNone(pair.resolved_at)
        self.assertEqual(Person.objects.get(pk=app.members.get().pk).name_key, "qiandefu")
