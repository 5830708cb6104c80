"""The transactional outbox: a task that must happen is written with the change that needs it and
delivered to the broker until the broker takes it; a delivered message runs at most once."""

import contextlib
from unittest import mock

from celery import shared_task
from django.test import TestCase, TransactionTestCase
from kombu.exceptions import OperationalError

from nongzhuancheng import outbox
from nongzhuancheng.celery import app
from nongzhuancheng.models import OutboxMessage
from nongzhuancheng.queue import enqueue

RUNS: list[tuple] = []
TASK = "tests.core.test_outbox.outbox_probe_task"


@shared_task(name=TASK)
def outbox_probe_task(value, label=""):
    RUNS.append((value, label))
    return value


@contextlib.contextmanager
def with_broker():
    """As in production: tasks go through the broker (here Celery's in-memory transport)."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = before


@contextlib.contextmanager
def broker_down():
    with mock.patch.object(outbox_probe_task, "apply_async", side_effect=OperationalError("Connection refused")):
        yield


class EagerModeTest(TestCase):
    def setUp(self):
        RUNS.clear()

    def test_it_runs_the_task_at_commit_and_writes_no_outbox_row(self):
        with self.captureOnCommitCallbacks(execute=True):
            enqueue(TASK, 7, label="now")
            self.assertEqual(RUNS, [])
        self.assertEqual(RUNS, [(7, "now")])
        self.assertFalse(OutboxMessage.objects.exists())


class OutboxTest(TestCase):
    def setUp(self):
        RUNS.clear()
        stack = contextlib.ExitStack()
        stack.enter_context(with_broker())
        self.addCleanup(stack.close)

    def test_it_writes_the_message_in_the_transaction_and_sends_it_after_commit(self):
        with mock.patch.object(outbox_probe_task, "apply_async") as send:
            with self.captureOnCommitCallbacks(execute=True):
                enqueue(TASK, 3, label="x")
                message = OutboxMessage.objects.get()
                self.assertIsNone(message.sent_at)
                send.assert_not_called()
        send.assert_called_once()
        self.assertEqual(send.call_args.kwargs["args"], [3])
        self.assertEqual(send.call_args.kwargs["kwargs"], {"label": "x"})
        self.assertEqual(send.call_args.kwargs["headers"], {outbox.HEADER: message.pk})
        message.refresh_from_db()
        self.assertIsNotNone(message.sent_at)
        self.assertEqual(message.attempts, 1)

    def test_with_the_broker_down_the_caller_succeeds_and_the_message_waits(self):
        with broker_down(), self.captureOnCommitCallbacks(execute=True):
            enqueue(TASK, 4)
        message = OutboxMessage.objects.get()
        self.assertIsNone(message.sent_at)
        self.assertEqual(message.attempts, 1)
        self.assertIn("Connection refused", message.last_error)
        self.assertGreater(message.available_at, message.created_at)

    def test_the_dispatcher_sends_it_once_the_broker_is_back(self):
        with broker_down(), self.captureOnCommitCallbacks(execute=True):
            enqueue(TASK, 5)
        message = OutboxMessage.objects.get()
        with broker_down():
            self.assertEqual(outbox.outbox_dispatch(now=message.available_at), (0, 1))
        message.refresh_from_db()
        self.assertEqual(message.attempts, 2)
        with mock.patch.object(outbox_probe_task, "apply_async") as send:
            self.assertEqual(outbox.outbox_dispatch(now=message.available_at), (1, 0))
        send.assert_called_once()
        message.refresh_from_db()
        self.assertIsNotNone(message.sent_at)

    def test_the_dispatcher_waits_for_a_message_that_is_not_due(self):
        with broker_down(), self.captureOnCommitCallbacks(execute=True):
            enqueue(TASK, 6)
        with mock.patch.object(outbox_probe_task, "apply_async") as send:
            self.assertEqual(outbox.outbox_dispatch(), (0, 1))
        send.assert_not_called()

    def test_the_delay_between_tries_grows_and_is_bounded(self):
        with broker_down(), self.captureOnCommitCallbacks(execute=True):
            enqueue(TASK, 8)
        message = OutboxMessage.objects.get()
        delays = []
        with broker_down():
            for _ in range(12):
                message.refresh_from_db()
                before = message.available_at
                outbox.outbox_dispatch(now=before)
                message.refresh_from_db()
                delays.append((message.available_at - before).total_seconds())
        self.assertEqual(delays[:3], [10.0, 20.0, 40.0])
        self.assertEqual(max(delays), outbox.MAX_DELAY.total_seconds())

    def test_a_rolled_back_change_leaves_no_message(self):
        with mock.patch.object(outbox_probe_task, "apply_async") as send:
            with contextlib.suppress(RuntimeError), self.captureOnCommitCallbacks(execute=True):
                from django.db import transaction

                with transaction.atomic():
                    enqueue(TASK, 9)
                    raise RuntimeError("the change failed")
        send.assert_not_called()
        self.assertFalse(OutboxMessage.objects.exists())

    def test_a_message_delivered_twice_runs_once(self):
        message = OutboxMessage.objects.create(task_name=TASK, args=[11])
        headers = {outbox.HEADER: message.pk}
        outbox_probe_task.apply(args=[11], headers=headers)
        outbox_probe_task.apply(args=[11], headers=headers)
        self.assertEqual(RUNS, [(11, "")])
        message.refresh_from_db()
        self.assertIsNotNone(message.done_at)

    def test_a_task_that_fails_is_not_marked_done(self):
        message = OutboxMessage.objects.create(task_name=TASK, args=[12])
        with mock.patch.object(outbox_probe_task, "run", side_effect=RuntimeError("boom")), \
                self.assertRaises(RuntimeError):
            outbox_probe_task.apply(args=[12], headers={outbox.HEADER: message.pk})
        message.refresh_from_db()
        self.assertIsNone(message.done_at)


class ImportedEntitlementsThroughOutboxTest(TransactionTestCase):
    """The imported applications' entitlement records are queued through the outbox."""

    def test_the_receiver_writes_one_message_per_two_thousand_applications(self):
        from entitlements import receivers, tasks
        from households.models import TransferApplication

        down = mock.patch.object(tasks.entitlements_open_bulk_task, "apply_async", side_effect=OperationalError("down"))
        with with_broker(), down:
            receivers.open_imported(sender=TransferApplication, application_ids=list(range(1, 4502)), actor=None)
        messages = list(OutboxMessage.objects.order_by("pk"))
        self.assertEqual([m.task_name for m in messages], [receivers.OPEN_BULK_TASK] * 3)
        self.assertEqual([len(m.args[0]) for m in messages], [2000, 2000, 501])
        self.assertTrue(all(m.sent_at is None and m.attempts == 1 for m in messages))
