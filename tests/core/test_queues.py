"""Each kind of job has a Celery queue, and the compose file runs a worker that consumes each."""

from django.conf import settings
from django.test import SimpleTestCase

from nongzhuancheng.celery import app

from .test_compose import argv, load_compose, option

KINDS = {
    "households.tasks.import_job_check_task": "imports",
    "households.tasks.import_job_run_task": "imports",
    "households.tasks.export_job_run_task": "exports",
    "entitlements.tasks.entitlements_open_bulk_task": "entitlements",
    "reports.tasks.bulletin_render_task": "bulletins",
    "reports.tasks.bulletin_issue_for_last_period_task": "bulletins",
}


class QueuesTest(SimpleTestCase):
    def test_imports_exports_bulletins_and_entitlements_each_have_their_queue(self):
        app.loader.import_default_modules()
        router = app.amqp.router
        for name, queue in KINDS.items():
            with self.subTest(task=name):
                self.assertIn(name, app.tasks)
                self.assertEqual(router.route({}, name)["queue"].name, queue)
        self.assertEqual(router.route({}, "public.tasks.notice_send_task")["queue"].name,
                         settings.CELERY_TASK_DEFAULT_QUEUE)

    def test_the_compose_file_runs_a_worker_for_every_queue(self):
        consumed = {}
        for name, service in load_compose()["services"].items():
            args = argv(service)
            if args[:1] == ["celery"] and "worker" in args:
                for queue in (option(args, "-Q", "--queues") or "").split(","):
                    consumed.setdefault(queue, []).append(name)
        queues = set(KINDS.values()) | {settings.CELERY_TASK_DEFAULT_QUEUE}
        self.assertEqual({q: len(consumed.get(q, [])) for q in queues}, dict.fromkeys(queues, 1))
        self.assertEqual(len({s for names in consumed.values() for s in names}), 4)  # imports apart from the rest
