"""A person can be transferred only once: the partial unique constraint on Person(id_number)
where holds_claim, the messages naming the first station, and two clerks at the same moment."""

import datetime
import threading
import unittest

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.test import TransactionTestCase

from households import services
from households.models import Household, Person, TransferApplication
from households.reference import REQUIRED_DOCUMENTS
from nongzhuancheng.models import PoliceStation
from tests.base import CastTestCase, household_data, make_user, person_data

Status = TransferApplication.Status


class DuplicatePersonTest(CastTestCase):
    def test_a_second_transfer_of_a_completed_person_is_refused_naming_the_first_station_and_date(self):
        member = person_data(area="530621")
        first = self.complete(self.bob, members=[member], on=datetime.date.today())
        with self.assertRaises(ValidationError) as ctx:
            self.receive(self.alice, members=[dict(member, name="再次申请")])
        message = ctx.exception.member_errors[0]["id_number"][0]
        self.assertIn("鲁甸县城区派出所", message)
        self.assertIn(first.completed_on.isoformat(), message)
        self.assertIn("办结", message)
        self.assertIn(member["id_number"][:6] + "********", message)  # masked, never whole
        self.assertNotIn(member["id_number"], message)
        self.assertEqual(Person.objects.filter(id_number=member["id_number"]).count(), 1)

    def test_an_open_application_also_holds_the_number(self):
        member = person_data()
        first = self.receive(self.alice, members=[member])
        for status_move in (None, "return"):
            if status_move:
                services.application_return(application=first, actor=self.alice, note="缺材料")
            with self.assertRaises(ValidationError) as ctx:
                self.receive(self.carol, members=[member])
            self.assertIn(str(self.zy_station), ctx.exception.member_errors[0]["id_number"][0])

    def test_the_legacy_15_digit_form_of_a_claimed_number_is_caught(self):
        self.receive(self.alice, members=[person_data(id_number="532101800101001")])
        with self.assertRaises(ValidationError):
            self.receive(self.bob, members=[person_data(id_number="532101198001010010")])

    def test_a_rejected_or_withdrawn_application_releases_the_number(self):
        for move in (services.application_reject, services.application_withdraw):
            member = person_data()
            first = self.receive(self.alice, members=[member])
            move(application=first, actor=self.alice, note="申请人主动撤回")
            self.assertFalse(first.members.get().holds_claim)
            second = self.receive(self.bob, members=[member])
            self.assertTrue(second.members.get().holds_claim)
            # both rows remain, one claim
            self.assertEqual(Person.objects.filter(id_number=member["id_number"]).count(), 2)
            self.assertEqual(Person.objects.filter(id_number=member["id_number"], holds_claim=True).count(), 1)

    def test_the_database_itself_refuses_a_second_claim(self):
        app = self.receive(self.alice)
        person = app.members.get()
        twin = Person(
            application=app, household=app.household, county=app.county, station=app.station, name="复制",
            id_number=person.id_number, sex=person.sex, birth_date=person.birth_date, category="other",
            destination_address="x", holds_claim=True,
        )
        with self.assertRaises(IntegrityError), transaction.atomic():
            twin.save()
        twin.holds_claim = False
        twin.save()  # an unclaimed row (a rejected application's history) is fine

    def test_correcting_a_person_to_a_claimed_number_is_refused(self):
        taken = person_data()
        self.receive(self.bob, members=[taken])
        app = self.receive(self.alice)
        with self.assertRaises(services.DuplicateTransfer) as ctx:
            services.person_update(person=app.members.get(), actor=self.alice, id_number=taken["id_number"])
        self.assertIn("鲁甸县", ctx.exception.message_dict["id_number"][0])

    def test_the_claim_lookup_is_city_wide_but_tells_only_where_and_when(self):
        member = person_data(area="530621", name="马金兰", phone="13988888888")
        self.complete(self.bob, members=[member])
        with self.assertRaises(ValidationError) as ctx:
            self.receive(self.alice, members=[member])
        message = ctx.exception.member_errors[0]["id_number"][0]
        self.assertNotIn("马金兰", message)
        self.assertNotIn("13988888888", message)


@unittest.skipUnless(connection.vendor == "postgresql", "needs PostgreSQL: SQLite serialises all writers")
class ConcurrentClaimTest(TransactionTestCase):
    """Two clerks at two stations, two threads, two database connections, the same person."""

    def setUp(self):
        call_command("loaddata", "fixtures/reference.json", verbosity=0)
        self.alice = make_user("alice", "clerk", station=PoliceStation.objects.get(code="53060201"))
        self.bob = make_user("bob", "clerk", station=PoliceStation.objects.get(code="53062101"))

    def race(self, jobs, sync_on_claim_check=True):
        """Run each job in its own thread; with sync_on_claim_check both pass the duplicate
        check before either writes, so only the database constraint can stop the second."""
        barrier = threading.Barrier(len(jobs), timeout=20)
        results = [None] * len(jobs)
        real = services.claims_find

        def synced(numbers):
            found = real(numbers)
            barrier.wait()
            return found

        def run(i, job):
            try:
                results[i] = ("ok", job())
            except Exception as exc:  # noqa: BLE001 - the loser's exception is the result
                results[i] = ("error", exc)
            finally:
                connections.close_all()

        if sync_on_claim_check:
            services.claims_find = synced
        try:
            threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
        finally:
            services.claims_find = real
        return results

    def test_two_simultaneous_receipts_of_the_same_person_one_wins_and_the_loser_is_told_where(self):
        member = person_data(area="530602", birth=datetime.date(1972, 8, 15))

        def receive(user):
            return lambda: services.application_create(
                actor=user, household=household_data(), members=[dict(member)], documents=REQUIRED_DOCUMENTS
            )

        results = self.race([receive(self.alice), receive(self.bob)])
        outcomes = sorted(r[0] for r in results)
        self.assertEqual(outcomes, ["error", "ok"], results)
        winner = next(r[1] for r in results if r[0] == "ok")
        loser = next(r[1] for r in results if r[0] == "error")
        self.assertIsInstance(loser, ValidationError)
        self.assertIn(str(winner.station), loser.member_errors[0]["id_number"][0])
        self.assertEqual(Person.objects.filter(id_number=winner.members.get().id_number).count(), 1)
        self.assertEqual(TransferApplication.objects.count(), 1)  # the loser left nothing behind

    def test_a_double_submit_of_one_household_by_one_clerk_gets_the_duplicate_message(self):
        member = person_data(area="530602", birth=datetime.date(1973, 9, 16))
        household = household_data()  # the same 户号 at the same station, twice at one moment

        def receive():
            return services.application_create(
                actor=self.alice, household=dict(household), members=[dict(member)], documents=REQUIRED_DOCUMENTS
            )

        results = self.race([receive, receive])
        self.assertEqual(sorted(r[0] for r in results), ["error", "ok"], results)
        winner = next(r[1] for r in results if r[0] == "ok")
        loser = next(r[1] for r in results if r[0] == "error")
        self.assertIsInstance(loser, ValidationError)
        self.assertIn(winner.number, loser.member_errors[0]["id_number"][0])
        self.assertEqual(Household.objects.filter(number=household["number"]).count(), 1)
        self.assertEqual(TransferApplication.objects.count(), 1)

    def test_two_simultaneous_completions_of_one_application_record_one_completion(self):
        app = services.application_create(
            actor=self.alice, household=household_data(), members=[person_data()], documents=REQUIRED_DOCUMENTS
        )

        def complete():
            return services.application_complete(application=app, actor=self.alice)

        results = self.race([complete, complete], sync_on_claim_check=False)
        self.assertEqual(sorted(r[0] for r in results), ["error", "ok"], results)
        loser = next(r[1] for r in results if r[0] == "error")
        self.assertIsInstance(loser, services.TransitionNotAllowed)
        self.assertEqual(app.events.filter(to_status=Status.COMPLETED).count(), 1)
