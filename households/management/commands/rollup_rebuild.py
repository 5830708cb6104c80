"""Rebuild the summary tables of completed transfers from the people rows."""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction

from households.rollup import rollup_drift, rollup_rebuild


class Command(BaseCommand):
    help = "Rebuild the completion rollup (CompletionRollup, CompletionDaily, CompletionStationDaily) from the people rows."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=datetime.date.fromisoformat, help="first day (YYYY-MM-DD)")
        parser.add_argument("--until", type=datetime.date.fromisoformat, help="last day (YYYY-MM-DD)")
        parser.add_argument("--check", action="store_true", help="only report the drift, change nothing")

    def handle(self, *args, since=None, until=None, check=False, **options):
        if check:
            drift = rollup_drift()
            self.stdout.write(f"drift: {drift.keys} keys ({drift.persons} persons), {drift.daily_keys} daily keys, "
                              f"{drift.station_keys} station keys")
            return
        with transaction.atomic():
            total = rollup_rebuild(since=since, until=until)
        self.stdout.write(f"rollup rebuilt: {total} persons")
