import datetime

from django.urls import reverse

from households.models import Person, TransferApplication
from households.reference import REQUIRED_DOCUMENTS
from nongzhuancheng.masking import mask
from tests.base import CastTestCase, household_data, person_data

URL = reverse("households:application_new")


def entry_post(household, members, documents=REQUIRED_DOCUMENTS, station=None):
    """The POST body of the entry form, as the browser sends it."""
    data = {f"household-{k}": v for k, v in household.items()}
    if station is not None:
        data["household-station"] = station.pk
    data.update({
        "members-TOTAL_FORMS": str(len(members)), "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1", "members-MAX_NUM_FORMS": "30",
    })
    for i, member in enumerate(members):
        for k, v in member.items():
            data[f"members-{i}-{k}"] = "" if v is None else str(v)
    data["docs-documents"] = list(documents)
    return data


def family_of_four():
    """A 昭阳区 household: husband, wife, son (a graduate) and the husband's mother."""
    head = person_data(name="张德明", birth=datetime.date(1968, 5, 2), relation="head", phone="13987012345",
                       occupation="个体经营", category="migrant_worker")
    wife = person_data(name="李秀英", birth=datetime.date(1970, 8, 19), male=False, relation="spouse")
    son = person_data(name="张伟", birth=datetime.date(1992, 11, 3), relation="child", education="30",
                      marital_status="10", category="graduate")
    mother = person_data(name="王桂芬", birth=datetime.date(1946, 1, 25), male=False, relation="parent",
                         education="80", marital_status="30")
    return [head, wife, son, mother]


def wrong_check_digit(number):
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


class EntryFormPageTest(CastTestCase):
    def test_it_shows_a_clerk_the_form_with_her_station_fixed(self):
        self.login(self.alice)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "昭阳区")
        self.assertNotContains(response, 'name="household-station"')
        self.assertContains(response, 'name="members-0-id_number"')
        self.assertContains(response, 'name="docs-documents"', count=len(REQUIRED_DOCUMENTS))
        self.assertContains(response, "application_entry.js")

    def test_it_lets_a_county_officer_choose_only_stations_of_his_county(self):
        self.login(self.dave)
        response = self.client.get(URL)
        self.assertContains(response, 'name="household-station"')
        stations = response.context["household_form"].fields["station"].queryset
        self.assertIn(self.zy_station2, stations)
        self.assertNotIn(self.ld_station, stations)
        self.assertEqual({s.county_id for s in stations}, {self.zhaoyang.pk})

    def test_it_refuses_read_only_roles(self):
        for user in (self.frank, self.grace):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403)
            self.assertEqual(self.client.post(URL, entry_post(household_data(), [person_data()])).status_code, 403)

    def test_it_sends_an_anonymous_visitor_to_sign_in(self):
        response = self.client.get(URL)
        self.assertRedirects(response, f"{reverse('login')}?next={URL}")

    def test_a_household_of_four_with_one_bad_id_keeps_everything_typed_and_then_succeeds(self):
        self.login(self.alice)
        household = household_data(head_name="张德明", township="北闸镇", village="塘房村", address="塘房村三社12号")
        members = family_of_four()
        good_son_id = members[2]["id_number"]
        members[2]["id_number"] = wrong_check_digit(good_son_id)
        response = self.client.post(URL, entry_post(household, members, documents=["hukou_booklet", "id_card"]))

        self.assertEqual(response.status_code, 200)
        self.assertEqual(TransferApplication.objects.count(), 0)
        self.assertContains(response, "身份号码校验位错误")
        self.assertContains(response, f"最后一位应为 {good_son_id[-1]}")
        son_form = response.context["formset"].forms[2]
        self.assertIn("id_number", son_form.errors)
        for i in (0, 1, 3):
            self.assertFalse(response.context["formset"].forms[i].errors)
        # nothing typed is lost
        for value in ("张德明", "塘房村三社12号", "李秀英", "张伟", "王桂芬", "13987012345", "个体经营",
                      members[2]["id_number"], members[3]["id_number"]):
            self.assertContains(response, value)
        self.assertContains(response, 'value="hukou_booklet" id="id_docs-documents_0" checked')
        self.assertContains(response, '<option value="graduate" selected>')

        members[2]["id_number"] = good_son_id
        response = self.client.post(URL, entry_post(household, members))
        app = TransferApplication.objects.get()
        self.assertRedirects(response, reverse("households:application_receipt", args=[app.pk]))
        self.assertEqual(app.station, self.zy_station)
        self.assertEqual(app.members.count(), 4)
        mother = app.members.get(name="王桂芬")
        self.assertEqual((mother.sex, mother.birth_date), ("F", datetime.date(1946, 1, 25)))
        self.assertEqual(app.created_by, self.alice)

    def test_it_derives_sex_and_birth_date_and_accepts_a_pasted_number(self):
        self.login(self.alice)
        member = person_data(birth=datetime.date(1979, 2, 28))
        number = member["id_number"]
        member["id_number"] = " " + number[:6] + " " + number[6:14] + "-" + number[14:].lower() + " "
        response = self.client.post(URL, entry_post(household_data(), [member]))
        self.assertEqual(response.status_code, 302)
        person = Person.objects.get()
        self.assertEqual(person.id_number, number)
        self.assertEqual(person.birth_date, datetime.date(1979, 2, 28))

    def test_a_typed_sex_or_birth_date_that_differs_from_the_number_is_an_error(self):
        self.login(self.alice)
        member = person_data(birth=datetime.date(1985, 3, 14), male=True, sex="F", birth_date="1985-03-15")
        response = self.client.post(URL, entry_post(household_data(), [member]))
        self.assertEqual(response.status_code, 200)
        form = response.context["formset"].forms[0]
        self.assertIn("性别与身份号码不符", form.errors["sex"][0])
        self.assertIn("1985-03-14", form.errors["birth_date"][0])
        self.assertFalse(Person.objects.exists())

    def test_the_same_person_at_another_station_is_refused_with_the_first_station_named(self):
        first = self.receive(self.alice, received_on=datetime.date(2012, 6, 12))
        number = first.members.get().id_number
        self.login(self.bob)
        member = person_data(area="530621", id_number=number)
        response = self.client.post(URL, entry_post(household_data(), [member]))
        self.assertEqual(response.status_code, 200)
        errors = response.context["formset"].forms[0].errors["id_number"]
        self.assertIn("昭阳区城区派出所", errors[0])
        self.assertIn("2012-06-12", errors[0])
        self.assertEqual(TransferApplication.objects.count(), 1)

    def test_two_members_with_the_same_number_are_refused(self):
        self.login(self.alice)
        one = person_data()
        two = person_data(id_number=one["id_number"], relation="spouse")
        response = self.client.post(URL, entry_post(household_data(), [one, two]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("第 1 位成员", response.context["formset"].forms[1].errors["id_number"][0])

    def test_a_county_officer_must_choose_a_station_of_his_county(self):
        self.login(self.dave)
        response = self.client.post(URL, entry_post(household_data(), [person_data()], station=self.ld_station))
        self.assertEqual(response.status_code, 200)
        self.assertIn("station", response.context["household_form"].errors)
        response = self.client.post(URL, entry_post(household_data(), [person_data()], station=self.zy_station2))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(TransferApplication.objects.get().station, self.zy_station2)

    def test_the_administrator_chooses_any_station(self):
        self.login(self.root)
        self.assertEqual(self.client.get(URL).status_code, 200)
        response = self.client.post(URL, entry_post(household_data(), [person_data(area="530621")], station=self.ld_station))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(TransferApplication.objects.get().county, self.ludian)

    def test_a_blank_added_member_is_ignored_and_missing_fields_are_shown(self):
        self.login(self.alice)
        blank = {"name": "", "id_number": "", "ethnicity": "01", "relation": "", "category": "", "destination_address": ""}
        response = self.client.post(URL, entry_post(household_data(), [person_data(), blank]))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Person.objects.count(), 1)
        bad = person_data(category="", destination_address="")
        response = self.client.post(URL, entry_post(household_data(head_name=""), [bad]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("head_name", response.context["household_form"].errors)
        self.assertIn("category", response.context["formset"].forms[0].errors)

    def test_the_masked_form_of_a_number_is_what_the_receipt_shows(self):
        self.login(self.alice)
        member = person_data()
        response = self.client.post(URL, entry_post(household_data(), [member]), follow=True)
        self.assertContains(response, mask(member["id_number"]))
        self.assertNotContains(response, member["id_number"])
