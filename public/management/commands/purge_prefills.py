from django.core.management.base import BaseCommand

from public.services import prefill_purge_expired


class Command(BaseCommand):
    help = "Delete the typed details of online pre-fills whose time has passed (run daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"{prefill_purge_expired()} expired pre-fills cleared.")
