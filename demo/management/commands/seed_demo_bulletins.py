"""Issue the demo's city bulletins of 2012 up to 2012年10月中旬 (skips those already issued)."""

import time

from django.core.management.base import BaseCommand

from nongzhuancheng import progress
from nongzhuancheng.periods import Period
from quotas.models import Target
from reports import services
from reports.models import Bulletin

LAST = Period(2012, 10, 2)  # the report's date: 579,476 transfers by 2012-10-20


class Command(BaseCommand):
    help = "Issue the city bulletins of 2012 up to 2012年10月中旬 (rendered in-process; skips those present)."

    def add_arguments(self, parser):
        parser.add_argument("--periods", type=int, default=LAST.index,
                            help="how many periods up to 2012年10月中旬 (default: all 29 of 2012)")

    def handle(self, *args, periods=LAST.index, **options):
        if not Target.objects.filter(year=2012).exists():
            self.stdout.write("No 2012 targets (run seed_demo_2012 first): no bulletins issued.")
            return
        first = max(1, LAST.index - max(periods, 2) + 1)
        made = skipped = 0
        started = time.perf_counter()
        out = self.stdout if options.get("verbosity", 1) >= 1 else None
        with progress.bar(out, total=LAST.index - first + 1, desc="bulletins of 2012", unit="bulletins") as shown:
            for index in range(first, LAST.index + 1):
                period = Period.from_index(2012, index)
                if Bulletin.objects.for_period(period).filter(scope="city", state=Bulletin.State.ISSUED).exists():
                    skipped += 1
                else:
                    bulletin, _created = services.bulletin_request(period=period, enqueue=False)
                    if bulletin.state != Bulletin.State.ISSUED:
                        services.bulletin_render(bulletin=bulletin)
                    made += 1
                shown.update(1)
        self.stdout.write(
            f"Bulletins of 2012: {made} issued, {skipped} already there ({time.perf_counter() - started:.1f} s)."
        )
