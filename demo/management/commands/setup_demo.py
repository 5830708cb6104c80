"""Reference data and demo data for a new site, in one idempotent command (``make run`` calls it).

Each step prints a line when it starts and its time when it ends; the long ones (the 2012 year, the
entitlement records) show a bar on a terminal and a line per tenth elsewhere
(``nongzhuancheng.progress``)."""

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from nongzhuancheng import progress

# Each app contributes its own demo command; the order follows the dependencies.
DEMO_COMMANDS = [
    ("seed_demo_users", {}),
    ("seed_demo_households", {}),
    ("seed_demo_2012", {"scale": True}),
    ("seed_demo_entitlements", {}),
    ("seed_demo_bulletins", {}),
    ("seed_demo_oversight", {}),
]


class Command(BaseCommand):
    help = "Load reference fixtures and all demo data (skips what is already there)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "full"], default="full",
                            help="full: the whole 2012 city year (579,476 transfers by 2012-10-20); small: a sample")

    def handle(self, *args, scale="full", **options):
        started = time.monotonic()
        steps = [("load_reference", {})] + [
            (name, {"scale": scale} if opts.get("scale") else {}) for name, opts in DEMO_COMMANDS
        ]
        verbosity = options.get("verbosity", 1)
        # The demo's completions and returns send their applicants' notices like any other: to files,
        # not to the console, where hundreds of them would bury the progress lines.
        with override_settings(NZC_NOTICE_BACKEND="public.notices.FileBackend"):
            for number, (name, kwargs) in enumerate(steps, 1):
                with progress.step(self.stdout, number, len(steps), name):
                    call_command(name, stdout=self.stdout, verbosity=verbosity, **kwargs)
        self.stdout.write(f"Notices to the demo applicants were written to {settings.NZC_NOTICE_FILE_DIR}.")
        self.stdout.write(f"Demo data ready in {time.monotonic() - started:.0f} s.")
