"""A page per police station (issue 13, point 11): its figures from the completion rollup beside its
county's, its clerks' work, its overdue cases; linked from the county page; scoped; and the clerk's
own station figures on the entry form."""

import datetime

from django.urls import reverse

from households import services
from nongzhuancheng import roles
from tests.base import CastTestCase, make_user, person_data

AS_OF = {"year": 2012, "as_of": "2012-10-20"}


def station_url(station):
    return reverse("quotas:station", args=[station.code])


class StationPageTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.alice2 = make_user("alice2", roles.CLERK, station=cls.zy_station)
        on = datetime.date(2012, 10, 15)  # in the period 2012-10-11 … 20
        for actor, n in ((cls.alice, 2), (cls.alice2, 1)):
            for _ in range(n):
                app = cls.receive(actor, members=[person_data(), person_data(relation="child")],
                                  received_on=datetime.date(2012, 10, 10))
                services.application_complete(application=app, actor=actor, on=on)
        cls.complete(cls, cls.carol, on=datetime.date(2012, 5, 2), received_on=datetime.date(2012, 5, 1))
        cls.open = cls.receive(cls.alice, received_on=datetime.date(2012, 9, 3))
        cls.back = cls.receive(cls.alice, received_on=datetime.date(2012, 9, 4))
        services.application_return(application=cls.back, actor=cls.alice, note="缺材料")

    def test_its_figures_come_from_the_rollup_beside_the_county(self):
        self.login(self.dave)
        r = self.client.get(station_url(self.zy_station), AS_OF)
        self.assertEqual(r.status_code, 200)
        self.assertEqual((r.context["row"].cumulative, r.context["row"].period_done), (6, 6))
        self.assertEqual(r.context["county_total"]["cumulative"], 7)
        self.assertEqual(r.context["rank"], 1)
        self.assertEqual(r.context["share"], "85.7%")
        # the figure of people links to a list of the same station's completed applications
        self.assertIn(f"station={self.zy_station.pk}", r.context["links"]["cumulative"])

    def test_it_lists_each_clerks_work_and_its_overdue_cases_with_returned_apart(self):
        self.login(self.dave)
        r = self.client.get(station_url(self.zy_station), AS_OF)
        work = {row["user"].username: (row["received"], row["completed"]) for row in r.context["clerks"]}
        self.assertEqual(work, {"alice": (4, 2), "alice2": (1, 1)})
        self.assertEqual(r.context["overdue_count"], 1)
        self.assertEqual(r.context["returned_count"], 1)
        self.assertEqual([a.pk for a in r.context["overdue"]], [self.open.pk])
        self.assertContains(r, "另有退回补正 1 件")
        self.assertContains(r, f'href="{reverse("households:overdue")}?station={self.zy_station.pk}"')

    def test_the_county_page_links_each_station_name(self):
        self.login(self.dave)
        r = self.client.get(reverse("quotas:county", args=[self.zhaoyang.code]), AS_OF)
        self.assertContains(r, f'href="{station_url(self.zy_station)}?year=2012&amp;as_of=2012-10-20"')

    def test_it_is_scoped_a_clerk_her_station_a_county_its_stations_the_city_all(self):
        for user, station, status in (
            (self.alice, self.zy_station, 200), (self.alice, self.zy_station2, 404),
            (self.dave, self.zy_station2, 200), (self.dave, self.ld_station, 404),
            (self.erin, self.ld_station, 200), (self.frank, self.ld_station, 200),
            (self.frank, self.zy_station, 200),
        ):
            with self.subTest(user=user.username, station=station.code):
                self.login(user)
                self.assertEqual(self.client.get(station_url(station), AS_OF).status_code, status)
        self.login(self.frank)
        self.assertEqual(self.client.get(reverse("quotas:station", args=["99999999"])).status_code, 404)

    def test_the_clerks_entry_form_shows_her_station_figures(self):
        self.login(self.alice)
        r = self.client.get(reverse("households:application_new"))
        panel = r.context["panel"]
        self.assertEqual(panel["station"], self.zy_station)
        self.assertEqual(panel["overdue"], 1)
        self.assertEqual(panel["returned"], 1)
        self.assertContains(r, f'href="{station_url(self.zy_station)}"')
        self.login(self.dave)  # a county officer chooses the station: no panel
        self.assertNotIn("panel", self.client.get(reverse("households:application_new")).context)

    def test_the_panels_figures_count_this_years_completions(self):
        from households.selectors import station_panel

        panel = station_panel(user=self.alice, station=self.zy_station, as_of=datetime.date(2012, 10, 20))
        self.assertEqual((panel["cumulative"], panel["period_done"]), (6, 6))
        panel = station_panel(user=self.alice, station=self.zy_station2, as_of=datetime.date(2012, 10, 20))
        self.assertEqual((panel["cumulative"], panel["period_done"]), (1, 0))
