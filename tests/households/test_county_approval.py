"""County approval where the county asks for it: the station's 办结 waits for the county office,
which approves (the transfer completes and is counted then) or sends it back; without the setting
nothing changes."""

import datetime

from django.urls import reverse
from django.utils import timezone

from households import selectors, services
from households.approval_models import CountyApprovalRule
from households.models import TransferApplication
from households.rollup_models import CompletionDaily
from quotas.selectors import county_progress
from tests.base import CastTestCase, person_data

Status = TransferApplication.Status
COLLECTIVE = "collective_support"


def counted():
    return sum(CompletionDaily.objects.values_list("persons", flat=True))


class ApprovalFlowTest(CastTestCase):
    def setUp(self):
        services.approval_rules_set(actor=self.dave, county=self.zhaoyang, categories=[COLLECTIVE])

    def collective(self, actor=None, **kwargs):
        return self.receive(actor or self.alice, members=[person_data(category=COLLECTIVE),
                                                          person_data(relation="spouse")], **kwargs)

    def test_the_setting_makes_the_clerks_complete_wait_and_the_county_approval_counts_it(self):
        app = self.collective(received_on=timezone.localdate() - datetime.timedelta(days=3))
        self.assertEqual(services.moves_allowed(app, self.alice), ["return", "reject", "withdraw", "submit_approval"])
        app = services.application_complete(application=app, actor=self.alice)
        self.assertEqual((app.status, app.completed_on), (Status.AWAITING_APPROVAL, None))
        self.assertEqual(counted(), 0)
        self.assertTrue(all(p.holds_claim and p.completed_on is None for p in app.members.all()))
        self.assertEqual(list(selectors.approval_queue(user=self.dave)), [app])
        self.assertEqual(list(selectors.approval_queue(user=self.erin)), [])
        self.assertEqual(list(selectors.approval_queue(user=self.alice)), [])  # a clerk does not decide
        today = timezone.localdate()
        app = services.application_approve(application=app, actor=self.dave, note="同意")
        self.assertEqual((app.status, app.completed_on), (Status.COMPLETED, today))  # completed when approved
        self.assertEqual(counted(), 2)
        self.assertEqual(county_progress(year=today.year, as_of=today).cumulative, 2)
        self.assertTrue(app.members.first().guarantees.exists())  # the entitlements open on completion
        events = list(app.events.values_list("from_status", "to_status", "actor__username"))
        self.assertEqual(events[-2:], [("received", "awaiting", "alice"), ("awaiting", "completed", "dave")])

    def test_the_county_sends_it_back_with_a_reason_and_the_time_limit_runs_on(self):
        app = services.application_complete(application=self.collective(), actor=self.alice)
        due = app.due_on
        with self.assertRaises(services.ValidationError):
            services.application_send_back(application=app, actor=self.dave, note=" ")
        app = services.application_send_back(application=app, actor=self.dave, note="供养证明不清")
        self.assertEqual((app.status, app.due_on, app.completed_on), (Status.RECEIVED, due, None))
        self.assertEqual(app.events.last().note, "供养证明不清")
        self.assertEqual(counted(), 0)

    def test_setting_off_or_another_category_or_county_completes_at_once(self):
        plain = self.receive(self.alice, members=[person_data(category="graduate")])
        self.assertEqual(services.application_complete(application=plain, actor=self.alice).status, Status.COMPLETED)
        ludian = self.receive(self.bob, members=[person_data(area="530621", category=COLLECTIVE)])
        self.assertEqual(services.application_complete(application=ludian, actor=self.bob).status, Status.COMPLETED)
        services.approval_rules_set(actor=self.dave, county=self.zhaoyang, categories=[])
        app = services.application_complete(application=self.collective(), actor=self.alice)
        self.assertEqual(app.status, Status.COMPLETED)
        self.assertEqual(counted(), 1 + 1 + 2)

    def test_a_waiting_application_is_not_corrected_directly_and_its_documents_stay(self):
        app = services.application_complete(application=self.collective(), actor=self.alice)
        with self.assertRaises(services.TransitionNotAllowed):
            services.person_update(person=app.members.first(), actor=self.alice, phone="13900000000")
        with self.assertRaises(services.TransitionNotAllowed):
            services.application_set_documents(application=app, actor=self.alice, documents=[])

    def test_every_approval_move_allowed_and_refused_per_role(self):
        for move in ("approve", "send_back"):
            for user in (self.alice, self.carol, self.bob, self.dave, self.erin, self.frank, self.grace, self.root):
                with self.subTest(move=move, user=user.username):
                    app = services.application_complete(application=self.collective(), actor=self.alice)
                    try:
                        services.application_move(application=app, move=move, actor=user, note="理由")
                        outcome = "moved"
                    except services.PermissionDenied:
                        outcome = "403"
                    except TransferApplication.DoesNotExist:
                        outcome = "404"
                    app.refresh_from_db()
                    expected = {"dave": "moved", "root": "moved", "erin": "404"}.get(user.username, "403")
                    self.assertEqual(outcome, expected)
                    self.assertEqual(app.status, Status.AWAITING_APPROVAL if outcome != "moved"
                                     else TransferApplication.WORKFLOW.get(move).target)

    def test_the_overdue_list_counts_the_countys_waiting_time(self):
        old = timezone.localdate() - datetime.timedelta(days=30)
        app = services.application_complete(application=self.collective(received_on=old), actor=self.alice)
        self.assertIn(app, list(selectors.application_overdue_list(user=self.dave)))

    def test_the_setting_is_per_county_and_set_by_its_office_or_the_city(self):
        with self.assertRaises(services.PermissionDenied):
            services.approval_rules_set(actor=self.alice, county=self.zhaoyang, categories=[COLLECTIVE])
        with self.assertRaises(type(self.ludian).DoesNotExist):
            services.approval_rules_set(actor=self.dave, county=self.ludian, categories=[COLLECTIVE])
        with self.assertRaises(services.PermissionDenied):  # the city office needs staff
            services.approval_rules_set(actor=self.frank, county=self.ludian, categories=[COLLECTIVE])
        self.frank.is_staff = True
        self.frank.save()
        services.approval_rules_set(actor=self.frank, county=self.ludian, categories=["veteran"])
        self.assertEqual(selectors.approval_rules(user=self.root), {self.zhaoyang.pk: {COLLECTIVE},
                                                                   self.ludian.pk: {"veteran"}})
        with self.assertRaises(services.ValidationError):
            services.approval_rules_set(actor=self.root, county=self.ludian, categories=["nope"])


class ApprovalPagesTest(CastTestCase):
    def setUp(self):
        services.approval_rules_set(actor=self.dave, county=self.zhaoyang, categories=[COLLECTIVE])
        self.app = services.application_complete(
            application=self.receive(self.alice, members=[person_data(category=COLLECTIVE)]), actor=self.alice)

    def test_the_receipt_and_the_detail_say_it_waits_for_the_county(self):
        self.login(self.alice)
        receipt = self.client.get(reverse("households:application_receipt", args=[self.app.pk]))
        self.assertContains(receipt, "待县级审批")
        detail = self.client.get(reverse("households:application_detail", args=[self.app.pk]))
        self.assertContains(detail, "待县级审批")
        self.assertNotContains(detail, reverse("households:application_move", args=[self.app.pk, "approve"]))

    def test_the_county_works_its_queue_on_pages(self):
        self.login(self.dave)
        queue = self.client.get(reverse("households:approval_queue"))
        self.assertContains(queue, self.app.number)
        detail = self.client.get(reverse("households:application_detail", args=[self.app.pk]))
        self.assertContains(detail, reverse("households:application_move", args=[self.app.pk, "approve"]))
        self.client.post(reverse("households:application_move", args=[self.app.pk, "approve"]),
                         {"note": "同意", "confirmed": "1"})
        self.app.refresh_from_db()
        self.assertEqual(self.app.status, Status.COMPLETED)
        self.assertNotContains(self.client.get(reverse("households:approval_queue")),
                               reverse("households:application_detail", args=[self.app.pk]))

    def test_the_queue_and_settings_pages_are_the_countys(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("households:approval_queue")).status_code, 403)
        self.assertEqual(self.client.get(reverse("households:approval_rules")).status_code, 403)
        self.login(self.erin)
        self.assertNotContains(self.client.get(reverse("households:approval_queue")),
                               reverse("households:application_detail", args=[self.app.pk]))
        self.assertEqual(self.client.get(reverse("households:application_detail", args=[self.app.pk])).status_code, 404)
        response = self.client.post(reverse("households:application_move", args=[self.app.pk, "approve"]))
        self.assertEqual(response.status_code, 404)

    def test_the_settings_page_sets_the_county_of_the_office(self):
        self.login(self.dave)
        page = self.client.get(reverse("households:approval_rules"))
        self.assertContains(page, f'name="rule-{self.zhaoyang.pk}-{COLLECTIVE}" value="1" aria-label')
        self.assertNotContains(page, f"rule-{self.ludian.pk}-")
        self.client.post(reverse("households:approval_rules"), {f"rule-{self.zhaoyang.pk}-veteran": "1",
                                                                f"rule-{self.ludian.pk}-veteran": "1"})
        on = set(CountyApprovalRule.objects.filter(requires_approval=True).values_list("county__code", "category"))
        self.assertEqual(on, {("530602", "veteran")})


class ApprovalApiTest(CastTestCase):
    def test_the_move_endpoint_takes_the_new_moves(self):
        from rest_framework.test import APIClient

        services.approval_rules_set(actor=self.dave, county=self.zhaoyang, categories=[COLLECTIVE])
        app = self.receive(self.alice, members=[person_data(category=COLLECTIVE)])
        clerk, county, other = APIClient(), APIClient(), APIClient()
        clerk.force_authenticate(self.alice)
        county.force_authenticate(self.dave)
        other.force_authenticate(self.erin)
        url = f"/api/v1/applications/{app.pk}/move/"
        r = clerk.post(url, {"move": "complete"}, format="json")
        self.assertEqual((r.status_code, r.json()["status"]), (200, "awaiting"))
        self.assertEqual(r.json()["allowed_moves"], ["approve", "send_back", "withdraw_duplicate"])
        self.assertEqual(clerk.post(url, {"move": "approve"}, format="json").status_code, 403)
        self.assertEqual(other.post(url, {"move": "approve"}, format="json").status_code, 404)
        self.assertEqual(county.post(url, {"move": "send_back"}, format="json").status_code, 400)  # needs a note
        r = county.post(url, {"move": "approve"}, format="json")
        self.assertEqual((r.status_code, r.json()["status"]), (200, "completed"))
