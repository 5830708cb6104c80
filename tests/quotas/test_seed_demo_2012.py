"""The 2012 demo year: the report's figures exactly, the time curve, idempotency, unique IDs."""

import datetime
import io

from django.core.management import call_command
from django.db.models import Count, F, Sum
from django.utils import timezone

from demo import year2012
from demo.people import IdNumbers
from households.models import Person, TransferApplication
from households.reference import SURVEY_ELIGIBLE_2012
from nongzhuancheng.figures import multiple, percent
from quotas.models import Level, SurveyPool, Target
from quotas.selectors import county_progress, target_in_force
from tests.base import CastTestCase

D = datetime.date


class SeedSmallTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # one transfer made by hand before the seed: the seed must still land exactly
        app = cls.receive(cls.alice, received_on=D(2012, 3, 1))
        from households import services

        services.application_complete(application=app, actor=cls.alice, on=D(2012, 3, 2))
        call_command("seed_demo_2012", scale="small", stdout=io.StringIO())

    def test_it_lands_on_the_report_figures_scaled_down(self):
        city = county_progress(year=2012, as_of=D(2012, 10, 20))
        self.assertEqual((city.cumulative, city.target, city.provincial_target), (5_794, 5_000, 1_300))
        self.assertEqual(percent(city.cumulative, city.target), "115.8%")
        self.assertEqual(multiple(city.cumulative, city.provincial_target), "4.45")
        self.assertEqual(sum(c.target for c in city.counties), 5_000)

    def test_the_provincial_task_is_passed_on_12_june(self):
        done = Person.objects.filter(completed_on__year=2012)
        self.assertLess(done.filter(completed_on__lte=D(2012, 6, 11)).count(), 1_300)
        self.assertGreaterEqual(done.filter(completed_on__lte=D(2012, 6, 12)).count(), 1_300)
        self.assertLess(done.filter(completed_on__lte=D(2012, 6, 2)).count(), 1_000)  # slow start

    def test_it_keeps_the_revision_history_and_plans(self):
        self.assertEqual(target_in_force(year=2012, day=D(2012, 6, 2)), 3_500)
        self.assertEqual(target_in_force(year=2012, day=D(2012, 6, 3)), 5_000)
        self.assertEqual(target_in_force(year=2015, day=D(2015, 12, 31)), 2_000)
        self.assertEqual(Target.objects.filter(level=Level.CITY).count(), 9)  # 2012–2020
        self.assertTrue(Target.objects.filter(year=2012, level=Level.MEMBER_UNIT).exists())

    def test_the_pools_add_up_to_the_survey_per_category(self):
        sums = dict(SurveyPool.objects.values_list("category").annotate(n=Sum("eligible")))
        self.assertEqual(sums, {k: v // 100 for k, v in SURVEY_ELIGIBLE_2012.items()})

    def test_some_counties_are_behind_pace(self):
        city = county_progress(year=2012, as_of=D(2012, 10, 20))
        self.assertTrue(any(not c.ahead_of_pace for c in city.counties))

    def test_id_numbers_are_unique_and_valid(self):
        from households import ids

        self.assertFalse(Person.objects.values("id_number").annotate(n=Count("id")).filter(n__gt=1).exists())
        for number in Person.objects.values_list("id_number", flat=True)[:200]:
            ids.parse(number)

    def test_applications_are_completed_with_their_events(self):
        app = TransferApplication.objects.filter(household__number__startswith="D").first()
        self.assertEqual(app.status, "completed")
        self.assertEqual(app.number, f"{app.county.code}{app.received_on:%Y%m%d}{app.pk:07d}")
        self.assertEqual(list(app.events.values_list("to_status", flat=True)), ["received", "completed"])

    def test_the_rows_written_as_plain_values_read_back_as_valid_models_that_point_at_each_other(self):
        """The year is written as plain column values (bulk.layout / copy_rows), not model instances:
        every row must still be what the models say, and each person, application and event must point
        at its own household and case."""
        from households.models import ApplicationEvent, Household

        seeded = TransferApplication.objects.filter(household__number__startswith="D")
        for app in seeded.select_related("household").order_by("?")[:40]:
            app.household.full_clean(validate_unique=False)
            app.full_clean(validate_unique=False)
            self.assertEqual(app.documents, list(year2012.REQUIRED_DOCUMENTS))
            self.assertEqual((app.county_id, app.station_id), (app.household.county_id, app.household.station_id))
            self.assertEqual(app.created_at.date(), app.received_on)
            self.assertEqual(timezone.localtime(app.updated_at).date(), app.completed_on)
            for person in app.members.all():
                person.full_clean(validate_unique=False, validate_constraints=False)
                self.assertEqual((person.household_id, person.county_id, person.station_id, person.completed_on),
                                 (app.household_id, app.county_id, app.station_id, app.completed_on))
            events = list(ApplicationEvent.objects.filter(application=app).order_by("at"))
            self.assertEqual([(e.from_status, e.to_status) for e in events], [("", "received"), ("received", "completed")])
        self.assertEqual(Household.objects.filter(number__startswith="D").count(), seeded.count())
        self.assertFalse(Person.objects.filter(application__household__number__startswith="D")
                         .exclude(household_id=F("application__household_id")).exists())

    def test_the_summary_tables_agree_with_the_rows(self):
        """The seed counts its persons into the summary tables as it writes them (not by a rebuild):
        they agree with the raw rows, the transfer made by hand before the seed included."""
        from households import rollup

        self.assertEqual(rollup.rollup_drift(), rollup.Drift(keys=0, persons=0, daily_keys=0))
        self.assertEqual(sum(n for _k, n in rollup.raw_counts()), Person.objects.exclude(completed_on=None).count())

    def test_a_second_run_changes_nothing(self):
        before = Person.objects.count()
        out = io.StringIO()
        call_command("seed_demo_2012", scale="small", stdout=out)
        self.assertEqual(Person.objects.count(), before)
        self.assertIn("already", out.getvalue())


class SplitTest(CastTestCase):
    def test_largest_remainder_keeps_the_sum_exact(self):
        self.assertEqual(year2012.split(500_000, [911_766, 398_447, 462_173]), [257_214, 112_404, 130_382])  # raw .29, .13, .59: the one left goes to .59
        self.assertEqual(sum(year2012.split(7, [1, 1, 1])), 7)

    def test_id_generator_skips_numbers_already_taken(self):
        first, birth = IdNumbers().make("532101", D(1970, 5, 1), True)
        again, again_birth = IdNumbers(taken=[first]).make("532101", D(1970, 5, 1), True)
        self.assertNotEqual(again, first)
        self.assertEqual(again_birth, birth)

    def test_id_generator_never_gives_a_number_twice_and_keeps_sex_and_birth_date(self):
        from households import ids

        gen = IdNumbers()
        made = [gen.make("530602", D(1990, 1, 1), i % 3 == 0) for i in range(1200)]
        self.assertEqual(len({number for number, _ in made}), 1200)
        for number, birth in made:
            rid = ids.parse(number)
            self.assertEqual(rid.birth_date, birth)
        self.assertEqual({birth for _, birth in made}, {D(1990, 1, 1), D(1990, 1, 2)})  # 499 a day and sex
