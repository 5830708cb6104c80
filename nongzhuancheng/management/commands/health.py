"""``manage.py health [check ...]``: the readiness checks of ``/health/`` (all, or those named), one
line each; exit status 1 when one fails. The workers' container health check uses it."""

from django.core.management.base import BaseCommand, CommandError

from nongzhuancheng.health import CHECKS, run_checks


class Command(BaseCommand):
    help = "Run the readiness checks (database, cache, broker, media, private, worker, beat, queues, outbox)."

    def add_arguments(self, parser):
        parser.add_argument("checks", nargs="*", choices=[[], *CHECKS], help="checks to run (default: all)")

    def handle(self, *args, checks, **options):
        outcomes = run_checks(checks or None)
        for o in outcomes:
            self.stdout.write(f"{o.name}: {'ok' if o.ok else 'FAIL'} {o.message}")
        if not all(o.ok for o in outcomes):
            raise CommandError("a check failed")
