import datetime
import io

from django.core.management import call_command
from django.db.models import Count

from demo.factories import HouseholdFactory, PersonFactory, TransferApplicationFactory
from entitlements.models import GuaranteeCase, GuaranteeEvent, Retention, RetentionEvent
from households.models import Household
from tests.base import make_user

from .base import EntitlementsTestCase

G = GuaranteeCase.State
ON = datetime.date(2012, 6, 12)


class SeedDemoTest(EntitlementsTestCase):
    def bulk_transfer(self, n, size=3):
        """Completed transfers written directly, as the bulk 2012 demo does (no signal is sent)."""
        for i in range(n):
            app = TransferApplicationFactory(
                household=HouseholdFactory(station=self.zy_station, number=f"D12{i:08d}"), completed=True,
                received_on=ON - datetime.timedelta(days=3), completed_on=ON, due_on=ON,
            )
            for j in range(size):
                PersonFactory(application=app, born=datetime.date(1970 + 15 * j, 1 + i % 12, 1 + j),
                              relation="head" if j == 0 else "child")

    def test_it_opens_records_for_bulk_transfers_in_valid_states_and_is_idempotent(self):
        make_user("unit_health", "member_unit", member_unit=self.health)
        self.complete(self.alice, on=datetime.date(2026, 9, 1), received_on=datetime.date(2026, 9, 1))
        self.bulk_transfer(40)
        out = io.StringIO()
        call_command("seed_demo_entitlements", every=1, stdout=out)
        ours = {"application__household__number__startswith": "D12"}
        self.assertEqual(Retention.objects.filter(**ours).count(), 120 * 5)
        self.assertEqual(GuaranteeCase.objects.filter(**ours).count(), 120 * 5)
        self.assertIn("120 people opened in bulk", out.getvalue())
        # every record has its opening event; every later event is a move the table allows
        self.assertFalse(Retention.objects.annotate(n=Count("events")).filter(n=0).exists())
        self.assertFalse(GuaranteeCase.objects.annotate(n=Count("events")).filter(n=0).exists())
        for e in GuaranteeEvent.objects.exclude(from_state=""):
            self.assertIn(e.to_state, GuaranteeCase.TRANSITIONS[e.from_state])
        for e in RetentionEvent.objects.exclude(from_state=""):
            self.assertIn(e.to_state, Retention.TRANSITIONS[e.from_state] | {e.from_state})
        self.assertFalse(GuaranteeCase.objects.filter(state=G.REFUSED, refusal_reason="").exists())
        delivered = GuaranteeCase.objects.filter(state=G.DELIVERED)
        self.assertTrue(delivered.filter(kind="medical").exists())
        for c in delivered:
            self.assertEqual(c.days_to_deliver, (c.delivered_on - c.requested_on).days)
        counts = (Retention.objects.count(), GuaranteeCase.objects.count(), GuaranteeEvent.objects.count(),
                  RetentionEvent.objects.count())
        call_command("seed_demo_entitlements", every=1, stdout=io.StringIO())
        self.assertEqual(counts, (Retention.objects.count(), GuaranteeCase.objects.count(),
                                  GuaranteeEvent.objects.count(), RetentionEvent.objects.count()))

    def test_it_opens_only_a_sample_of_the_bulk_applications(self):
        self.bulk_transfer(20, size=1)
        call_command("seed_demo_entitlements", every=10, stdout=io.StringIO())
        opened = Retention.objects.filter(application__household__number__startswith="D12")
        self.assertEqual(opened.values("application").distinct().count(), 2)
        call_command("seed_demo_entitlements", every=10, stdout=io.StringIO())
        self.assertEqual(opened.values("application").distinct().count(), 2)

    def test_it_makes_a_few_households_whose_transitions_end_within_90_days(self):
        from django.utils import timezone

        from entitlements.selectors import transitions_ending

        call_command("seed_demo_entitlements", stdout=io.StringIO())
        ending = transitions_ending(user=self.root)
        self.assertGreaterEqual(ending.count(), 12 * 2)
        today = timezone.localdate()
        self.assertTrue(all(0 <= (r.transition_ends_on - today).days <= 90 for r in ending))
        before = Household.objects.count()
        call_command("seed_demo_entitlements", stdout=io.StringIO())
        self.assertEqual(Household.objects.count(), before)
