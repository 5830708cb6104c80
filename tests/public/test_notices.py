"""Notices to applicants: sent once per event after the move commits, retried on failure, not sent
to an applicant who opted out at the window."""

import contextlib
import io

from django.test import override_settings
from django.urls import reverse

from entitlements import services as es
from entitlements.models import GuaranteeCase
from households import services as hs
from households.models import ApplicationEvent
from public import services
from public.models import Notice, NoticePreference

from .backends import FlakyBackend
from .helpers import PublicTestCase

FLAKY = "tests.public.backends.FlakyBackend"


class NoticeTestCase(PublicTestCase):
    def setUp(self):
        super().setUp()
        FlakyBackend.failures_left, FlakyBackend.calls = 0, 0

    def run_move(self, move, **kwargs):
        """Make a move with its after-commit work run (the Celery task, eager here); return the console output."""
        out = io.StringIO()
        with contextlib.redirect_stdout(out), self.captureOnCommitCallbacks(execute=True):
            result = move(**kwargs)
        return result, out.getvalue()


class CompletionNoticeTest(NoticeTestCase):
    def test_a_completion_is_announced_once_in_chinese_after_the_commit(self):
        app = self.receive_with_phone(self.alice, phone="13912345678")
        app, output = self.run_move(hs.application_complete, application=app, actor=self.alice)
        notice = Notice.objects.get(application=app)
        self.assertEqual(notice.kind, "completed")
        self.assertEqual(notice.state, "sent")
        self.assertEqual(notice.attempts, 1)
        self.assertEqual(notice.recipient, "13912345678")
        self.assertIsNotNone(notice.sent_at)
        self.assertIn(f"--- notice {notice.pk} to 13912345678", output)
        self.assertIn(f"您户的农转城申请（编号{app.number}）已于", output)
        self.assertIn("办结，请凭受理回执到昭阳区城区派出所领取材料", output)
        self.assertEqual(output.count("--- notice"), 1)

    def test_the_same_event_never_makes_a_second_notice(self):
        app = self.receive_with_phone(self.alice)
        app, _ = self.run_move(hs.application_complete, application=app, actor=self.alice)
        event = ApplicationEvent.objects.get(application=app, to_status="completed")
        out = io.StringIO()
        with contextlib.redirect_stdout(out), self.captureOnCommitCallbacks(execute=True):
            self.assertIsNone(services.notice_for_application_event(event=event))
        notice = Notice.objects.get()
        with contextlib.redirect_stdout(out):
            services.notice_send(notice_id=notice.pk)  # a task delivered twice
        self.assertEqual(out.getvalue(), "")
        self.assertEqual(Notice.objects.get().attempts, 1)

    def test_receiving_an_application_sends_nothing(self):
        app, output = self.run_move(self.receive_with_phone, actor=self.alice)
        self.assertFalse(Notice.objects.exists())
        self.assertEqual(output, "")

    def test_without_a_phone_the_notice_is_recorded_but_not_sent(self):
        app = self.receive(self.alice)
        app, output = self.run_move(hs.application_complete, application=app, actor=self.alice)
        self.assertEqual(Notice.objects.get().state, "no_recipient")
        self.assertEqual(output, "")


class ReturnNoticeTest(NoticeTestCase):
    def test_a_return_says_what_to_bring(self):
        app = self.receive_with_phone(self.alice, documents=["hukou_booklet", "id_card"])
        _, output = self.run_move(hs.application_return, application=app, actor=self.alice,
                                  note="请补交农转城申请表和租赁合同")
        notice = Notice.objects.get()
        self.assertEqual(notice.kind, "returned")
        self.assertIn("需补正材料：请补交农转城申请表和租赁合同。", output)
        self.assertIn(self.zy_station.phone, output)


@override_settings(NZC_NOTICE_BACKEND=FLAKY, NZC_NOTICE_MAX_ATTEMPTS=3)
class RetryTest(NoticeTestCase):
    def test_a_notice_the_backend_refused_is_sent_on_the_next_attempt(self):
        FlakyBackend.failures_left = 1
        app = self.receive_with_phone(self.alice)
        _, output = self.run_move(hs.application_complete, application=app, actor=self.alice)
        notice = Notice.objects.get()
        self.assertEqual(FlakyBackend.calls, 2)
        self.assertEqual((notice.state, notice.attempts, notice.last_error), ("sent", 2, ""))
        self.assertEqual(output.count("--- notice"), 1)

    def test_it_gives_up_after_the_last_attempt_and_keeps_the_error(self):
        FlakyBackend.failures_left = 10
        app = self.receive_with_phone(self.alice)
        _, output = self.run_move(hs.application_complete, application=app, actor=self.alice)
        notice = Notice.objects.get()
        self.assertEqual(FlakyBackend.calls, 3)
        self.assertEqual((notice.state, notice.attempts, notice.last_error), ("failed", 3, "gateway timeout"))
        self.assertEqual(output, "")

    def test_a_failure_does_not_undo_the_move(self):
        FlakyBackend.failures_left = 10
        app = self.receive_with_phone(self.alice)
        app, _ = self.run_move(hs.application_complete, application=app, actor=self.alice)
        app.refresh_from_db()
        self.assertEqual(app.status, "completed")


class OptOutTest(NoticeTestCase):
    def test_no_notice_is_sent_to_an_applicant_who_opted_out_at_the_window(self):
        app = self.receive_with_phone(self.alice)
        self.login(self.alice)
        response = self.client.post(reverse("public:application_notices", args=[app.pk]), {"opted_out": "on"})
        self.assertEqual(response.status_code, 302)
        preference = NoticePreference.objects.get(application=app)
        self.assertTrue(preference.opted_out)
        self.assertEqual(preference.recorded_by, self.alice)
        _, output = self.run_move(hs.application_complete, application=app, actor=self.alice)
        self.assertEqual(Notice.objects.get().state, "opted_out")
        self.assertEqual(output, "")

    def test_an_opt_out_recorded_before_the_task_runs_still_stops_it(self):
        app = self.receive_with_phone(self.alice)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            hs.application_complete(application=app, actor=self.alice)
        services.notice_preference_set(application=app, actor=self.alice, opted_out=True)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            for callback in callbacks:
                callback()
        self.assertEqual(Notice.objects.get().state, "opted_out")
        self.assertEqual(out.getvalue(), "")

    def test_a_phone_recorded_at_the_window_is_the_one_used(self):
        app = self.receive_with_phone(self.alice, phone="13900000000")
        services.notice_preference_set(application=app, actor=self.alice, opted_out=False, phone="0870-1234567")
        _, output = self.run_move(hs.application_complete, application=app, actor=self.alice)
        self.assertIn("to 0870-1234567", output)

    def test_the_notices_page_of_another_station_answers_404(self):
        app = self.receive_with_phone(self.alice)
        self.login(self.bob)
        self.assertEqual(self.client.get(reverse("public:application_notices", args=[app.pk])).status_code, 404)
        self.assertEqual(self.client.post(reverse("public:application_notices", args=[app.pk]),
                                          {"opted_out": "on"}).status_code, 404)
        self.assertFalse(NoticePreference.objects.exists())

    def test_a_city_reader_sees_the_notices_but_cannot_record_a_choice(self):
        app = self.receive_with_phone(self.alice)
        self.login(self.frank)
        self.assertEqual(self.client.get(reverse("public:application_notices", args=[app.pk])).status_code, 200)
        self.assertEqual(self.client.post(reverse("public:application_notices", args=[app.pk]),
                                          {"opted_out": "on"}).status_code, 403)


class GuaranteeNoticeTest(NoticeTestCase):
    def test_a_delivered_guarantee_is_announced_to_its_person(self):
        app = self.receive_with_phone(self.alice, phone="13912345678")
        app, _ = self.run_move(hs.application_complete, application=app, actor=self.alice)
        case = GuaranteeCase.objects.get(application=app, kind="medical")
        _, output = self.run_move(es.guarantee_move, case=case, to="delivered", actor=self.heidi,
                                  reference="城镇居民基本医疗保险")
        notice = Notice.objects.get(kind="guarantee_delivered")
        self.assertEqual(notice.state, "sent")
        self.assertIn("您的医疗保险保障已于", output)
        self.assertIn("（城镇居民基本医疗保险）", output)
        self.assertEqual(Notice.objects.count(), 2)  # the completion and the delivery


class FileBackendTest(NoticeTestCase):
    def test_the_file_backend_writes_one_file_per_notice(self):
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as directory, override_settings(
            NZC_NOTICE_BACKEND="public.notices.FileBackend", NZC_NOTICE_FILE_DIR=Path(directory)
        ):
            app = self.receive_with_phone(self.alice, phone="13912345678")
            app, output = self.run_move(hs.application_complete, application=app, actor=self.alice)
            notice = Notice.objects.get()
            text = (Path(directory) / f"notice-{notice.pk}.txt").read_text(encoding="utf-8")
        self.assertEqual(output, "")
        self.assertTrue(text.startswith("To: 13912345678\n"))
        self.assertIn(app.number, text)
        self.assertEqual(notice.backend, "public.notices.FileBackend")


@override_settings(NZC_NOTICE_BACKEND=FLAKY, NZC_NOTICE_MAX_ATTEMPTS=5)
class WorkerRetryTest(NoticeTestCase):
    def test_on_a_worker_a_failure_is_retried_later_with_growing_delays(self):
        from unittest import mock

        from celery.exceptions import Retry

        from public.tasks import notice_send_task

        FlakyBackend.failures_left = 10
        app = self.receive_with_phone(self.alice)
        with self.captureOnCommitCallbacks(execute=False):
            hs.application_complete(application=app, actor=self.alice)
        notice = Notice.objects.get()
        delays = []
        for _attempt in range(2):
            with mock.patch.object(notice_send_task, "retry", side_effect=Retry()) as retry:
                with self.assertRaises(Retry):
                    notice_send_task.run(notice.pk)  # as a worker runs it: not eager
            delays.append(retry.call_args.kwargs["countdown"])
        self.assertEqual(delays, [60, 120])
        notice.refresh_from_db()
        self.assertEqual((notice.state, notice.attempts), ("retrying", 2))
