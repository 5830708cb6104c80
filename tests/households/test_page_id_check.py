import datetime
import json

from django.urls import reverse

from households import ids
from tests.base import CastTestCase, person_data

URL = reverse("households:id_check")


def full_width(text):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


class IdCheckPageTest(CastTestCase):
    def check(self, raw):
        response = self.client.post(URL, {"id_number": raw})
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_it_accepts_a_good_number_and_derives_sex_birth_date_and_area(self):
        self.login(self.alice)
        number = ids.make("530602", datetime.date(1985, 3, 14), 123)
        data = self.check(number)
        self.assertTrue(data["valid"])
        self.assertEqual(data["number"], number)
        self.assertEqual(data["sex"], "M")
        self.assertEqual(data["birth_date"], "1985-03-14")
        self.assertIn("昭阳区", data["area_name"])
        self.assertIsNone(data["duplicate"])
        self.assertFalse(data["upgraded"])

    def test_it_explains_a_wrong_check_digit(self):
        self.login(self.alice)
        number = ids.make("530621", datetime.date(1990, 6, 1), 42)
        bad = number[:-1] + ("1" if number[-1] != "1" else "2")
        data = self.check(bad)
        self.assertFalse(data["valid"])
        self.assertIn("校验位错误", data["message"])
        self.assertIn(f"应为 {number[-1]}", data["message"])

    def test_it_upgrades_a_legacy_15_digit_number(self):
        self.login(self.alice)
        data = self.check("532101650708123")  # 昭通市 (county-level, before 2001), born 1965-07-08
        self.assertTrue(data["valid"])
        self.assertTrue(data["upgraded"])
        self.assertEqual(len(data["number"]), 18)
        self.assertTrue(data["number"].startswith("53210119650708123"))
        self.assertEqual(data["birth_date"], "1965-07-08")
        self.assertEqual(data["sex"], "M")

    def test_it_accepts_full_width_digits_and_spaces_pasted_in(self):
        self.login(self.alice)
        number = ids.make("530627", datetime.date(2001, 12, 30), 88)
        data = self.check(full_width(number[:9]) + " " + number[9:])
        self.assertTrue(data["valid"])
        self.assertEqual(data["number"], number)
        self.assertEqual(data["sex"], "F")

    def test_it_refuses_the_30th_of_february_and_a_short_number(self):
        self.login(self.alice)
        self.assertIn("不是有效日期", self.check("53060219850230123X")["message"])
        self.assertIn("当前为10位", self.check("5306021985")["message"])

    def test_a_duplicate_names_only_the_station_date_and_status_of_the_first_application(self):
        member = person_data(name="陈秀兰", phone="13888001122")
        first = self.receive(self.alice, members=[member], received_on=datetime.date(2012, 9, 28),
                             head_name="陈国富", address="守望乡四社8号")
        self.login(self.bob)  # another county: he may not see the application itself
        data = self.check(member["id_number"])
        self.assertTrue(data["valid"])
        duplicate = data["duplicate"]
        self.assertEqual(duplicate["station"], "昭阳区城区派出所")
        self.assertEqual(duplicate["received_on"], "2012-09-28")
        self.assertEqual(duplicate["status"], "受理")
        self.assertIn("昭阳区城区派出所", duplicate["message"])
        body = json.dumps(data, ensure_ascii=False)
        for private in ("陈秀兰", "13888001122", "陈国富", "守望乡", first.number):
            self.assertNotIn(private, body)

    def test_a_number_freed_by_a_rejection_is_no_duplicate(self):
        from households import services

        member = person_data()
        app = self.receive(self.alice, members=[member])
        services.application_reject(application=app, actor=self.alice, note="不符合转户条件")
        self.login(self.carol)
        self.assertIsNone(self.check(member["id_number"])["duplicate"])

    def test_it_requires_sign_in(self):
        response = self.client.post(URL, {"id_number": "x"})
        self.assertEqual(response.status_code, 302)

    def test_it_answers_post_only(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(URL, {"id_number": "53060219850314123X"}).status_code, 405)

    def test_a_claim_is_told_only_to_a_clerk(self):
        member = person_data()
        self.receive(self.alice, members=[member])
        for user in (self.dave, self.frank, self.grace, self.root):
            self.login(user)
            data = self.check(member["id_number"])
            self.assertTrue(data["valid"])
            self.assertIsNone(data["duplicate"], user.username)

    def test_every_check_is_logged_with_the_number_masked(self):
        from nongzhuancheng.audit import AccessEvent

        member = person_data()
        self.receive(self.alice, members=[member])
        self.login(self.carol)
        with self.captureOnCommitCallbacks(execute=True):
            self.check(member["id_number"])
            self.check("5306021985")
        events = list(AccessEvent.objects.filter(kind=AccessEvent.Kind.ID_CHECK, username="carol").order_by("id"))
        self.assertEqual([e.detail["claim_shown"] for e in events], [True, False])
        self.assertIsNotNone(events[0].person_id)
        for e in events:
            self.assertNotIn(member["id_number"], str(e.subject) + str(e.detail) + e.path)

    def test_checks_are_rate_limited_per_user(self):
        from django.core.cache import cache
        from django.test import override_settings

        cache.clear()
        number = ids.make("530602", datetime.date(1985, 3, 14), 123)
        with override_settings(NZC_ID_CHECK_RATE="3/h"):
            self.login(self.alice)
            codes = [self.client.post(URL, {"id_number": number}).status_code for _ in range(4)]
            self.assertEqual(codes, [200, 200, 200, 429])
            self.login(self.carol)  # another user has her own allowance
            self.assertEqual(self.client.post(URL, {"id_number": number}).status_code, 200)
        cache.clear()


class HouseholdLookupPageTest(CastTestCase):
    URL = reverse("households:household_lookup")

    def setUp(self):
        self.app = self.receive(self.alice, number="5306020417", head_name="张德明", address="塘房村三社12号")

    def test_a_clerk_finds_a_household_of_her_station(self):
        self.login(self.alice)
        data = self.client.get(self.URL, {"number": "5306020417"}).json()
        self.assertTrue(data["found"])
        self.assertEqual(data["household"]["head_name"], "张德明")
        self.assertEqual(data["household"]["address"], "塘房村三社12号")

    def test_a_clerk_of_another_station_finds_nothing_even_naming_the_station(self):
        for user in (self.carol, self.bob):
            self.login(user)
            self.assertEqual(self.client.get(self.URL, {"number": "5306020417"}).json(), {"found": False})
            data = self.client.get(self.URL, {"number": "5306020417", "station": self.zy_station.pk}).json()
            self.assertEqual(data, {"found": False})

    def test_a_county_officer_finds_it_by_station(self):
        self.login(self.dave)
        self.assertTrue(self.client.get(self.URL, {"number": "5306020417", "station": self.zy_station.pk}).json()["found"])
        self.assertFalse(self.client.get(self.URL, {"number": "5306020417"}).json()["found"])
        self.login(self.erin)
        self.assertFalse(self.client.get(self.URL, {"number": "5306020417", "station": self.zy_station.pk}).json()["found"])
