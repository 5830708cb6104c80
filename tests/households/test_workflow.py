"""Every workflow move allowed and refused: the TRANSITIONS table against all statuses."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from households import selectors, services
from households.models import ApplicationEvent, TransferApplication
from households.reference import REQUIRED_DOCUMENTS
from nongzhuancheng.scoping import allows
from tests.base import CastTestCase, person_data

Status = TransferApplication.Status
WORKFLOW = TransferApplication.WORKFLOW
NOTE = "经核查"


class WorkflowTableTest(CastTestCase):
    def actor_for(self, move):
        """A user whose role holds the move's action: the clerk, or the county office for a move the clerk
        may not make (its approval, withdraw_duplicate)."""
        return self.alice if allows(self.alice, move.action) else self.dave

    def application_in(self, status, approval=False):
        """An application brought to ``status`` through the services (``approval``: its county asks to
        approve the completion of its category, as it must for AWAITING_APPROVAL)."""
        app = self.receive(self.alice, members=[person_data(category="graduate"),
                                                person_data(relation="child", category="graduate")])
        services.approval_rules_set(actor=self.dave, county=self.zhaoyang,
                                    categories=["graduate"] if approval or status == Status.AWAITING_APPROVAL else [])
        if status == Status.AWAITING_APPROVAL:
            app = services.application_complete(application=app, actor=self.alice)
        if status == Status.RETURNED:
            app = services.application_return(application=app, actor=self.alice, note="缺户口簿")
        elif status == Status.COMPLETED:
            app = services.application_complete(application=app, actor=self.alice)
        elif status == Status.REJECTED:
            app = services.application_reject(application=app, actor=self.alice, note="不符合条件")
        elif status == Status.WITHDRAWN:
            app = services.application_withdraw(application=app, actor=self.alice)
        self.assertEqual(app.status, status)
        return app

    def test_the_table_names_every_status(self):
        self.assertEqual(set(TransferApplication.TRANSITIONS), set(Status))
        self.assertEqual(TransferApplication.CLAIMING,
                         {Status.RECEIVED, Status.RETURNED, Status.AWAITING_APPROVAL, Status.COMPLETED})

    def test_every_move_in_the_table_is_allowed_from_its_sources_and_refused_elsewhere(self):
        for start in Status:
            for move in TransferApplication.WORKFLOW:
                with self.subTest(start=start, move=move.name):
                    app = self.application_in(start, approval=move.name == "submit_approval" and start == Status.RECEIVED)
                    actor = self.actor_for(move)
                    events = app.events.count()
                    actor = self.actor_for(move)
                    if start in move.sources:
                        moved = services.application_move(application=app, move=move.name, actor=actor, note=NOTE)
                        self.assertEqual(moved.status, move.target)
                        last = app.events.last()
                        self.assertEqual(
                            (last.from_status, last.to_status, last.actor, last.note),
                            (start, move.target, actor, NOTE),
                        )
                        self.assertEqual(app.events.count(), events + 1)
                    else:
                        with self.assertRaises(services.TransitionNotAllowed) as ctx:
                            services.application_move(application=app, move=move.name, actor=actor, note=NOTE)
                        self.assertIn("不能从", ctx.exception.messages[0])
                        app.refresh_from_db()
                        self.assertEqual(app.status, start)
                        self.assertEqual(app.events.count(), events)

    def test_the_derived_transitions_are_exactly_the_moves_of_the_table(self):
        expected = {s: set() for s in Status}
        for move in TransferApplication.WORKFLOW:
            for source in move.sources:
                expected[source].add(move.target)
        self.assertEqual(TransferApplication.TRANSITIONS, expected)
        # a completion is final but for the county office's decision that it duplicates another record
        self.assertEqual(TransferApplication.TRANSITIONS[Status.COMPLETED], {Status.WITHDRAWN})
        self.assertEqual([m.name for m in TransferApplication.WORKFLOW.moves_from(Status.COMPLETED)],
                         ["withdraw_duplicate"])

    def test_the_named_services_follow_the_same_table(self):
        named = {
            "complete": services.application_complete, "return": services.application_return,
            "resubmit": services.application_resubmit, "reject": services.application_reject,
            "withdraw": services.application_withdraw, "approve": services.application_approve,
            "send_back": services.application_send_back,
            "withdraw_duplicate": services.application_withdraw_duplicate,
        }
        # submit_approval is what application_complete makes where the county approves (test_county_approval)
        self.assertEqual(set(named) | {"submit_approval"}, set(TransferApplication.WORKFLOW.moves))
        for start in Status:
            for name, service in named.items():
                with self.subTest(start=start, move=name):
                    app = self.application_in(start)
                    expected = name in services.moves_allowed(app)
                    try:
                        service(application=app, actor=self.actor_for(WORKFLOW.get(name)), note=NOTE)
                        moved = True
                    except services.TransitionNotAllowed:
                        moved = False
                    self.assertEqual(moved, expected)
                    app.refresh_from_db()
                    target = TransferApplication.WORKFLOW.get(name).target
                    self.assertEqual(app.status, target if expected else start)

    def test_an_unknown_move_is_refused_by_name(self):
        app = self.receive(self.alice)
        with self.assertRaises(services.TransitionNotAllowed):
            services.application_move(application=app, move="accept", actor=self.alice)

    def test_completion_records_the_date_on_the_application_and_its_people(self):
        app = self.receive(self.alice, received_on=datetime.date(2012, 10, 8))
        app = services.application_complete(application=app, actor=self.alice, on=datetime.date(2012, 10, 12))
        self.assertEqual(app.completed_on, datetime.date(2012, 10, 12))
        self.assertEqual(list(app.members.values_list("completed_on", flat=True)), [datetime.date(2012, 10, 12)])

    def test_completion_needs_every_document_and_names_the_missing_ones(self):
        app = self.receive(self.alice, documents=["hukou_booklet", "id_card", "application_form"])
        with self.assertRaises(ValidationError) as ctx:
            services.application_complete(application=app, actor=self.alice)
        self.assertIn("转户类别证明", ctx.exception.messages[0])
        app = services.application_complete(application=app, actor=self.alice, documents=REQUIRED_DOCUMENTS)
        self.assertEqual(app.status, Status.COMPLETED)

    def test_a_completion_date_before_receipt_or_in_the_future_is_refused(self):
        app = self.receive(self.alice, received_on=datetime.date(2012, 10, 8))
        for on in (datetime.date(2012, 10, 7), timezone.localdate() + datetime.timedelta(days=1)):
            with self.assertRaises(ValidationError):
                services.application_complete(application=app, actor=self.alice, on=on)
        app.refresh_from_db()
        self.assertEqual(app.status, Status.RECEIVED)

    def test_return_and_reject_need_a_note(self):
        app = self.receive(self.alice)
        for service in (services.application_return, services.application_reject):
            with self.assertRaises(ValidationError):
                service(application=app, actor=self.alice, note="  ")
        self.assertEqual(app.events.count(), 1)

    def test_resubmission_restarts_the_time_limit(self):
        app = self.receive(self.alice, received_on=datetime.date(2012, 9, 20), documents=[])
        services.application_return(application=app, actor=self.alice, note="缺材料")
        app = services.application_resubmit(
            application=app, actor=self.alice, documents=REQUIRED_DOCUMENTS, on=datetime.date(2012, 9, 28)
        )
        self.assertEqual((app.status, app.received_on, app.due_on), (Status.RECEIVED, datetime.date(2012, 9, 28),
                                                                     datetime.date(2012, 10, 11)))
        self.assertEqual(app.documents, sorted(REQUIRED_DOCUMENTS))

    def test_a_resubmission_with_unknown_documents_changes_nothing(self):
        app = self.receive(self.alice, documents=[])
        services.application_return(application=app, actor=self.alice, note="缺材料")
        with self.assertRaises(ValidationError):
            services.application_resubmit(application=app, actor=self.alice, documents=["birth_certificate"])
        app.refresh_from_db()
        self.assertEqual(app.status, Status.RETURNED)
        self.assertEqual(app.events.count(), 2)

    def test_documents_cannot_change_once_the_application_is_closed(self):
        app = self.complete(self.alice)
        with self.assertRaises(services.TransitionNotAllowed):
            services.application_set_documents(application=app, actor=self.alice, documents=[])

    def test_read_only_roles_cannot_move_anything(self):
        app = self.receive(self.alice)
        for user in (self.frank, self.grace):
            for move in TransferApplication.WORKFLOW:
                with self.assertRaises(PermissionDenied):
                    services.application_move(application=app, move=move.name, actor=user, note=NOTE)
        self.assertEqual(ApplicationEvent.objects.filter(application=app).count(), 1)

    def test_a_clerk_cannot_move_another_stations_application(self):
        app = self.receive(self.bob, members=[person_data(area="530621")])
        for user in (self.alice, self.carol, self.dave):
            with self.assertRaises(TransferApplication.DoesNotExist):
                services.application_withdraw(application=app, actor=user)
        self.assertEqual(services.application_withdraw(application=app, actor=self.erin).status, Status.WITHDRAWN)

    def test_received_applications_past_their_time_limit_are_overdue_and_returned_ones_apart(self):
        old = self.receive(self.alice, received_on=datetime.date(2012, 9, 28))
        returned = self.receive(self.alice, received_on=datetime.date(2012, 9, 20))
        services.application_return(application=returned, actor=self.alice, note="缺材料")
        done = self.complete(self.alice)
        fresh = self.receive(self.alice)
        overdue = list(selectors.application_overdue_list(user=self.alice, today=datetime.date(2012, 10, 12)))
        self.assertEqual(overdue, [old])  # the returned one is the applicant's turn
        self.assertEqual(list(selectors.application_returned_list(user=self.alice, today=datetime.date(2012, 10, 12))),
                         [returned])
        self.assertNotIn(done, overdue)
        self.assertNotIn(fresh, overdue)
        self.assertEqual(list(selectors.application_overdue_list(user=self.bob, today=datetime.date(2012, 10, 12))), [])


class ApplicationCreateTest(CastTestCase):
    def test_nothing_is_written_when_one_member_is_wrong(self):
        from households.models import Household, Person

        bad = person_data(id_number="530602198001011235")
        with self.assertRaises(ValidationError) as ctx:
            self.receive(self.alice, members=[person_data(), person_data(), bad])
        self.assertEqual(set(ctx.exception.member_errors), {2})
        self.assertIn("校验位", ctx.exception.member_errors[2]["id_number"][0])
        self.assertEqual((Household.objects.count(), TransferApplication.objects.count(), Person.objects.count()),
                         (0, 0, 0))

    def test_nothing_is_written_when_the_household_is_incomplete(self):
        from households.models import Household

        with self.assertRaises(ValidationError) as ctx:
            self.receive(self.alice, head_name="")
        self.assertIn("head_name", ctx.exception.message_dict)
        self.assertEqual(Household.objects.count(), 0)

    def test_every_member_problem_is_reported_at_once(self):
        members = [
            person_data(name="", category="nine"),
            person_data(ethnicity="99", education="55"),
            person_data(birth_date="1901-01-01"),
        ]
        with self.assertRaises(ValidationError) as ctx:
            self.receive(self.alice, members=members)
        errors = ctx.exception.member_errors
        self.assertEqual(set(errors[0]), {"name", "category"})
        self.assertEqual(set(errors[1]), {"ethnicity", "education"})
        self.assertIn("出生日期与身份号码不符", errors[2]["birth_date"][0])

    def test_a_bad_number_with_sex_and_birth_date_left_blank_reports_only_the_number(self):
        member = person_data(id_number="53060219850314123", sex="", birth_date="")
        with self.assertRaises(ValidationError) as ctx:
            self.receive(self.alice, members=[member])
        self.assertEqual(set(ctx.exception.member_errors[0]), {"id_number"})

    def test_the_same_number_twice_in_one_household_is_refused(self):
        member = person_data()
        with self.assertRaises(ValidationError) as ctx:
            self.receive(self.alice, members=[member, dict(member, name="另一人")])
        self.assertIn("第 1 位", ctx.exception.member_errors[1]["id_number"][0])

    def test_a_receipt_date_in_the_future_is_refused(self):
        with self.assertRaises(ValidationError):
            self.receive(self.alice, received_on=timezone.localdate() + datetime.timedelta(days=1))

    def test_a_clerk_always_receives_at_their_own_station(self):
        app = services.application_create(
            actor=self.alice, household={"number": "0001", "head_name": "张三", "township": "北闸镇",
                                         "village": "塘房村", "address": "北闸镇塘房村1号"},
            members=[person_data()], station=self.ld_station,
        )
        self.assertEqual(app.station, self.zy_station)
        self.assertTrue(app.number.startswith("530602"))

    def test_read_only_roles_cannot_receive(self):
        for user in (self.frank, self.grace, self.heidi):
            with self.assertRaises(PermissionDenied):
                self.receive(user)

    def test_a_second_application_for_the_same_household_reuses_it(self):
        first = self.receive(self.alice, number="H-0815")
        second = self.receive(self.alice, number="H-0815", head_name="户主改名")
        self.assertEqual(first.household_id, second.household_id)
        second.household.refresh_from_db()
        self.assertEqual(second.household.head_name, "户主改名")
