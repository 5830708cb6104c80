import datetime

from django.urls import reverse

from households import services
from households.models import TransferApplication
from nongzhuancheng.masking import mask
from tests.base import CastTestCase, person_data


def detail(app):
    return reverse("households:application_detail", args=[app.pk])


def move(app, action):
    return reverse("households:application_move", args=[app.pk, action])


class ApplicationDetailPageTest(CastTestCase):
    def setUp(self):
        self.member = person_data(name="张德明")
        self.app = self.receive(self.alice, members=[self.member, person_data(name="李秀英", male=False, relation="spouse")],
                                documents=["hukou_booklet", "id_card"])

    def reveal(self, person, next_url):
        return self.client.post(reverse("households:person_id_reveal", args=[person.pk]), {"next": next_url})

    def test_the_clerk_sees_a_whole_id_number_once_after_a_logged_click_documents_actions_and_events(self):
        from nongzhuancheng.audit import AccessEvent

        self.login(self.alice)
        response = self.client.get(detail(self.app))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, self.member["id_number"])
        self.assertContains(response, mask(self.member["id_number"]))
        person = self.app.members.get(name="张德明")
        with self.captureOnCommitCallbacks(execute=True):
            self.assertRedirects(self.reveal(person, detail(self.app)), detail(self.app),
                                 fetch_redirect_response=False)
        self.assertContains(self.client.get(detail(self.app)), self.member["id_number"])
        self.assertNotContains(self.client.get(detail(self.app)), self.member["id_number"])  # once
        event = AccessEvent.objects.get(kind=AccessEvent.Kind.ID_VIEW)
        self.assertEqual((event.username, event.person_id), ("alice", person.pk))
        self.assertRedirects(self.reveal(person, "https://evil.example/"), detail(self.app),
                             fetch_redirect_response=False)
        self.assertContains(response, "张德明")
        self.assertContains(response, 'value="hukou_booklet" checked')
        self.assertContains(response, 'value="category_proof">')
        for action in ("complete", "return", "reject", "withdraw"):
            self.assertContains(response, move(self.app, action))
        self.assertNotContains(response, move(self.app, "resubmit"))
        self.assertContains(response, "<td>受理</td>", html=True)

    def test_a_completed_application_links_each_member_to_their_entitlements(self):
        person = self.app.members.get(name="张德明")
        entitlements = reverse("entitlements:person", args=[person.pk])
        self.login(self.alice)
        self.assertNotContains(self.client.get(detail(self.app)), entitlements)
        services.application_complete(application=self.app, actor=self.alice, documents=services.REQUIRED_DOCUMENTS)
        response = self.client.get(detail(self.app))
        self.assertContains(response, entitlements)
        self.assertEqual(self.client.get(entitlements).status_code, 200)

    def test_out_of_scope_answers_404(self):
        for user in (self.bob, self.carol, self.erin):
            self.login(user)
            self.assertEqual(self.client.get(detail(self.app)).status_code, 404, user)
            self.assertEqual(self.client.post(move(self.app, "withdraw")).status_code, 404, user)
            docs = reverse("households:application_documents", args=[self.app.pk])
            self.assertEqual(self.client.post(docs, {"documents": ["id_card"]}).status_code, 404, user)
        self.assertEqual(TransferApplication.objects.get(pk=self.app.pk).status, "received")
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("households:application_detail", args=[999999])).status_code, 404)

    def test_out_of_scope_or_masked_roles_cannot_reveal_a_number(self):
        person = self.app.members.get(name="张德明")
        for user in (self.bob, self.carol, self.erin):
            self.login(user)
            self.assertEqual(self.reveal(person, detail(self.app)).status_code, 404, user)
        for user in (self.frank, self.grace):
            self.login(user)
            self.assertEqual(self.reveal(person, detail(self.app)).status_code, 403, user)

    def test_the_county_officer_of_the_county_sees_and_acts(self):
        self.login(self.dave)
        self.reveal(self.app.members.get(name="张德明"), detail(self.app))
        self.assertContains(self.client.get(detail(self.app)), self.member["id_number"])
        response = self.client.post(move(self.app, "return"), {"note": "缺城镇居住证明"})
        self.assertRedirects(response, detail(self.app))
        self.assertEqual(TransferApplication.objects.get(pk=self.app.pk).status, "returned")

    def test_the_city_reader_sees_masked_numbers_and_no_actions_and_may_not_move(self):
        self.login(self.frank)
        response = self.client.get(detail(self.app))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, mask(self.member["id_number"]))
        self.assertNotContains(response, self.member["id_number"])
        self.assertNotContains(response, "/move/")
        self.assertNotContains(response, reverse("households:application_documents", args=[self.app.pk]))
        self.assertEqual(self.client.post(move(self.app, "withdraw")).status_code, 403)
        docs = reverse("households:application_documents", args=[self.app.pk])
        self.assertEqual(self.client.post(docs, {"documents": ["id_card"]}).status_code, 403)
        self.assertEqual(TransferApplication.objects.get(pk=self.app.pk).status, "received")

    def test_completing_needs_every_document_then_succeeds(self):
        self.login(self.alice)
        response = self.client.post(move(self.app, "complete"), {"confirmed": "1"}, follow=True)
        self.assertContains(response, "材料不全，不能办结")
        self.assertEqual(TransferApplication.objects.get(pk=self.app.pk).status, "received")
        docs = reverse("households:application_documents", args=[self.app.pk])
        all_docs = ["hukou_booklet", "id_card", "application_form", "category_proof", "urban_residence_proof"]
        self.client.post(docs, {"documents": all_docs})
        response = self.client.post(move(self.app, "complete"), {"note": "材料齐全", "confirmed": "1"}, follow=True)
        self.assertContains(response, "当前状态：办结")
        app = TransferApplication.objects.get(pk=self.app.pk)
        self.assertEqual(app.status, "completed")
        self.assertEqual(app.events.last().note, "材料齐全")
        self.assertNotContains(response, "/move/")
        self.assertNotContains(response, docs)

    def test_return_and_reject_need_a_note_and_resubmit_follows_a_return(self):
        self.login(self.alice)
        response = self.client.post(move(self.app, "return"), {"note": " "}, follow=True)
        self.assertContains(response, "请写明需补正的材料")
        self.client.post(move(self.app, "return"), {"note": "缺户口簿原件"})
        response = self.client.get(detail(self.app))
        self.assertContains(response, move(self.app, "resubmit"))
        self.assertContains(response, "缺户口簿原件")
        self.client.post(move(self.app, "resubmit"))
        response = self.client.post(move(self.app, "reject"), {"note": ""}, follow=True)
        self.assertContains(response, "必须写明理由")
        self.client.post(move(self.app, "reject"), {"note": "不符合转户条件", "confirmed": "1"})
        self.assertEqual(
            list(self.app.events.values_list("to_status", flat=True)), ["received", "returned", "received", "rejected"]
        )

    def test_a_move_not_in_the_table_is_refused_and_an_unknown_action_is_404(self):
        self.login(self.alice)
        response = self.client.post(move(self.app, "resubmit"), follow=True)
        self.assertContains(response, "不能从“受理”变为“受理”")
        self.assertEqual(self.client.post(move(self.app, "accept")).status_code, 404)
        self.assertEqual(self.client.get(move(self.app, "withdraw")).status_code, 405)

    def test_the_record_history_shows_a_correction_with_masked_numbers(self):
        person = self.app.members.get(name="张德明")
        services.person_update(person=person, actor=self.alice, phone="13987012345", category="graduate")
        self.login(self.alice)
        response = self.client.get(detail(self.app))
        self.assertContains(response, "联系电话： → 13987012345")
        self.assertContains(response, "转户类别：migrant_worker → graduate")

    def test_its_query_count_is_fixed(self):
        for _ in range(3):
            services.person_update(person=self.app.members.first(), actor=self.alice, occupation="务工")
        self.login(self.alice)
        # session, the user with its assignment, the header's station and its county, application, members,
        # events, household and person history, the scans, the correction requests, the county approval rule
        with self.assertNumQueries(12):
            self.client.get(detail(self.app))


class ReceiptPageTest(CastTestCase):
    def test_the_receipt_counts_working_days_across_national_day_2012(self):
        member = person_data(name="张德明")
        app = self.receive(self.alice, members=[member], received_on=datetime.date(2012, 9, 28),
                           head_name="张德明", number="530602-0012")
        # 9-29 (Saturday) was a working day, 9-30 to 10-7 the holiday: 5 working days end on 10-11
        self.assertEqual(app.due_on, datetime.date(2012, 10, 11))
        self.login(self.alice)
        response = self.client.get(reverse("households:application_receipt", args=[app.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "2012年9月28日")
        self.assertContains(response, "2012年10月11日")
        self.assertContains(response, "5 个工作日")
        self.assertContains(response, app.number)
        self.assertContains(response, "昭阳区城区派出所")
        self.assertContains(response, "受理人（签字）")
        self.assertContains(response, mask(member["id_number"]))
        self.assertNotContains(response, member["id_number"])

    def test_its_query_count_is_fixed(self):
        app = self.receive(self.alice, members=[person_data() for _ in range(4)])
        self.login(self.alice)
        # session, the user with its assignment, the header's station and its county, application, members
        with self.assertNumQueries(6):
            self.client.get(reverse("households:application_receipt", args=[app.pk]))

    def test_out_of_scope_receipts_answer_404(self):
        app = self.receive(self.alice)
        url = reverse("households:application_receipt", args=[app.pk])
        for user in (self.bob, self.carol, self.erin):
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, 404)
        for user in (self.dave, self.frank, self.root):
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, 200)


class OverduePageTest(CastTestCase):
    def test_it_lists_open_applications_past_due_most_overdue_first_with_working_days(self):
        older = self.receive(self.alice, received_on=datetime.date(2012, 9, 28))
        newer = self.receive(self.alice, received_on=datetime.date(2012, 10, 8))
        done = self.receive(self.alice, received_on=datetime.date(2012, 9, 3))
        services.application_complete(application=done, actor=self.alice, on=datetime.date(2012, 9, 5))
        other = self.receive(self.bob, received_on=datetime.date(2012, 9, 3))
        self.login(self.alice)
        response = self.client.get(reverse("households:overdue"))
        self.assertEqual(response.status_code, 200)
        rows = response.context["rows"]
        self.assertEqual([app.pk for app, _days in rows], [older.pk, newer.pk])
        from households.workdays import working_days_between

        today = response.context["today"]
        self.assertEqual(rows[0][1], working_days_between(datetime.date(2012, 10, 11), today))
        self.assertEqual(rows[1][1], working_days_between(newer.due_on, today))
        self.assertGreater(rows[0][1], rows[1][1])
        self.assertNotContains(response, other.number)
        self.login(self.erin)
        self.assertEqual([a.pk for a, _d in self.client.get(reverse("households:overdue")).context["rows"]], [other.pk])

    def test_its_query_count_does_not_grow_with_the_rows(self):
        for day in range(1, 21):
            self.receive(self.alice, received_on=datetime.date(2012, 9, day))
        self.login(self.alice)
        # session, the user with its assignment, the header's station and its county, count, page, the
        # overdue and returned counts beside it, people
        with self.assertNumQueries(9):
            response = self.client.get(reverse("households:overdue"))
        self.assertEqual(len(response.context["rows"]), 20)
