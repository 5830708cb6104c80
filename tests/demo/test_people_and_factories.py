"""The one people generator (demo.people) and the factories built on it (demo.factories)."""

import datetime
import random

from django.http import HttpRequest  # django-axes: authenticate() needs the request

from demo.factories import PersonDataFactory, PersonFactory, TransferApplicationFactory, UserFactory
from demo.people import FEMALE_CHARS, MALE_CHARS, People
from households import ids
from households.numbers import application_number
from nongzhuancheng import roles
from nongzhuancheng.models import County
from tests.base import CastTestCase

D = datetime.date


def age(birth, on):
    return (on - birth).days // 365


class PeopleTest(CastTestCase):
    def test_given_names_fit_the_sex(self):
        people = People(random.Random(1))
        for male, chars in ((True, MALE_CHARS), (False, FEMALE_CHARS)):
            for _ in range(200):
                self.assertTrue(set(people.given(male)) <= set(chars))

    def test_a_family_has_one_head_and_ages_that_fit_each_relation(self):
        today = D(2012, 10, 20)
        people = People(random.Random(7), today=today)
        county = County.objects.get(code="530602")
        for size in [1, 2, 3, 4, 5, 6] * 30:
            members = people.family(county, size=size)
            self.assertEqual(len(members), size)
            self.assertEqual([m["relation"] for m in members].count("head"), 1)
            head = age(members[0]["birth_date"], today)
            self.assertTrue(18 <= head <= 80, head)
            for m in members:
                rid = ids.parse(m["id_number"], today=today)
                self.assertEqual((rid.sex, rid.birth_date), (m["sex"], m["birth_date"]))
                self.assertTrue(set(m["name"][1:]) <= set(MALE_CHARS if m["sex"] == "M" else FEMALE_CHARS))
                years = age(m["birth_date"], today)
                if m["relation"] == "child":
                    self.assertGreaterEqual(head - years, 18)
                elif m["relation"] == "parent":
                    self.assertGreaterEqual(years - head, 18)
                elif m["relation"] == "spouse":
                    self.assertLessEqual(abs(years - head), 12)

    def test_the_same_seed_gives_the_same_people(self):
        county = County.objects.get(code="530627")
        first = People(random.Random(3), today=D(2012, 6, 12)).family(county, size=4)
        again = People(random.Random(3), today=D(2012, 6, 12)).family(county, size=4)
        self.assertEqual(first, again)


class FactoriesTest(CastTestCase):
    def test_a_person_row_has_a_valid_id_number_that_agrees_with_it(self):
        person = PersonFactory(born=D(1979, 5, 2), male=False)
        rid = ids.parse(person.id_number)
        self.assertEqual((rid.sex, rid.birth_date, rid.area_code), ("F", D(1979, 5, 2), "530602"))
        self.assertEqual(person.household, person.application.household)
        self.assertEqual(PersonFactory(application=person.application).birth_date, D(1985, 3, 14))

    def test_an_application_gets_the_number_of_its_id(self):
        app = TransferApplicationFactory(received_on=D(2012, 3, 1))
        app.refresh_from_db()
        self.assertEqual(app.number, application_number(county_code="530602", received_on=D(2012, 3, 1), serial=app.pk))

    def test_a_user_gets_the_post_asked_for(self):
        user = UserFactory(post=roles.CLERK, post__station=self.ld_station)
        self.assertEqual((user.assignment.role, user.assignment.county), (roles.CLERK, self.ludian))
        self.assertTrue(self.client.login(request=HttpRequest(), username=user.username, password="pw-for-tests-1"))

    def test_member_dicts_keep_a_birth_date_given(self):
        data = PersonDataFactory(birth=D(2001, 2, 3), male=False, serial=7)
        rid = ids.parse(data["id_number"])
        self.assertEqual((rid.birth_date, rid.sex), (D(2001, 2, 3), "F"))


class DemoUsersTest(CastTestCase):
    def test_every_demo_user_signs_in_with_the_demo_password(self):
        import io

        from django.contrib.auth import authenticate
        from django.core.management import call_command

        from demo.management.commands.seed_demo_users import DEMO_PASSWORD, DEMO_USERS

        call_command("seed_demo_users", stdout=io.StringIO())
        for username in ("admin", "city", "clerk_ludian", "unit_land"):
            self.assertIsNotNone(authenticate(HttpRequest(), username=username, password=DEMO_PASSWORD), username)
        self.assertIsNone(authenticate(HttpRequest(), username="city", password="wrong-password-1"))
        self.assertEqual(len(DEMO_USERS), 17)
