"""Corrections through the services: direct before completion, a request after it; approving moves
the records and the figures, refusing changes nothing; ID number changes are checked and logged."""

import datetime
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from households import corrections, ids, selectors, services
from households.approval_models import CorrectionRequest
from households.models import ApplicationEvent, Person, TransferApplication
from households.rollup import rollup_drift
from households.rollup_models import CompletionDaily
from nongzhuancheng.audit import AccessEvent
from nongzhuancheng.masking import mask
from nongzhuancheng.scoping import allows
from public.models import Notice
from public.selectors import application_lookup
from quotas.selectors import category_progress, county_progress
from tests.base import CastTestCase, person_data

D = datetime.date
S = CorrectionRequest.State


def per_category():
    return {r.category: r.cumulative for r in category_progress(year=2012, as_of=D(2012, 10, 20)) if r.cumulative}


class DirectCorrectionTest(CastTestCase):
    def test_a_received_application_is_corrected_at_once_with_history_and_an_event(self):
        app = self.receive(self.alice, members=[person_data(phone="13800000001")], head_name="张国华")
        person = app.members.get()
        result = corrections.correction_submit(
            application=app, actor=self.alice, household={"head_name": "张国强"},
            people={person.pk: {"phone": "13908700002", "occupation": "个体经营"}}, reason="户口簿为准")
        self.assertEqual(result.pk, app.pk)
        person.refresh_from_db()
        app.household.refresh_from_db()
        self.assertEqual((app.household.head_name, person.phone, person.occupation), ("张国强", "13908700002", "个体经营"))
        self.assertEqual(person.history.first().history_user, self.alice)
        event = app.events.last()
        self.assertEqual((event.from_status, event.to_status, event.actor), ("received", "received", self.alice))
        self.assertIn("户主姓名：张国华 → 张国强", event.note)
        self.assertIn("联系电话：13800000001 → 13908700002", event.note)
        self.assertFalse(CorrectionRequest.objects.exists())

    def test_a_returned_application_too_but_nothing_changed_is_refused(self):
        app = services.application_return(application=self.receive(self.alice), actor=self.alice, note="缺户口簿")
        person = app.members.get()
        with self.assertRaises(ValidationError) as ctx:
            corrections.correction_submit(application=app, actor=self.alice, people={person.pk: {"name": person.name}})
        self.assertEqual(ctx.exception.code, "unchanged")
        corrections.correction_submit(application=app, actor=self.alice, people={person.pk: {"name": "王小明"}})
        self.assertEqual(Person.objects.get(pk=person.pk).name, "王小明")
        # the correction is recorded on the application but is no move: no second notice, and the
        # public lookup still says what to bring
        self.assertEqual(Notice.objects.filter(application=app).count(), 1)
        self.assertEqual(application_lookup(number=app.number, id_tail=person.id_number[-6:]).return_note, "缺户口簿")

    def test_after_completion_the_direct_services_refuse_and_the_submit_becomes_a_request(self):
        app = self.complete(self.alice, members=[person_data(phone="13800000001")])
        person = app.members.get()
        with self.assertRaises(services.TransitionNotAllowed):
            services.person_update(person=person, actor=self.alice, phone="13900000000")
        with self.assertRaises(services.TransitionNotAllowed):
            services.household_update(household=app.household, actor=self.dave, head_name="x")
        with self.assertRaises(ValidationError):  # a request needs its reason
            corrections.correction_submit(application=app, actor=self.alice, people={person.pk: {"phone": "13900000000"}})
        request = corrections.correction_submit(application=app, actor=self.alice, reason="号码录错",
                                                people={person.pk: {"phone": "13900000000"}})
        self.assertIsInstance(request, CorrectionRequest)
        self.assertEqual(request.changes, {"people": {str(person.pk): {"phone": ["13800000001", "13900000000"]}}})
        self.assertEqual(Person.objects.get(pk=person.pk).phone, "13800000001")

    def test_a_rejected_or_waiting_application_is_not_corrected(self):
        app = services.application_reject(application=self.receive(self.alice), actor=self.alice, note="不符合条件")
        with self.assertRaises(services.TransitionNotAllowed):
            corrections.correction_submit(application=app, actor=self.alice,
                                          people={app.members.get().pk: {"name": "王小明"}})


class RequestTest(CastTestCase):
    def setUp(self):
        self.app = self.complete(
            self.alice, received_on=D(2012, 10, 8), on=D(2012, 10, 12),
            members=[person_data(category="migrant_worker"), person_data(category="migrant_worker", relation="spouse")])
        self.person = self.app.members.order_by("id").first()

    def request(self, **kwargs):
        return corrections.correction_request(application=self.app, actor=self.alice, reason="户口簿为准", **kwargs)

    def test_approving_a_category_moves_the_counts_per_category_and_leaves_the_city_total(self):
        before = county_progress(year=2012, as_of=D(2012, 10, 20)).cumulative
        self.assertEqual(per_category(), {"migrant_worker": 2})
        request = self.request(people={self.person.pk: {"category": "collective_support"}})
        self.assertEqual(per_category(), {"migrant_worker": 2})  # a request changes nothing yet
        request = corrections.correction_move(correction=request, move="approve", actor=self.dave, note="核实无误")
        self.assertEqual((request.state, request.decided_by, request.decision_note), (S.APPROVED, self.dave, "核实无误"))
        self.assertEqual(per_category(), {"migrant_worker": 1, "collective_support": 1})
        self.assertEqual(county_progress(year=2012, as_of=D(2012, 10, 20)).cumulative, before)
        self.assertFalse(rollup_drift().any)
        event = self.app.events.last()
        self.assertEqual((event.actor, event.from_status, event.to_status), (self.dave, "completed", "completed"))
        self.assertIn("转户类别：进城务工经商人员 → 农村集体供养对象", event.note)
        self.assertEqual(Notice.objects.filter(application=self.app).count(), 1)  # no second "completed" notice

    def test_a_completion_date_corrected_across_a_period_boundary_moves_the_period_figure(self):
        as_of = D(2012, 10, 20)  # 2012年10月中旬: 10-11 … 10-20
        city = county_progress(year=2012, as_of=as_of)
        self.assertEqual((city.cumulative, city.period_done, city.previous_period_done), (2, 2, 0))
        request = self.request(completed_on=D(2012, 10, 9))  # 上旬
        corrections.correction_move(correction=request, move="approve", actor=self.dave)
        city = county_progress(year=2012, as_of=as_of)
        self.assertEqual((city.cumulative, city.period_done, city.previous_period_done), (2, 0, 2))
        self.assertEqual(set(Person.objects.filter(application=self.app).values_list("completed_on", flat=True)),
                         {D(2012, 10, 9)})
        self.assertFalse(rollup_drift().any)

    def test_refusing_changes_nothing_and_needs_a_reason(self):
        request = self.request(people={self.person.pk: {"category": "graduate"}}, completed_on=D(2012, 10, 9))
        daily = list(CompletionDaily.objects.values_list("completed_on", "category", "persons"))
        with self.assertRaises(ValidationError):
            corrections.correction_move(correction=request, move="refuse", actor=self.dave, note=" ")
        request = corrections.correction_move(correction=request, move="refuse", actor=self.dave, note="无证明材料")
        self.assertEqual(request.state, S.REFUSED)
        self.person.refresh_from_db()
        self.assertEqual((self.person.category, self.person.completed_on), ("migrant_worker", D(2012, 10, 12)))
        self.assertEqual(list(CompletionDaily.objects.values_list("completed_on", "category", "persons")), daily)
        self.assertIn("未批准：无证明材料", self.app.events.last().note)
        with self.assertRaises(services.TransitionNotAllowed):  # decided once
            corrections.correction_move(correction=request, move="approve", actor=self.dave)

    def test_the_requester_may_withdraw_and_a_stale_request_is_not_applied(self):
        first = self.request(people={self.person.pk: {"category": "graduate"}})
        corrections.correction_move(correction=first, move="withdraw", actor=self.alice)
        self.assertEqual(CorrectionRequest.objects.get(pk=first.pk).state, S.WITHDRAWN)
        a = self.request(people={self.person.pk: {"category": "graduate"}})
        b = self.request(people={self.person.pk: {"category": "veteran"}})
        corrections.correction_move(correction=a, move="approve", actor=self.dave)
        with self.assertRaises(ValidationError) as ctx:
            corrections.correction_move(correction=b, move="approve", actor=self.dave)
        self.assertEqual(ctx.exception.code, "stale")
        self.assertEqual(Person.objects.get(pk=self.person.pk).category, "graduate")

    def test_every_move_allowed_and_refused_per_role(self):
        for move, allowed in (("approve", {"dave", "root"}), ("refuse", {"dave", "root"}),
                              ("withdraw", {"alice", "dave", "root"})):
            for user in (self.alice, self.bob, self.carol, self.dave, self.erin, self.frank, self.grace, self.root):
                with self.subTest(move=move, user=user.username):
                    request = self.request(people={self.person.pk: {"occupation": f"{move}{user.pk}"}})
                    try:
                        corrections.correction_move(correction=request, move=move, actor=user, note="理由")
                    except PermissionDenied:
                        outcome = "403"
                    except CorrectionRequest.DoesNotExist:
                        outcome = "404"
                    else:
                        outcome = "moved"
                    request.refresh_from_db()
                    if user.username in allowed:
                        self.assertEqual(outcome, "moved")
                        self.assertEqual(request.state, CorrectionRequest.WORKFLOW.get(move).target)
                    else:
                        self.assertIn(outcome, {"403", "404"})
                        self.assertEqual(request.state, S.REQUESTED)
                        # a user with the action but outside the place finds nothing; the others are refused
                        has_action = allows(user, CorrectionRequest.WORKFLOW.get(move).action)
                        self.assertEqual(outcome, "404" if has_action else "403")
                    if request.state == S.REQUESTED:
                        corrections.correction_move(correction=request, move="withdraw", actor=self.root)

    def test_requests_are_scoped(self):
        with self.assertRaises(TransferApplication.DoesNotExist):
            corrections.correction_request(application=self.app, actor=self.bob, reason="x",
                                           people={self.person.pk: {"occupation": "x"}})
        with self.assertRaises(PermissionDenied):
            corrections.correction_request(application=self.app, actor=self.frank, reason="x",
                                           people={self.person.pk: {"occupation": "x"}})
        self.request(people={self.person.pk: {"occupation": "务工"}})
        self.assertEqual(selectors.correction_list(user=self.dave).count(), 1)
        self.assertEqual(selectors.correction_list(user=self.carol).count(), 0)  # another station
        self.assertEqual(selectors.correction_list(user=self.erin).count(), 0)
        # a member unit sees them as it sees the application: where it has a case of its kind
        self.assertEqual(selectors.correction_list(user=self.grace).count(),
                         TransferApplication.objects.for_user(self.grace).filter(pk=self.app.pk).count())


class IdNumberChangeTest(CastTestCase):
    def setUp(self):
        self.app = self.complete(self.alice, members=[person_data(male=True)])
        self.person = self.app.members.get()

    def ask(self, number):
        return corrections.correction_request(application=self.app, actor=self.alice, reason="身份证为准",
                                              people={self.person.pk: {"id_number": number}})

    def test_an_invalid_number_is_refused(self):
        bad = self.person.id_number[:17] + ("0" if self.person.id_number[17] != "0" else "1")
        with self.assertRaises(corrections.CorrectionInvalid) as ctx:
            self.ask(bad)
        self.assertIn("id_number", ctx.exception.section_errors["people"][self.person.pk])
        self.assertFalse(CorrectionRequest.objects.exists())

    def test_a_claimed_number_is_refused_with_the_duplicate_message(self):
        taken = person_data(area="530621")
        self.receive(self.bob, members=[taken])
        with self.assertRaises(corrections.CorrectionInvalid) as ctx:
            self.ask(taken["id_number"])
        self.assertIn("鲁甸县", ctx.exception.section_errors["people"][self.person.pk]["id_number"][0])

    def test_a_number_claimed_after_the_request_is_refused_at_approval(self):
        new = person_data(male=False)["id_number"]
        request = self.ask(new)
        self.receive(self.bob, members=[{**person_data(area="530621"), "id_number": new}])
        with self.assertRaises(services.DuplicateTransfer):
            corrections.correction_move(correction=request, move="approve", actor=self.dave)
        self.assertEqual(CorrectionRequest.objects.get(pk=request.pk).state, S.REQUESTED)

    def test_the_race_lost_at_the_write_answers_the_duplicate_message(self):
        """Another clerk claims the number between the check and the write: the partial unique index
        refuses the write (IntegrityError), answered as the duplicate message."""
        new = person_data(male=False)["id_number"]
        request = self.ask(new)
        self.receive(self.bob, members=[{**person_data(area="530621"), "id_number": new}])
        real = selectors.claim_find
        calls = []

        def not_yet(number):  # the check does not see the claim; the lookup after the refusal does
            calls.append(number)
            return None if len(calls) == 1 else real(number)

        with mock.patch("households.services.claim_find", side_effect=not_yet):
            with self.assertRaises(services.DuplicateTransfer) as ctx:
                corrections.correction_move(correction=request, move="approve", actor=self.dave)
        self.assertEqual(len(calls), 2)
        self.assertIn("已于", ctx.exception.message_dict["id_number"][0])
        self.assertEqual(Person.objects.get(pk=self.person.pk).id_number, self.person.id_number)

    def test_a_valid_unclaimed_number_is_applied_with_sex_and_birth_and_written_to_the_access_log(self):
        new = ids.make("530602", D(1990, 5, 6), 22)  # an even sequence: a woman
        request = self.ask(new)
        diff = request.changes["people"][str(self.person.pk)]
        self.assertEqual(diff["id_number"], [self.person.id_number, new])
        self.assertEqual(diff["sex"], ["M", "F"])
        self.assertEqual(diff["birth_date"][1], "1990-05-06")
        with self.captureOnCommitCallbacks(execute=True):
            corrections.correction_move(correction=request, move="approve", actor=self.dave)
        person = Person.objects.get(pk=self.person.pk)
        self.assertEqual((person.id_number, person.sex, person.birth_date), (new, "F", D(1990, 5, 6)))
        log = AccessEvent.objects.get(kind=AccessEvent.Kind.ID_CHANGE)
        self.assertEqual((log.username, log.person_id), ("dave", person.pk))
        self.assertEqual(log.subject, f"{mask(self.person.id_number)} → {mask(new)}")
        self.assertNotIn(new, log.subject)
        self.assertNotIn(new, ApplicationEvent.objects.filter(application=self.app).last().note)
        lines = corrections.diff_lines(request.changes, {person.pk: person})
        self.assertIn(mask(new), [line["after"] for line in lines])
        self.assertFalse(rollup_drift().any)
        self.assertEqual(CompletionDaily.objects.aggregate(n=Sum("persons"))["n"], 1)
