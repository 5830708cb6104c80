"""The demo city year 2012: targets, plans, pools and completed transfers (see demo.year2012).

    manage.py seed_demo_2012 --scale full    579,476 transfers by 2012-10-20 (a few minutes)
    manage.py seed_demo_2012 --scale small   the same year scaled down 100 times (a few seconds)
"""

import time

from django.core.management.base import BaseCommand

from demo import year2012 as demo


class Command(BaseCommand):
    help = "Seed the 2012 demo year (skips if 2012 targets are already there)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["full", "small"], default="full")

    def handle(self, *args, scale="full", **options):
        started = time.monotonic()
        chosen = demo.FULL if scale == "full" else demo.SMALL
        verbosity = options.get("verbosity", 1)
        created = demo.seed_2012(scale=chosen, stdout=self.stdout if verbosity > 1 else None,
                                 progress_out=self.stdout if verbosity >= 1 else None)
        if not created:
            self.stdout.write("2012 demo data already present: nothing to do.")
            return
        self.stdout.write(
            f"2012 demo ({chosen.name} scale{', illustrative, 1/' + str(chosen.factor) if chosen.factor > 1 else ''}): "
            f"{created:,} transferred persons in {time.monotonic() - started:.1f} s."
        )
