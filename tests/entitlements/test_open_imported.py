"""Entitlements of transfers that arrive by spreadsheet import: opened after the import commits, in
the same states as a clerk's completion gives, once only."""

import datetime
import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TransactionTestCase

from entitlements import services, tasks
from entitlements.models import GuaranteeCase, GuaranteeEvent, Retention, RetentionEvent, transition_end
from households import ids
from households.imports.jobs import import_file
from households.models import Person, TransferApplication
from nongzhuancheng.celery import app as celery_app
from nongzhuancheng.models import County, StaffAssignment
from tests.households.worker_helpers import Worker, csv_file, row, wait_for

from .base import EntitlementsTestCase

G = GuaranteeCase.State
COMPLETED_ON = datetime.date(2012, 6, 12)
# A household of four transferred in June 2012 (昭阳区城区派出所) and one only received.
FAMILY = [  # (relation, birth date, ID sequence)
    ("户主", datetime.date(1975, 3, 14), 11),
    ("配偶", datetime.date(1977, 8, 9), 22),
    ("子女", datetime.date(2003, 5, 1), 31),   # 9 at completion: school age
    ("子女", datetime.date(1995, 1, 20), 42),  # 17 at completion
]
WAITING = [("户主", datetime.date(1968, 2, 2), 51), ("配偶", datetime.date(1970, 4, 4), 62)]


def sheet():
    rows = [row(household="H0001", name=f"李{i}", id_number=ids.make("530602", birth, seq), relation=relation)
            for i, (relation, birth, seq) in enumerate(FAMILY)]
    rows += [row(household="H0002", name=f"赵{i}", id_number=ids.make("530602", birth, seq), relation=relation,
                 status="受理", completed="") for i, (relation, birth, seq) in enumerate(WAITING)]
    return csv_file(rows)


def forget_celery_connections():
    """Drop the Celery app's connection and producer pools. Even an eager task acquires a producer,
    which binds the pools to the broker configured at that moment (in memory when tasks run eagerly):
    a later test that points the app at Redis needs them made again."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class OpenImportedTest(EntitlementsTestCase):
    def setUp(self):
        super().setUp()
        self.addCleanup(forget_celery_connections)

    def run_import(self, data=None):
        with self.captureOnCommitCallbacks(execute=True):
            result = import_file(actor=self.dave, name="2012年6月.csv", data=data or sheet(),
                                         mode="all_or_nothing")
        self.assertTrue(result.written or result.rows_skipped, result.errors)
        return result

    def completed_app(self):
        return TransferApplication.objects.get(status="completed")

    def counts(self):
        return (Retention.objects.count(), GuaranteeCase.objects.count(), RetentionEvent.objects.count(),
                GuaranteeEvent.objects.count())

    def test_it_opens_five_retentions_and_five_guarantees_for_each_imported_transferred_person(self):
        self.run_import()
        app = self.completed_app()
        for person in Person.objects.filter(application=app):
            self.assertEqual(sorted(person.retentions.values_list("kind", flat=True)), sorted(Retention.Kind.values))
            self.assertEqual(sorted(person.guarantees.values_list("kind", flat=True)),
                             sorted(GuaranteeCase.Kind.values))
        self.assertEqual(Retention.objects.filter(application=app, state="kept", opened_on=COMPLETED_ON,
                                                  county=self.zhaoyang, station=self.zy_station).count(), 20)
        planning = Retention.objects.filter(application=app, kind="family_planning")
        self.assertEqual(set(planning.values_list("transition_ends_on", flat=True)), {transition_end(COMPLETED_ON)})

    def test_it_opens_nothing_for_the_people_of_a_received_application(self):
        self.run_import()
        waiting = TransferApplication.objects.get(status="received")
        self.assertEqual(Person.objects.filter(application=waiting).count(), 2)
        self.assertFalse(Retention.objects.filter(application=waiting).exists())
        self.assertFalse(GuaranteeCase.objects.filter(application=waiting).exists())
        self.assertEqual(Retention.objects.count(), 20)

    def test_it_decides_each_guarantee_from_age_and_relation_as_a_completion_does(self):
        self.run_import()
        app = self.completed_app()
        states = {(c.person.relation, c.person.birth_date.year, c.kind): c.state
                  for c in GuaranteeCase.objects.filter(application=app).select_related("person")}
        self.assertEqual(states[("child", 2003, "education")], G.REQUESTED)  # 9 years old
        self.assertEqual(states[("child", 1995, "education")], G.NOT_NEEDED)  # 17
        self.assertEqual(states[("head", 1975, "education")], G.NOT_NEEDED)
        self.assertEqual(states[("head", 1975, "housing")], G.REQUESTED)
        self.assertEqual([s for (rel, _y, kind), s in states.items() if kind == "housing" and rel != "head"],
                         [G.NOT_NEEDED] * 3)
        self.assertEqual(states[("child", 1995, "pension")], G.REQUESTED)
        self.assertEqual(states[("child", 2003, "pension")], G.NOT_NEEDED)
        self.assertEqual(states[("child", 2003, "employment")], G.NOT_NEEDED)
        self.assertEqual(states[("spouse", 1977, "employment")], G.REQUESTED)
        self.assertEqual(GuaranteeCase.objects.filter(application=app, kind="medical", state=G.REQUESTED).count(), 4)
        child = GuaranteeCase.objects.get(application=app, kind="education", state=G.REQUESTED)
        self.assertEqual(child.requested_on, COMPLETED_ON)
        self.assertFalse(GuaranteeCase.objects.filter(state=G.NOT_NEEDED, requested_on__isnull=False).exists())

    def test_it_gives_the_same_states_as_the_clerks_completion_of_the_same_family(self):
        self.run_import()
        imported = self.completed_app()
        on = datetime.date(2026, 9, 1)
        clerk_members = []  # the same family, of the same ages at the clerk's completion date
        for relation, birth, seq in FAMILY:
            shifted = birth.replace(year=birth.year + on.year - COMPLETED_ON.year)
            clerk_members.append({
                "name": "王某", "id_number": ids.make("530602", shifted, seq + 100),
                "relation": {"户主": "head", "配偶": "spouse", "子女": "child"}[relation],
                "category": "migrant_worker", "destination_address": "昭阳区凤凰街道龙泉路1号",
            })
        by_clerk = self.complete(self.alice, on=on, members=clerk_members, received_on=on)

        def shape(app):
            return sorted(GuaranteeCase.objects.filter(application=app).values_list("person__relation", "kind", "state"))

        self.assertEqual(shape(imported), shape(by_clerk))

    def test_it_writes_an_opening_event_by_the_importing_user_for_every_record(self):
        self.run_import()
        app = self.completed_app()
        events = RetentionEvent.objects.filter(retention__application=app)
        self.assertEqual(events.count(), 20)
        self.assertEqual(set(events.values_list("actor", "on", "from_state", "to_state", "note")),
                         {(self.dave.pk, COMPLETED_ON, "", "kept", "转户办结，自动建档")})
        for case in GuaranteeCase.objects.filter(application=app):
            self.assertEqual(list(case.events.values_list("from_state", "to_state", "actor")),
                             [("", case.state, self.dave.pk)])

    def test_it_opens_nothing_until_the_import_has_committed(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            with transaction.atomic():
                import_file(actor=self.dave, name="2012年6月.csv", data=sheet(), mode="all_or_nothing")
            self.assertEqual(Person.objects.count(), 6)
            self.assertEqual(self.counts(), (0, 0, 0, 0))
        self.assertEqual(len(callbacks), 1)
        with self.captureOnCommitCallbacks(execute=True):
            callbacks[0]()
        self.assertEqual(self.counts(), (20, 20, 20, 20))

    def test_with_a_broker_the_opening_is_written_to_the_outbox_inside_the_imports_transaction(self):
        from unittest import mock

        from nongzhuancheng.models import OutboxMessage

        celery_app.conf.task_always_eager = False
        self.addCleanup(setattr, celery_app.conf, "task_always_eager", True)
        with mock.patch("nongzhuancheng.queue.outbox_send"), self.captureOnCommitCallbacks(execute=False):
            with transaction.atomic():
                import_file(actor=self.dave, name="2012年6月.csv", data=sheet(), mode="all_or_nothing")
                # before the commit: the rows and the intent to open their records, together
                message = OutboxMessage.objects.get()
                self.assertEqual(message.task_name, "entitlements.tasks.entitlements_open_bulk_task")
                self.assertEqual(message.args[0], [self.completed_app().pk])
        self.assertEqual(OutboxMessage.objects.count(), 1)

    def test_an_opening_that_cannot_be_queued_fails_the_import_which_writes_nothing(self):
        from unittest import mock

        with mock.patch("entitlements.receivers.enqueue", side_effect=RuntimeError("outbox refused")):
            with self.assertRaises(RuntimeError):
                import_file(actor=self.dave, name="2012年6月.csv", data=sheet(), mode="all_or_nothing")
        self.assertEqual(Person.objects.count(), 0)

    def test_importing_the_same_file_again_creates_no_second_record(self):
        self.run_import()
        before = self.counts()
        self.assertEqual(before, (20, 20, 20, 20))
        again = self.run_import()
        self.assertEqual((again.rows_skipped, again.rows_written), (6, 0))
        self.assertEqual(self.counts(), before)

    def test_running_the_task_twice_creates_no_second_record(self):
        self.run_import()
        before = self.counts()
        app_ids = list(TransferApplication.objects.values_list("pk", flat=True))
        tasks.entitlements_open_bulk_task.delay(app_ids, self.dave.pk)
        tasks.entitlements_open_bulk_task.delay(app_ids)
        self.assertEqual(self.counts(), before)
        self.assertEqual(services.entitlements_open_bulk(application_ids=app_ids), 0)

    def test_it_reopens_only_a_person_without_records_and_keeps_the_housing_case_with_the_head(self):
        self.run_import()
        app = self.completed_app()
        child = Person.objects.get(application=app, birth_date=datetime.date(2003, 5, 1))
        Retention.objects.filter(person=child).delete()
        GuaranteeCase.objects.filter(person=child).delete()
        self.assertEqual(services.entitlements_open_bulk(application_ids=[app.pk], actor=self.dave), 1)
        self.assertEqual(self.counts(), (20, 20, 20, 20))
        self.assertEqual(GuaranteeCase.objects.get(person=child, kind="housing").state, G.NOT_NEEDED)
        self.assertEqual(GuaranteeCase.objects.get(person=child, kind="education").state, G.REQUESTED)

    def test_a_task_per_two_thousand_applications_is_queued(self):
        from entitlements import receivers

        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            receivers.open_imported(sender=TransferApplication, application_ids=list(range(1, 4502)), actor=self.dave)
        self.assertEqual(len(callbacks), 3)
        self.assertEqual([len(c.args[0]) for c in callbacks], [2000, 2000, 501])

    def test_it_leaves_a_clerks_completion_alone(self):
        app = self.complete_family()
        before = self.counts()
        self.assertEqual(services.entitlements_open_bulk(application_ids=[app.pk]), 0)
        self.assertEqual(self.counts(), before)


REDIS_URL = os.environ.get("TEST_ENTITLEMENTS_REDIS_URL", "redis://127.0.0.1:6379/11")


@pytest.mark.celery_worker
class OpenImportedThroughWorkerTest(TransactionTestCase):
    """The task queued by an import, run by a real Celery worker (subprocess) against Redis."""

    def setUp(self):
        if connection.vendor != "postgresql":
            pytest.skip("the worker subprocess needs a database it can share: PostgreSQL only, not SQLite")
        import redis

        try:
            self.redis = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
            self.redis.flushdb()  # our own Redis DB: no message left from an earlier run
        except redis.exceptions.ConnectionError:
            pytest.skip(f"Redis is not reachable at {REDIS_URL}")
        call_command("loaddata", "fixtures/reference.json", verbosity=0)
        self.dave = get_user_model().objects.create_user("dave")
        StaffAssignment.objects.create(user=self.dave, role="county_officer", county=County.objects.get(code="530602"))
        # The site's Celery app pointed at our Redis DB instead of running tasks eagerly. An eager
        # task earlier in this process has already opened a producer pool on the in-memory broker:
        # forget it, so that the next message goes to Redis (and forget ours again afterwards).
        saved = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
        celery_app.conf.task_always_eager = False
        celery_app.conf.broker_url = REDIS_URL
        forget_celery_connections()
        self.addCleanup(forget_celery_connections)
        self.addCleanup(lambda: setattr(celery_app.conf, "task_always_eager", saved[0]))
        self.addCleanup(lambda: setattr(celery_app.conf, "broker_url", saved[1]))

    def idle(self):
        return self.redis.llen("entitlements") == 0 and self.redis.hlen("unacked") == 0

    def test_the_worker_opens_the_records_after_the_import_and_a_second_delivery_adds_nothing(self):
        result = import_file(actor=self.dave, name="2012年6月.csv", data=sheet(), mode="all_or_nothing")
        self.assertTrue(result.written, result.errors)
        self.assertEqual(Retention.objects.count(), 0)  # queued, not run in this process
        self.assertEqual(self.redis.llen("entitlements"), 1)
        app_ids = list(TransferApplication.objects.values_list("pk", flat=True))
        tasks.entitlements_open_bulk_task.delay(app_ids, self.dave.pk)  # delivered twice
        with Worker(REDIS_URL, connection.settings_dict["NAME"]) as worker:
            self.assertTrue(wait_for(lambda: Retention.objects.count() == 20 and self.idle(), timeout=120),
                            worker.output())
        self.assertEqual((GuaranteeCase.objects.count(), RetentionEvent.objects.count(), GuaranteeEvent.objects.count()),
                         (20, 20, 20))
        self.assertEqual(set(RetentionEvent.objects.values_list("actor", flat=True)), {self.dave.pk})
        self.assertEqual(GuaranteeCase.objects.get(kind="education", state=G.REQUESTED).person.birth_date,
                         datetime.date(2003, 5, 1))
