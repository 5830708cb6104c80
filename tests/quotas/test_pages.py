"""The progress pages: scoping, links to the applications behind each figure, exports, query counts."""

from django.urls import reverse

from .scenario import ScenarioTestCase

Q = "?year=2012&as_of=2012-10-15"


class DashboardPageTest(ScenarioTestCase):
    def test_it_shows_the_ranked_table_to_the_city(self):
        self.login(self.frank)
        response = self.client.get(reverse("quotas:dashboard") + Q)
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("盐津县", page)
        self.assertIn("78.9%", page)  # pace
        self.assertIn("2.6%", page)  # 13 ÷ 500
        self.assertIn("<svg", page)
        rows = response.context["rows"]
        self.assertEqual([r["p"].county_code for r in rows[:3]], ["530623", "530621", "530602"])

    def test_each_figure_links_to_the_people_behind_it_and_the_list_shows_the_same_number(self):
        self.login(self.frank)
        response = self.client.get(reverse("quotas:dashboard") + Q)
        zy = next(r for r in response.context["rows"] if r["p"].county_code == "530602")
        link = zy["links"]["cumulative"]
        self.assertEqual(
            link,
            reverse("households:person_list")
            + f"?completed_from=2012-01-01&completed_to=2012-10-15&county={self.zhaoyang.pk}",
        )
        self.assertIn(link.replace("&", "&amp;"), response.content.decode())
        self.assertIn("completed_from=2012-10-11", zy["links"]["period"])
        for name, figure in (("cumulative", zy["p"].cumulative), ("period", zy["p"].period_done)):
            with self.subTest(name):
                landing = self.client.get(zy["links"][name])
                self.assertEqual(landing.context["page"].paginator.count, figure)
                self.assertContains(landing, f"共 {figure} 人")

    def test_the_city_sees_member_units_against_their_linked_counties(self):
        from quotas.models import Level
        from quotas.services import target_set

        target_set(actor=self.root, year=2012, level=Level.MEMBER_UNIT, member_unit=self.housing, amount=40,
                   effective_on=self.zy_march.completed_on)
        self.login(self.frank)
        response = self.client.get(reverse("quotas:dashboard") + Q)
        self.assertContains(response, "昭阳区、威信县")
        self.login(self.dave)
        self.assertEqual(self.client.get(reverse("quotas:dashboard") + Q).context["member_units"], [])

    def test_a_county_officer_sees_only_their_county_row(self):
        self.login(self.dave)
        response = self.client.get(reverse("quotas:dashboard") + Q)
        self.assertEqual([r["p"].county_code for r in response.context["rows"]], ["530602"])
        self.assertEqual(response.context["rows"][0]["p"].rank, 3)  # ranked among all 11

    def test_the_dashboard_costs_a_fixed_number_of_queries(self):
        self.login(self.frank)
        self.client.get(reverse("quotas:dashboard") + Q)  # warm caches (content types, sessions)
        # session + the user with its assignment + the second factor's device (the city office signs in with a code), counties, revisions, counts, period series (2), categories (2),
        # member units (revisions, units, their linked counties)
        with self.assertNumQueries(13):
            self.client.get(reverse("quotas:dashboard") + Q)

    def test_it_offers_2012_when_the_year_has_no_target(self):
        self.login(self.frank)
        response = self.client.get(reverse("quotas:dashboard") + "?year=2031")
        self.assertContains(response, "?year=2012&amp;as_of=2012-10-20")

    def test_it_exports_the_ranked_table(self):
        self.login(self.frank)
        response = self.client.get(reverse("quotas:dashboard") + Q + "&format=csv")
        self.assertEqual(response.status_code, 200)
        text = response.content.decode("utf-8-sig")
        self.assertIn("排名,县区,目标任务", text.splitlines()[0])
        self.assertIn("1,盐津县,5,0,0,4,80.0%,78.9%", text)
        xlsx = self.client.get(reverse("quotas:dashboard") + Q + "&format=xlsx")
        self.assertEqual(xlsx.content[:2], b"PK")

    def test_anonymous_users_are_sent_to_log_in(self):
        response = self.client.get(reverse("quotas:dashboard"))
        self.assertEqual(response.status_code, 302)


class CountyPageTest(ScenarioTestCase):
    def url(self, code):
        return reverse("quotas:county", args=[code]) + Q

    def test_a_county_officer_opens_their_own_county(self):
        self.login(self.dave)
        response = self.client.get(self.url("530602"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["row"].cumulative, 6)
        self.assertEqual([s["s"].cumulative for s in response.context["stations"][:2]], [3, 3])

    def test_another_county_is_404_for_a_county_officer(self):
        self.login(self.dave)
        self.assertEqual(self.client.get(self.url("530621")).status_code, 404)
        self.login(self.erin)
        self.assertEqual(self.client.get(self.url("530602")).status_code, 404)

    def test_a_clerk_sees_their_station_county_at_most(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url("530621")).status_code, 200)
        self.assertEqual(self.client.get(self.url("530602")).status_code, 404)

    def test_the_city_and_member_units_open_every_county(self):
        for user in (self.frank, self.grace, self.root):
            self.login(user)
            self.assertEqual(self.client.get(self.url("530621")).status_code, 200)

    def test_an_unknown_county_is_404(self):
        self.login(self.frank)
        self.assertEqual(self.client.get(self.url("999999")).status_code, 404)

    def test_it_exports_the_stations(self):
        self.login(self.dave)
        response = self.client.get(self.url("530602") + "&format=csv")
        self.assertIn("53060201", response.content.decode("utf-8-sig"))


class OtherPagesTest(ScenarioTestCase):
    def test_the_multi_year_page_shows_the_goal(self):
        self.login(self.frank)
        response = self.client.get(reverse("quotas:multi_year") + "?as_of=2012-10-15")
        self.assertContains(response, "1,550,000")

    def test_the_target_page_lists_the_revisions(self):
        self.login(self.frank)
        response = self.client.get(reverse("quotas:targets") + "?year=2012")
        self.assertContains(response, "2012-01-10：350")
        self.assertContains(response, "2012-06-03：500")
        self.assertNotContains(response, "设定或调整目标任务")  # a plain city reader only reads


class ParamsTest(ScenarioTestCase):
    def test_defaults_are_today_and_its_year(self):
        import datetime

        from django.utils import timezone

        from quotas.views import parse_params

        today = timezone.localdate()
        self.assertEqual(parse_params({}), (today.year, today))
        self.assertEqual(parse_params({"as_of": "2012-10-20"}), (2012, datetime.date(2012, 10, 20)))
        self.assertEqual(parse_params({"year": "2012"}), (2012, datetime.date(2012, 12, 31)))
        from nongzhuancheng.params import BadParameters

        with self.assertRaises(BadParameters):
            parse_params({"year": "x", "as_of": "bad"})

    def test_a_past_year_without_as_of_shows_its_end(self):
        self.login(self.frank)
        response = self.client.get(reverse("quotas:dashboard") + "?year=2012")
        self.assertEqual(response.context["city"].as_of.isoformat(), "2012-12-31")
        self.assertEqual(response.context["city"].cumulative, 13)
