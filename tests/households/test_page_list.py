import datetime

from django.urls import reverse

from households import services
from nongzhuancheng.masking import mask
from tests.base import CastTestCase, person_data

URL = reverse("households:application_list")


class ApplicationListPageTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.zhang = person_data(name="张德明")
        cls.li = person_data(name="李秀英", male=False, relation="spouse")
        cls.zy_app = cls.receive(cls.alice, members=[cls.zhang, cls.li], received_on=datetime.date(2012, 6, 12),
                                 head_name="张德明")
        cls.zy2_app = cls.receive(cls.carol, members=[person_data(name="赵永福", category="veteran")],
                                  received_on=datetime.date(2012, 9, 28))
        cls.ld_app = cls.receive(cls.bob, members=[person_data(area="530621", name="马正清")],
                                 received_on=datetime.date(2012, 10, 8))
        services.application_complete(application=cls.zy_app, actor=cls.alice, on=datetime.date(2012, 6, 15))

    def numbers(self, response):
        return {app.number for app in response.context["applications"]}

    def test_a_clerk_sees_only_her_station_with_id_numbers_masked(self):
        self.login(self.alice)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.numbers(response), {self.zy_app.number})
        number = self.zy_app.members.get(name="张德明").id_number
        self.assertContains(response, mask(number))
        self.assertNotContains(response, number)
        self.assertContains(response, '<td class="num">2</td>', html=True)

    def test_a_county_officer_sees_his_county_and_the_city_reader_everything(self):
        self.login(self.dave)
        self.assertEqual(self.numbers(self.client.get(URL)), {self.zy_app.number, self.zy2_app.number})
        self.login(self.erin)
        self.assertEqual(self.numbers(self.client.get(URL)), {self.ld_app.number})
        self.login(self.frank)
        self.assertEqual(len(self.numbers(self.client.get(URL))), 3)

    def test_it_searches_by_name_in_the_url_and_by_a_whole_id_number_only_by_post(self):
        self.login(self.frank)
        self.assertEqual(self.numbers(self.client.get(URL, {"q": "李秀英"})), {self.zy_app.number})
        number = self.ld_app.members.get().id_number
        self.assertEqual(self.numbers(self.client.get(URL, {"q": number})), set())
        self.assertEqual(self.numbers(self.client.get(URL, {"q": number[:10]})), set())
        self.assertEqual(self.numbers(self.client.get(URL, {"id_number": number})), {
            self.zy_app.number, self.zy2_app.number, self.ld_app.number})  # not a filter by GET
        self.assertEqual(self.numbers(self.client.post(URL, {"id_number": number})), {self.ld_app.number})
        self.assertEqual(self.numbers(self.client.post(URL, {"id_number": number[:10]})), set())
        self.assertEqual(self.numbers(self.client.get(URL, {"q": "无此人"})), set())

    def test_it_filters_by_status_county_station_category_and_dates(self):
        self.login(self.frank)
        self.assertEqual(self.numbers(self.client.get(URL, {"status": "completed"})), {self.zy_app.number})
        self.assertEqual(self.numbers(self.client.get(URL, {"county": self.ludian.pk})), {self.ld_app.number})
        self.assertEqual(self.numbers(self.client.get(URL, {"station": self.zy_station2.pk})), {self.zy2_app.number})
        self.assertEqual(self.numbers(self.client.get(URL, {"category": "veteran"})), {self.zy2_app.number})
        self.assertEqual(
            self.numbers(self.client.get(URL, {"received_from": "2012-09-01", "received_to": "2012-09-30"})),
            {self.zy2_app.number},
        )
        self.assertEqual(
            self.numbers(self.client.get(URL, {"completed_from": "2012-06-11", "completed_to": "2012-06-20"})),
            {self.zy_app.number},
        )

    def test_a_clerk_cannot_widen_her_scope_with_filters(self):
        self.login(self.alice)
        self.assertEqual(self.numbers(self.client.get(URL, {"station": self.ld_station.pk})), {self.zy_app.number})
        self.assertEqual(self.numbers(self.client.get(URL, {"q": "马正清"})), set())

    def test_the_export_links_carry_the_filters(self):
        self.login(self.frank)
        response = self.client.get(URL, {"status": "completed", "q": "张"})
        self.assertContains(response, reverse("imports:export_applications") + "?status=completed&amp;q=%E5%BC%A0")

    def test_it_pages_by_fifty_and_keeps_the_filters_in_the_links(self):
        members = [person_data(name=f"周{i}") for i in range(55)]
        for member in members:
            self.receive(self.alice, members=[member])
        self.login(self.alice)
        response = self.client.get(URL, {"status": "received"})
        self.assertEqual(len(response.context["applications"]), 50)
        self.assertContains(response, "status=received&amp;page=2")
        self.assertEqual(len(self.client.get(URL, {"status": "received", "page": 2}).context["applications"]), 5)

    def test_its_query_count_does_not_grow_with_the_rows(self):
        for _ in range(30):
            self.receive(self.alice, members=[person_data(), person_data(relation="spouse")])
        self.login(self.alice)
        # session, the user with its assignment, the header's station and its county, count, page of
        # applications, their members, the count of people
        with self.assertNumQueries(8):
            self.client.get(URL)
        self.login(self.frank)
        # session, the user with its assignment, the second factor's device (the city office signs in with
        # a code), count, page, members, count of people, + counties and stations of the filter form, + the
        # search's bounded index probes in one statement (people by name, households by head's name, their
        # applications or the number)
        with self.assertNumQueries(10):
            self.client.get(URL, {"q": "张"})
