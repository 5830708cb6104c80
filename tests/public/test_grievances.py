"""Questions and complaints (咨询投诉): sent from the public pages, answered by the county office within
its time limit, the answer read through the lookup or by the reference."""

import datetime

from django.test import override_settings
from django.urls import reverse

from households.workdays import add_working_days
from public import services
from public.models import Grievance

from .helpers import PublicTestCase, without_csrf

ASK = "/public/ask/"


class SubmitTest(PublicTestCase):
    def ask(self, **data):
        form = {"kind": "consultation", "county": "530602", "question": "转户后承包地还能保留吗？"}
        form.update(data)
        return self.client.post(ASK, form, REMOTE_ADDR="10.0.0.1")

    def test_an_anonymous_question_goes_to_the_chosen_county_with_a_due_date_in_working_days(self):
        response = self.ask()
        self.assertEqual(response.status_code, 200)
        grievance = Grievance.objects.get()
        self.assertEqual(grievance.county, self.zhaoyang)
        self.assertIsNone(grievance.application)
        self.assertEqual(grievance.due_on, add_working_days(grievance.submitted_at.astimezone().date(), 5))
        self.assertContains(response, grievance.reference)
        self.assertEqual(len(grievance.reference), 10)

    def test_with_the_lookup_pair_it_goes_to_the_application_and_its_county(self):
        app = self.receive(self.bob)
        self.ask(county="530602", number=app.number, id_tail=app.members.get().id_number[-6:])
        grievance = Grievance.objects.get()
        self.assertEqual(grievance.application, app)
        self.assertEqual(grievance.county, self.ludian)

    def test_a_wrong_pair_is_taken_as_an_anonymous_question_and_reads_the_same(self):
        app = self.receive(self.bob)
        right = self.ask(number=app.number, id_tail=app.members.get().id_number[-6:])
        wrong = self.ask(number=app.number, id_tail="000000")
        first, second = Grievance.objects.order_by("id")
        self.assertIsNone(second.application)
        self.assertEqual(second.county, self.zhaoyang)
        self.assertEqual(first.county, self.ludian)  # linked: the application's county, not the one chosen
        # the page does not tell which: the same words but for the reference
        self.assertEqual(without_csrf(right.content.decode()).replace(first.reference, "R"),
                         without_csrf(wrong.content.decode()).replace(second.reference, "R"))

    def test_an_empty_question_is_refused(self):
        response = self.ask(question="  ")
        self.assertContains(response, "errorlist")
        self.assertFalse(Grievance.objects.exists())

    @override_settings(NZC_GRIEVANCE_RATE_PER_ADDRESS="2/h")
    def test_too_many_from_one_address_are_refused(self):
        self.ask()
        self.ask()
        self.assertEqual(self.ask().status_code, 429)
        self.assertEqual(Grievance.objects.count(), 2)


class AnswerTest(PublicTestCase):
    def setUp(self):
        super().setUp()
        self.app = self.receive(self.alice)
        self.tail = self.app.members.get().id_number[-6:]
        self.grievance = services.grievance_submit(kind="complaint", county=None, application=self.app,
                                                   question="超过时限还没有办结。", contact_phone="13912345678")

    def test_the_county_office_answers_and_the_applicant_reads_it_through_the_lookup(self):
        self.login(self.dave)
        url = reverse("public:grievance_answer", args=[self.grievance.pk])
        self.assertContains(self.client.get(url), "超过时限还没有办结。")
        response = self.client.post(url, {"answer": "已督促城区派出所，本周内办结。"})
        self.assertEqual(response.status_code, 302)
        self.grievance.refresh_from_db()
        self.assertEqual((self.grievance.state, self.grievance.answered_by), ("answered", self.dave))
        self.client.logout()
        lookup = self.client.post("/public/lookup/", {"number": self.app.number, "id_tail": self.tail})
        self.assertContains(lookup, "已督促城区派出所，本周内办结。")
        self.assertNotContains(lookup, "13912345678")
        by_reference = self.client.get(reverse("public:ask_answer", args=[self.grievance.reference]))
        self.assertContains(by_reference, "已督促城区派出所，本周内办结。")
        self.assertNotContains(by_reference, "13912345678")

    def test_a_county_officer_of_another_county_gets_404(self):
        self.login(self.erin)
        url = reverse("public:grievance_answer", args=[self.grievance.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, {"answer": "x"}).status_code, 404)
        self.assertNotContains(self.client.get(reverse("public:grievance_list")), self.grievance.reference)
        self.grievance.refresh_from_db()
        self.assertEqual(self.grievance.state, "open")

    def test_a_clerk_of_the_station_reads_it_but_may_not_answer(self):
        self.login(self.alice)
        url = reverse("public:grievance_answer", args=[self.grievance.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.post(url, {"answer": "x"}).status_code, 403)
        self.login(self.carol)  # another station of the same county
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_open_and_overdue_lists_of_the_county(self):
        late = services.grievance_submit(kind="consultation", county=self.zhaoyang, question="公租房怎么申请？")
        Grievance.objects.filter(pk=late.pk).update(due_on=datetime.date(2020, 1, 6))
        self.login(self.dave)
        overdue = self.client.get(reverse("public:grievance_list"), {"show": "overdue"})
        self.assertContains(overdue, late.reference)
        self.assertNotContains(overdue, self.grievance.reference)
        open_list = self.client.get(reverse("public:grievance_list"))
        self.assertContains(open_list, late.reference)
        self.assertContains(open_list, self.grievance.reference)
        self.assertContains(open_list, "超期")

    def test_an_unknown_reference_answers_404(self):
        self.assertEqual(self.client.get(reverse("public:ask_answer", args=["ZZZZZZZZZZ"])).status_code, 404)
