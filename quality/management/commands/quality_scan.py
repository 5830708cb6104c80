"""manage.py quality_scan: the nightly data-quality and duplicate scan, now (the beat task's work)."""

from django.core.management.base import BaseCommand

from quality import services


class Command(BaseCommand):
    help = "Check every data-quality rule and look for probable duplicates over everyone (set-based SQL)."

    def handle(self, *args, **options):
        result = services.quality_scan()
        for code, n in result["findings"].items():
            self.stdout.write(f"{code}: {n} open")
        d = result["duplicates"]
        self.stdout.write(f"rules: {result['rules_seconds']:.1f} s; duplicates: {d.candidates} candidate pairs "
                          f"({', '.join(f'{k} {v}' for k, v in d.by_basis.items())}), {d.new} new, {d.open} open, "
                          f"{d.resolved} resolved, {d.seconds:.1f} s")
