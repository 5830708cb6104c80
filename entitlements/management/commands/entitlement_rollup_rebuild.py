"""Rebuild the summary tables of the retentions and guarantee cases from the records."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from entitlements.rollup import rollup_drift, rollup_rebuild


class Command(BaseCommand):
    help = "Rebuild the entitlement rollup (GuaranteeDaily, DeliveryDays, RetentionDaily) from the records."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only report the drift, change nothing")

    def handle(self, *args, check=False, **options):
        started = time.perf_counter()
        if check:
            drift = rollup_drift()
            self.stdout.write(f"drift: {drift.guarantee_keys} guarantee keys, {drift.delivery_keys} delivery keys, "
                              f"{drift.retention_keys} retention keys ({time.perf_counter() - started:.1f} s)")
            return
        with transaction.atomic():
            rows = rollup_rebuild()
        self.stdout.write(f"entitlement rollup rebuilt: {rows} rows ({time.perf_counter() - started:.1f} s)")
