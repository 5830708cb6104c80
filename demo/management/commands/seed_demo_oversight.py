"""The demo supervision year 2012 (see demo.oversight2012): publicity, funding, problems, assessment drafts.

    manage.py seed_demo_oversight                 after seed_demo_users (records are written by `admin`)
    manage.py seed_demo_oversight --no-assessments  without the 2012 schemes and their drafts
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from demo import oversight2012 as demo


class Command(BaseCommand):
    help = "Seed the 2012 supervision demo data (skips if 2012 publicity records are already there)."

    def add_arguments(self, parser):
        parser.add_argument("--no-assessments", action="store_true", help="do not create the 2012 schemes and drafts")

    def handle(self, *args, no_assessments=False, **options):
        actor = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        if actor is None:
            raise CommandError("no administrator: run seed_demo_users first")
        made = demo.seed_2012(actor=actor, assessments=not no_assessments)
        if not made:
            self.stdout.write("2012 supervision demo data already present: nothing to do.")
            return
        self.stdout.write(
            f"2012 supervision demo: {made['publicity']} publicity records, {made['funding']} funding projects, "
            f"{made['problems']} problems, {made['milestones']} timetable milestones, "
            f"{made['inspections']} inspections, {made['assessments']} assessment drafts."
        )
