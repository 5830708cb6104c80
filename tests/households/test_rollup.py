"""The completion rollup stays exact: every writer keeps it equal to the raw rows.

A property test walks random sequences of moves (receive, complete, correct the date, correct a
category, withdraw, reject, withdraw a completed duplicate, import) and checks after every step that the summary tables equal a
count of the people rows. Then the rebuild command and the drift check."""

import datetime
import io
import itertools

from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from households import services
from households.imports.jobs import import_file
from households.models import CompletionDaily, CompletionRollup, CompletionStationDaily, Person
from households.reference import REQUIRED_DOCUMENTS, Category
from households.rollup import age_band, raw_counts, rollup_check, rollup_drift
from households.tasks import rollup_check_task
from quotas import selectors
from tests.base import CastTestCase, person_data
from tests.households.worker_helpers import csv_file, row

D = datetime.date
FIRST_DAY = D(2012, 9, 20)
# 12, 17 turning 18 on 2012-10-20 (the age band moves with a corrected date), 42 and 67 in 2012
BIRTHS = [D(2000, 5, 1), D(1994, 10, 20), D(1970, 2, 3), D(1945, 7, 8)]
CATEGORIES = [Category.MIGRANT_WORKER, Category.URBAN_VILLAGE, Category.GRADUATE]
_import_seq = itertools.count(1)

day = st.integers(min_value=0, max_value=60).map(lambda n: FIRST_DAY + datetime.timedelta(days=n))
member = st.tuples(st.sampled_from(BIRTHS), st.booleans(), st.sampled_from(CATEGORIES))
pick = st.integers(min_value=0, max_value=50)
moves = st.one_of(
    st.tuples(st.just("receive"), st.integers(0, 2), st.lists(member, min_size=1, max_size=3), day),
    st.tuples(st.just("complete"), pick, day),
    st.tuples(st.just("correct_date"), pick, day),
    st.tuples(st.just("correct_category"), pick, st.sampled_from(CATEGORIES)),
    st.tuples(st.just("withdraw"), pick),
    st.tuples(st.just("reject"), pick),
    st.tuples(st.just("withdraw_duplicate"), pick),
    st.tuples(st.just("import"), st.integers(1, 3), day, st.booleans()),
)


def exact():
    """The summary tables equal the raw rows (fine and daily), and the dashboard total is the raw one."""
    drift = rollup_drift()
    return not drift.any


class RollupPropertyTest(CastTestCase, HypothesisTestCase):  # each example in its own transaction
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.stations = [cls.zy_station, cls.zy_station2, cls.ld_station]

    def of(self, status, i):
        apps = list(services.TransferApplication.objects.filter(status=status).order_by("pk"))
        return apps[i % len(apps)] if apps else None

    def step(self, move):
        kind, *args = move
        root = self.root
        if kind == "receive":
            station_i, members, on = args
            station = self.stations[station_i]
            services.application_create(
                actor=root, station=station, received_on=on, household={
                    "number": f"RB{next(_import_seq):06d}", "kind": "agricultural", "head_name": "户主",
                    "township": "镇", "village": "村", "address": "镇村1号"},
                members=[person_data(area=station.county.code, birth=b, male=m, category=c) for b, m, c in members],
                documents=REQUIRED_DOCUMENTS,
            )
        elif kind == "complete":
            app = self.of("received", args[0])
            if app is not None:
                services.application_move(application=app, move="complete", actor=root, on=max(args[1], app.received_on),
                                          documents=REQUIRED_DOCUMENTS)  # an imported one has none yet
        elif kind == "correct_date":
            app = self.of("completed", args[0])
            if app is not None:
                on = max(args[1], app.received_on)
                if on != app.completed_on:
                    self.correct_completed(app, requester=root, approver=root, completed_on=on)
        elif kind == "correct_category":
            people = list(Person.objects.filter(completed_on__isnull=False).order_by("pk"))
            if people:
                person = people[args[0] % len(people)]
                if person.category != args[1]:
                    self.correct_completed(person.application, requester=root, approver=root,
                                           people={person: {"category": args[1]}})
        elif kind in ("withdraw", "reject"):
            app = self.of("received", args[0])
            if app is not None:
                getattr(services, f"application_{kind}")(application=app, actor=root, note="重复申报")
        elif kind == "withdraw_duplicate":  # the county office: a completed one duplicates another record
            app = self.of("completed", args[0])
            if app is not None:
                services.application_withdraw_duplicate(application=app, actor=root, note="与另一申请为同一人")
        elif kind == "import":
            n, on, completed = args
            h = next(_import_seq)
            rows = [row(household=f"IM{h:06d}", name=f"导入{h}-{k}", birth=D(1940, 1, 1) + datetime.timedelta(days=h),
                        seq=10 + k, received=on.isoformat(), status="办结" if completed else "受理",
                        completed=on.isoformat() if completed else "")
                    for k in range(n)]
            result = import_file(actor=root, name="导入.csv", data=csv_file(rows), mode="all_or_nothing")
            assert result.written, result.message

    @settings(max_examples=20, deadline=None, phases=[Phase.explicit, Phase.generate], derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(moves, min_size=1, max_size=12))
    def test_every_writer_keeps_the_rollup_equal_to_the_raw_count(self, sequence):
        for move in sequence:
            self.step(move)
            self.assertTrue(exact(), f"drift after {move}: {rollup_drift()}")
        raw = Person.objects.filter(completed_on__year=2012).count()
        self.assertEqual(selectors.county_progress(year=2012, as_of=D(2012, 12, 31)).cumulative, raw)


class RollupRepairTest(CastTestCase):
    def test_a_category_correction_moves_the_person_between_rows(self):
        app = self.complete(self.alice, on=D(2012, 10, 19), received_on=D(2012, 10, 1),
                            members=[person_data(birth=D(1994, 10, 20), category=Category.GRADUATE)])
        person = app.members.get()
        self.correct_completed(app, requester=self.alice, approver=self.dave, people={person: {"category": Category.VETERAN}})
        self.assertEqual(list(CompletionDaily.objects.values_list("category", "persons")), [(Category.VETERAN, 1)])
        self.assertEqual(CompletionRollup.objects.get().age_band, "0-17")  # 17 on 10-19
        self.correct_completed(app, requester=self.alice, approver=self.dave, completed_on=D(2012, 10, 22))
        self.assertEqual(list(CompletionRollup.objects.values_list("completed_on", "age_band", "persons")),
                         [(D(2012, 10, 22), "18-34", 1)])  # 18 on 10-20

    def test_the_age_band_is_the_age_on_the_day_of_completion(self):
        self.assertEqual(age_band(D(1994, 10, 20), D(2012, 10, 19)), "0-17")
        self.assertEqual(age_band(D(1994, 10, 20), D(2012, 10, 20)), "18-34")
        self.assertEqual(age_band(D(1952, 10, 21), D(2012, 10, 20)), "35-59")
        self.assertEqual(age_band(D(1952, 10, 20), D(2012, 10, 20)), "60+")
        born = [D(1994, 10, 20), D(1994, 10, 21), D(1952, 2, 29), D(1994, 12, 31)]
        app = self.complete(self.alice, on=D(2012, 10, 20), received_on=D(2012, 10, 1), members=[person_data(birth=b) for b in born])
        by_sql = sorted(k[5] for k, n in raw_counts() for _ in range(n))
        self.assertEqual(by_sql, sorted(age_band(p.birth_date, p.completed_on) for p in app.members.all()))

    def test_the_check_finds_and_repairs_drift_and_the_command_rebuilds(self):
        self.complete(self.alice, on=D(2012, 10, 8), received_on=D(2012, 10, 1), members=[person_data(), person_data()])
        self.complete(self.bob, on=D(2012, 10, 9), received_on=D(2012, 10, 1), members=[person_data(area="530621")])
        CompletionRollup.objects.filter(county=self.zhaoyang).update(persons=5)
        CompletionDaily.objects.filter(county=self.ludian).delete()
        CompletionStationDaily.objects.filter(county=self.ludian).update(persons=7)
        with self.assertLogs("households.rollup", "WARNING") as logs:
            self.assertEqual(rollup_check_task(), 2)
        self.assertIn("drift: 1 keys (3 persons), 1 daily keys, 1 station keys", logs.output[0])
        self.assertFalse(rollup_drift().any)
        self.assertEqual(rollup_check().keys, 0)

        CompletionRollup.objects.all().delete()
        CompletionDaily.objects.all().delete()
        CompletionStationDaily.objects.all().delete()
        out = io.StringIO()
        call_command("rollup_rebuild", stdout=out)
        self.assertEqual(out.getvalue().strip(), "rollup rebuilt: 3 persons")
        self.assertFalse(rollup_drift().any)
        self.assertEqual(selectors.county_progress(year=2012, as_of=D(2012, 10, 31)).cumulative, 3)
        stations = selectors.station_progress(county=self.zhaoyang, year=2012, as_of=D(2012, 10, 31))
        self.assertEqual(sum(s.cumulative for s in stations), 2)

    def test_the_2012_loader_counts_what_it_wrote(self):
        from demo import year2012

        year2012.seed_2012(scale=year2012.Scale("tiny", 2000))
        self.assertGreater(CompletionDaily.objects.count(), 0)
        self.assertFalse(rollup_drift().any)
