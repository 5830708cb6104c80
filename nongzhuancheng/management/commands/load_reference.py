"""Load the reference data (11 counties, 190 police stations, member units) once.

Production runs it after every migration (docker compose's one-shot ``migrate`` service); it does
nothing when counties are already there, so edits made since (station phone numbers…) are kept.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from nongzhuancheng.models import County


class Command(BaseCommand):
    help = "Load fixtures/reference.json unless reference data is already present."

    def handle(self, *args, **options):
        if County.objects.exists():
            self.stdout.write("Reference data already present; nothing loaded.")
            return
        call_command("loaddata", "fixtures/reference.json", verbosity=0)
        self.stdout.write("Reference data loaded: 11 counties, 190 police stations, member units.")
