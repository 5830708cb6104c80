"""Demo data that looks real: names that fit the sex, a head older than the children, the head the
member marked 户主, spread sequence digits in ID numbers, one pattern of application numbers.

Each property is asserted over a generated sample (demo.people) and over the small-scale demo load
(seed_demo_users, seed_demo_households, seed_demo_2012 --scale small)."""

import datetime
import io
import random
from collections import Counter

from django.core.management import call_command

from demo.people import CHILD_GAP, FEMALE_CHARS, MALE_CHARS, IdNumbers, People
from households import ids
from households.models import ApplicationEvent, Household, Person, TransferApplication
from households.numbers import application_number
from nongzhuancheng.models import County
from tests.base import CastTestCase

D = datetime.date


def years_between(earlier, later):
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


class Checks:
    """The properties, each over a list of members (dicts or Person rows) of one household."""

    def get(self, member, name):
        return member[name] if isinstance(member, dict) else getattr(member, name)

    def assert_names_fit_the_sex(self, members):
        for m in members:
            chars = MALE_CHARS if self.get(m, "sex") == "M" else FEMALE_CHARS
            self.assertTrue(set(self.get(m, "name")[1:]) <= set(chars), (self.get(m, "name"), self.get(m, "sex")))

    def assert_generations_in_order(self, members):
        relations = [self.get(m, "relation") for m in members]
        self.assertEqual(relations.count("head"), 1, relations)
        head = next(m for m in members if self.get(m, "relation") == "head")
        head_born = self.get(head, "birth_date")
        lo, hi = CHILD_GAP
        for m in members:
            born, relation = self.get(m, "birth_date"), self.get(m, "relation")
            if relation == "child":
                self.assertTrue(lo <= years_between(head_born, born) <= hi, (head_born, born))
            elif relation == "grandchild":
                self.assertGreaterEqual(years_between(head_born, born), 2 * lo)
            elif relation == "parent":
                self.assertTrue(lo <= years_between(born, head_born) <= hi, (born, head_born))

    def assert_id_numbers_real(self, members, today):
        for m in members:
            rid = ids.parse(self.get(m, "id_number"), today=today)  # the check digit is valid, or this raises
            self.assertEqual((rid.sex, rid.birth_date), (self.get(m, "sex"), self.get(m, "birth_date")))
            self.assertEqual(int(self.get(m, "id_number")[16]) % 2, 1 if self.get(m, "sex") == "M" else 0)

    def assert_sequences_spread(self, numbers):
        """The 3-digit sequence codes (digits 15–17) cover the range, not only its start."""
        sequences = [int(n[14:17]) for n in numbers]
        hundreds = Counter(s // 100 for s in sequences)
        self.assertEqual(set(hundreds), set(range(10)), hundreds)
        self.assertLess(max(hundreds.values()), 0.25 * len(sequences), hundreds)
        self.assertTrue(all(2 <= s <= 995 for s in sequences))


class GeneratedSampleTest(Checks, CastTestCase):
    def setUp(self):
        self.today = D(2012, 10, 20)
        people = People(random.Random(2012), today=self.today)
        self.households = [people.family(County.objects.get(code=code), size=size)
                           for code in ("530602", "530627", "530621") for size in [1, 2, 3, 4, 5, 6] * 40]

    def test_names_fit_the_sex(self):
        for members in self.households:
            self.assert_names_fit_the_sex(members)

    def test_the_head_comes_first_and_the_children_are_born_18_to_40_years_after_the_head(self):
        for members in self.households:
            self.assertEqual(members[0]["relation"], "head")
            self.assert_generations_in_order(members)
            for m in members:
                self.assertLess(m["birth_date"], self.today)

    def test_id_numbers_have_a_valid_check_digit_the_right_sex_digit_and_spread_sequences(self):
        for members in self.households:
            self.assert_id_numbers_real(members, self.today)
        self.assert_sequences_spread([m["id_number"] for members in self.households for m in members])

    def test_one_area_and_day_gives_every_sequence_once_in_a_spread_order(self):
        gen = IdNumbers()
        men = [gen.make("530602", D(1980, 4, 2), True)[0] for _ in range(IdNumbers.PER_DAY)]
        self.assertEqual(len(set(men)), IdNumbers.PER_DAY)
        self.assertEqual({n[6:14] for n in men}, {"19800402"})
        first = [int(n[14:17]) for n in men[:10]]
        self.assertGreater(min(abs(a - b) for a, b in zip(first, first[1:], strict=False)), 10, first)
        self.assertEqual(gen.make("530602", D(1980, 4, 2), True)[1], D(1980, 4, 3))  # the day is full


class SmallDemoLoadTest(Checks, CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        out = io.StringIO()
        call_command("seed_demo_users", stdout=out)
        call_command("seed_demo_households", count=60, stdout=out)
        call_command("seed_demo_2012", scale="small", stdout=out)

    def households(self):
        members = {}
        for p in Person.objects.order_by("id"):
            members.setdefault(p.application_id, []).append(p)
        return members

    def test_every_household_is_headed_by_its_member_marked_head(self):
        heads = dict(Person.objects.filter(relation="head").values_list("household_id", "name"))
        names = dict(Household.objects.values_list("id", "head_name"))
        self.assertGreater(len(names), 2000)
        self.assertEqual(heads, names)

    def test_names_ages_and_id_numbers_of_every_household(self):
        apps = dict(TransferApplication.objects.values_list("id", "received_on"))
        households = self.households()
        for app_id, members in households.items():
            self.assert_names_fit_the_sex(members)
            self.assert_generations_in_order(members)
            self.assert_id_numbers_real(members, today=apps[app_id] + datetime.timedelta(days=400))
        self.assert_sequences_spread(Person.objects.values_list("id_number", flat=True))

    def test_application_numbers_follow_the_one_formula(self):
        """households.numbers: county, day first received, the id; a resubmission after a return
        restarts the time limit (received_on) and keeps the number."""
        resubmitted = set(ApplicationEvent.objects.filter(from_status="returned", to_status="received")
                          .values_list("application_id", flat=True))
        apps = TransferApplication.objects.select_related("county")
        self.assertGreater(apps.count(), 2000)
        for app in apps:
            first_received = datetime.date.fromisoformat(f"{app.number[6:10]}-{app.number[10:12]}-{app.number[12:14]}")
            self.assertEqual(app.number, application_number(county_code=app.county.code,
                                                            received_on=first_received, serial=app.pk))
            if app.pk in resubmitted:
                self.assertLessEqual(first_received, app.received_on)
            else:
                self.assertEqual(first_received, app.received_on)
