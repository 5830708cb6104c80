"""The records' summary tables stay exact: every writer keeps them equal to a count of the records,
and the figures read from them equal the figures counted from the records.

A property test walks random sequences of the writers (completions, guarantee and retention moves
with back-dated days, corrections of the completion date, withdrawals of duplicates, imports) and
checks after every step that the tables equal the database's count from the records; a second one
gives the records random states and dates (written behind the services' back, as a bad migration
would) and holds the rule's three statements — Python, the SQL of the rebuild and the records'
own counting — to the same figures on every day. Then the drift check and the command."""

import datetime
import io
import itertools

from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from entitlements import rollup, selectors, services
from entitlements.models import DeliveryDays, GuaranteeCase, GuaranteeDaily, Retention, RetentionDaily
from entitlements.tasks import rollup_check_task
from households import services as household_services
from households.imports.jobs import import_file
from households.models import TransferApplication
from tests.households.worker_helpers import csv_file, row

from .base import EntitlementsTestCase

D = datetime.date
G = GuaranteeCase.State
R = Retention.State
FIRST_DAY = D(2026, 9, 1)
_seq = itertools.count(1)

day = st.integers(min_value=0, max_value=80).map(lambda n: FIRST_DAY + datetime.timedelta(days=n))
pick = st.integers(min_value=0, max_value=400)
few = st.integers(min_value=0, max_value=5)  # a few records, so that one record moves several times
steps = st.one_of(
    st.tuples(st.just("complete"), st.booleans(), day),
    st.tuples(st.just("guarantee"), pick, st.sampled_from([s.value for s in G]), day),
    st.tuples(st.just("guarantee"), few, st.sampled_from([G.IN_PROGRESS.value, G.DELIVERED.value, G.REFUSED.value,
                                                         G.REQUESTED.value]), day),
    st.tuples(st.just("retention"), few, st.sampled_from(["circulate", "give_up", "restore"]), day),
    st.tuples(st.just("correct_date"), pick, day),
    st.tuples(st.just("withdraw_duplicate"), pick),
    st.tuples(st.just("import"), st.integers(1, 2), day),
)


def nonzero(counts):
    return {key: {s: n for s, n in by_state.items() if n} for key, by_state in counts.items()
            if any(by_state.values())}


class FiguresAgree:
    def assert_figures_agree(self, days):
        counties = selectors._counties(None, None)
        kinds = list(GuaranteeCase.KINDS)
        for on in days:
            counts, histograms = selectors._delivery_from_rollup(on, None, counties, kinds)
            raw_counts, raw_histograms = selectors._delivery_from_records(on, None, None)
            self.assertEqual(nonzero(counts), nonzero(raw_counts), f"guarantee states on {on}")
            self.assertEqual({k: sorted(v) for k, v in histograms.items()},
                             {k: sorted(v) for k, v in raw_histograms.items()}, f"days to delivery on {on}")
            table = {(r.county_id, r.kind): (r.kept, r.circulated, r.given_up)
                     for r in selectors.retention_summary(as_of=on) if r.kept or r.circulated or r.given_up}
            by_records = {}
            for r in Retention.objects.filter(opened_on__lte=on):
                key = (r.county_id, r.kind)
                kept, circulated, given_up = by_records.get(key, (0, 0, 0))
                state = rollup.retention_state_on(r, on)
                by_records[key] = (kept + (state == R.KEPT), circulated + (state == R.CIRCULATED),
                                   given_up + (state == R.GIVEN_UP))
            self.assertEqual(table, by_records, f"retentions on {on}")


class RollupPropertyTest(FiguresAgree, EntitlementsTestCase, HypothesisTestCase):
    def pick(self, model, i):
        rows = list(model.objects.order_by("pk").values_list("pk", flat=True)[:500])
        return model.objects.get(pk=rows[i % len(rows)]) if rows else None

    def step(self, move):
        kind, *args = move
        root = self.root
        try:
            if kind == "complete":
                zhaoyang, on = args
                self.complete_family(actor=self.alice if zhaoyang else self.bob, on=on)
            elif kind == "guarantee":
                case, to, on = self.pick(GuaranteeCase, args[0]), args[1], args[2]
                if case is not None:
                    services.guarantee_move(case=case, to=to, actor=root, on=on, reference="已办",
                                            reason="不符合条件")
            elif kind == "retention":
                retention, move, on = self.pick(Retention, args[0]), args[1], args[2]
                if retention is not None:
                    services.retention_move(retention=retention, move=move, actor=root, on=on, note="合同到期",
                                            counterparty="种植大户", term_ends_on=D(2031, 1, 1), price="300",
                                            contract_no="HT-1", compensation="1000", agreement_no="XY-1")
            elif kind == "correct_date":
                app = self.pick(TransferApplication, args[0])
                if app is not None and app.status == "completed" and args[1] >= app.received_on \
                        and args[1] != app.completed_on:
                    self.correct_completed(app, requester=root, approver=root, completed_on=args[1])
            elif kind == "withdraw_duplicate":
                app = self.pick(TransferApplication, args[0])
                if app is not None and app.status == "completed":
                    household_services.application_withdraw_duplicate(application=app, actor=root, note="重复")
            elif kind == "import":
                n, on = args
                h = next(_seq)
                rows = [row(household=f"RL{h:06d}", name=f"导入{h}-{k}", seq=10 + k,
                            birth=D(1950, 1, 1) + datetime.timedelta(days=h * 7 + k), received=on.isoformat(),
                            status="办结", completed=on.isoformat()) for k in range(n)]
                result = import_file(actor=root, name="导入.csv", data=csv_file(rows), mode="all_or_nothing")
                assert result.written, result.message
        except ValidationError:
            pass  # a move the table or the dates do not allow: nothing may have changed

    @settings(max_examples=15, deadline=None, phases=[Phase.explicit, Phase.generate], derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(steps, min_size=2, max_size=14))
    @example([(*m, D(2026, 9, d)) for m, d in [  # each record moved more than once, then the date corrected
        (("guarantee", k, G.IN_PROGRESS), 5) for k in range(3)] + [
        (("guarantee", k, G.DELIVERED), 20) for k in range(3)] + [
        (("guarantee", 3, G.REFUSED), 8), (("guarantee", 3, G.REQUESTED), 9), (("retention", 0, "circulate"), 10),
        (("retention", 0, "restore"), 12), (("retention", 0, "give_up"), 30), (("correct_date", 0), 3)]]
             + [("withdraw_duplicate", 1)])
    def test_every_writer_keeps_the_tables_equal_to_the_records(self, sequence):
        self.complete_family(on=FIRST_DAY)
        for move in sequence:
            self.step(move)
            drift = rollup.rollup_drift()
            self.assertFalse(drift.any, f"drift after {move}: {drift}")
        self.assert_figures_agree([FIRST_DAY - datetime.timedelta(days=1), FIRST_DAY, D(2026, 9, 20),
                                   D(2026, 10, 10), D(2026, 11, 20), D(2026, 12, 5)])


offset = st.integers(min_value=-3, max_value=12)
case_fields = st.tuples(st.sampled_from([s.value for s in G]), offset, st.none() | offset, st.none() | offset,
                        st.none() | offset, st.none() | st.integers(0, 40))
retention_fields = st.tuples(st.sampled_from([s.value for s in R]), offset, st.none() | offset)


class RuleTest(FiguresAgree, EntitlementsTestCase, HypothesisTestCase):
    """Odd dates included: started after the delivery, closed before the opening, no closing date."""

    @settings(max_examples=20, deadline=None, phases=[Phase.explicit, Phase.generate], derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(case_fields, min_size=10, max_size=10), st.lists(retention_fields, min_size=10, max_size=10))
    def test_python_sql_and_the_records_count_the_same_on_every_day(self, cases, retentions):
        self.complete_family(on=FIRST_DAY)
        self.complete_family(actor=self.bob, on=FIRST_DAY)
        base = FIRST_DAY + datetime.timedelta(days=5)

        def at(n):
            return None if n is None else base + datetime.timedelta(days=n)

        for pk, (state, opened, started, delivered, refused, took) in zip(
                GuaranteeCase.objects.order_by("pk").values_list("pk", flat=True), cases, strict=False):
            GuaranteeCase.objects.filter(pk=pk).update(
                state=state, opened_on=at(opened), started_on=at(started), delivered_on=at(delivered),
                refused_on=at(refused), days_to_deliver=took, refusal_reason="理由")
        for pk, (state, opened, changed) in zip(
                Retention.objects.order_by("pk").values_list("pk", flat=True), retentions, strict=False):
            Retention.objects.filter(pk=pk).update(state=state, opened_on=at(opened), changed_on=at(changed))
        self.assertTrue(rollup.rollup_drift().any)  # every opening date moved
        rollup.rollup_rebuild()
        self.assertFalse(rollup.rollup_drift().any)
        # the Python statement of the rule gives what the SQL one wrote
        rows = rollup._rows(GuaranteeCase.objects.all(), rollup.CASE_VALUES)
        states, days = rollup.case_changes(rows)
        self.assertEqual(rollup._nonzero(states), rollup._table(GuaranteeDaily, rollup.STATE_FIELDS, "change"))
        self.assertEqual(rollup._nonzero(days), rollup._table(DeliveryDays, rollup.DAYS_FIELDS, "cases"))
        kept = rollup.retention_changes(rollup._rows(Retention.objects.all(), rollup.RETENTION_VALUES))
        self.assertEqual(rollup._nonzero(kept), rollup._table(RetentionDaily, rollup.STATE_FIELDS, "change"))
        self.assert_figures_agree([base + datetime.timedelta(days=n) for n in range(-4, 14)])


class RollupRepairTest(EntitlementsTestCase):
    def test_each_state_is_a_running_sum_of_its_changes(self):
        app = self.complete_family(on=FIRST_DAY)
        medical = self.case(app, "medical")
        services.guarantee_move(case=medical, to=G.IN_PROGRESS, actor=self.dave, on=D(2026, 9, 5))
        services.guarantee_move(case=medical, to=G.DELIVERED, actor=self.dave, on=D(2026, 9, 12), reference="医保")
        changes = dict(((r.day, r.state), r.change) for r in GuaranteeDaily.objects.filter(
            county=self.zhaoyang, kind="medical"))
        self.assertEqual(changes, {(FIRST_DAY, G.REQUESTED): 4, (D(2026, 9, 5), G.REQUESTED): -1,
                                   (D(2026, 9, 5), G.IN_PROGRESS): 1, (D(2026, 9, 12), G.IN_PROGRESS): -1,
                                   (D(2026, 9, 12), G.DELIVERED): 1})
        self.assertEqual(list(DeliveryDays.objects.values_list("day", "kind", "days", "cases")),
                         [(D(2026, 9, 12), "medical", 11, 1)])

    def test_a_withdrawn_duplicate_leaves_nothing_in_the_tables(self):
        app = self.complete_family(on=FIRST_DAY)
        self.assertTrue(GuaranteeDaily.objects.exists())
        household_services.application_withdraw_duplicate(application=app, actor=self.root, note="重复")
        self.assertFalse(GuaranteeDaily.objects.exists() or RetentionDaily.objects.exists())

    def test_the_check_finds_and_repairs_drift_and_the_command_rebuilds(self):
        app = self.complete_family(on=FIRST_DAY)
        services.guarantee_move(case=self.case(app, "pension"), to=G.DELIVERED, actor=self.dave, on=D(2026, 9, 30),
                                reference="城乡居民养老保险")
        GuaranteeDaily.objects.filter(state=G.DELIVERED).update(change=5)
        DeliveryDays.objects.all().delete()
        self.assertEqual(rollup.rollup_drift(), rollup.Drift(guarantee_keys=1, delivery_keys=1, retention_keys=0))
        with self.assertLogs("entitlements.rollup", "WARNING"):
            self.assertEqual(rollup_check_task(), 2)
        self.assertFalse(rollup.rollup_drift().any)
        RetentionDaily.objects.all().delete()
        out = io.StringIO()
        call_command("entitlement_rollup_rebuild", "--check", stdout=out)
        self.assertIn("0 guarantee keys, 0 delivery keys, 5 retention keys", out.getvalue())
        call_command("entitlement_rollup_rebuild", stdout=io.StringIO())
        self.assertFalse(rollup.rollup_drift().any)

    def test_a_clerk_gets_the_figures_of_the_station_counted_from_the_records(self):
        self.complete_family(on=FIRST_DAY)
        self.complete_family(actor=self.carol, on=FIRST_DAY)  # 昭阳区's other station
        rows = {r.kind: r for r in selectors.delivery_summary(as_of=D(2026, 10, 1), user=self.alice)}
        self.assertEqual(rows["medical"].requested, 4)  # alice's station only
        county = {r.kind: r for r in selectors.delivery_summary(as_of=D(2026, 10, 1), user=self.dave)}
        self.assertEqual(county["medical"].requested, 8)
        kept = {r.kind: r.kept for r in selectors.retention_summary(as_of=D(2026, 10, 1), user=self.alice)}
        self.assertEqual(kept["farmland"], 4)

    def test_the_tables_are_scoped_as_the_records_and_a_clerk_reads_none_of_them(self):
        self.complete_family(on=FIRST_DAY)
        self.complete_family(actor=self.bob, on=FIRST_DAY)
        self.assertEqual(set(GuaranteeDaily.objects.for_user(self.heidi).values_list("kind", flat=True)), {"medical"})
        self.assertEqual(set(GuaranteeDaily.objects.for_user(self.dave).values_list("county_id", flat=True)),
                         {self.zhaoyang.pk})
        self.assertEqual(set(GuaranteeDaily.objects.for_user(self.frank).values_list("county_id", flat=True)),
                         {self.zhaoyang.pk, self.ludian.pk})
        for model in (GuaranteeDaily, RetentionDaily, DeliveryDays):
            self.assertFalse(model.objects.for_user(self.alice).exists())
