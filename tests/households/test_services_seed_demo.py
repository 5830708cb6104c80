"""The demo households command: realistic, valid, in every state, through the services, idempotent."""

import io

from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from demo.management.commands.seed_demo_households import DEFAULT_COUNT, DEMO_PREFIX
from households import ids, selectors
from households.models import ApplicationEvent, Household, Person, TransferApplication
from tests.base import CastTestCase


class SeedDemoHouseholdsTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        call_command("seed_demo_households", count=120, stdout=io.StringIO())

    def test_it_makes_a_few_hundred_by_default_and_the_asked_number_here(self):
        self.assertGreaterEqual(DEFAULT_COUNT, 200)
        self.assertEqual(Household.objects.filter(number__startswith=DEMO_PREFIX).count(), 120)

    def test_every_household_has_two_to_six_members_headed_by_one_head(self):
        sizes = Person.objects.values("application").annotate(n=Count("*"))
        self.assertTrue(all(2 <= row["n"] <= 6 for row in sizes))
        heads = Person.objects.filter(relation="head").values("application").annotate(n=Count("*"))
        self.assertEqual({row["n"] for row in heads}, {1})
        self.assertEqual(heads.count(), 120)

    def test_every_id_number_is_valid_and_agrees_with_sex_and_birth_date(self):
        today = timezone.localdate()
        for p in Person.objects.all():
            rid = ids.parse(p.id_number, today=today)
            self.assertEqual((rid.sex, rid.birth_date), (p.sex, p.birth_date))
            self.assertTrue(p.id_number.startswith(("5306", "5321")), p.id_number)
        self.assertTrue(Person.objects.filter(id_number__startswith="5321").exists())

    def test_ethnicity_is_mostly_han_with_hui_miao_and_yi_present(self):
        counts = dict(Person.objects.values_list("ethnicity").annotate(n=Count("*")))
        self.assertGreater(counts["01"], sum(counts.values()) * 0.6)
        for code in ("03", "06", "07"):
            self.assertIn(code, counts)

    def test_applications_are_in_every_state_with_some_overdue_and_all_have_events(self):
        statuses = set(TransferApplication.objects.values_list("status", flat=True))
        self.assertEqual(statuses, set(TransferApplication.Status))
        self.assertTrue(selectors.application_overdue_list(user=self.root).exists())
        without_events = TransferApplication.objects.exclude(pk__in=ApplicationEvent.objects.values("application"))
        self.assertFalse(without_events.exists())
        self.assertGreater(TransferApplication.objects.values("county").distinct().count(), 3)
        self.assertTrue(all(a.received_on <= timezone.localdate() for a in TransferApplication.objects.all()))

    def test_it_does_nothing_the_second_time(self):
        out = io.StringIO()
        call_command("seed_demo_households", stdout=out)
        self.assertIn("nothing to do", out.getvalue())
        self.assertEqual(Household.objects.count(), 120)
