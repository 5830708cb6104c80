"""A short manual per role, reachable from every page (issue 13, point 19)."""

from django.urls import reverse

from nongzhuancheng.views import MANUALS
from tests.base import CastTestCase


class HelpTest(CastTestCase):
    def test_every_page_has_a_help_link_and_the_users_own_manual_comes_first(self):
        for user, role, page in ((self.alice, "clerk", "households:application_new"),
                                 (self.dave, "county_officer", "quotas:dashboard"),
                                 (self.grace, "member_unit", "entitlements:queue"),
                                 (self.frank, "city_reader", "reports:bulletin_list"),
                                 (self.root, "admin", "households:application_list")):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertContains(self.client.get(reverse(page)), f'href="{reverse("help")}"')
                response = self.client.get(reverse("help"))
                self.assertEqual(response.context["chosen"], role)
                self.assertContains(response, f'id="manual-{role}"')
                self.assertContains(response, "每天要做的事")

    def test_each_manual_opens_and_links_only_to_pages_that_exist(self):
        self.login(self.dave)
        for role in MANUALS:
            with self.subTest(role=role):
                response = self.client.get(reverse("help_role", args=[role]))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, f'id="manual-{role}"')
        self.assertEqual(self.client.get(reverse("help_role", args=["nobody"])).status_code, 404)

    def test_the_clerks_manual_says_where_to_receive_and_where_the_overdue_list_is(self):
        self.login(self.alice)
        response = self.client.get(reverse("help"))
        self.assertContains(response, f'href="{reverse("households:application_new")}"')
        self.assertContains(response, f'href="{reverse("households:overdue")}"')
        self.assertContains(response, "退回补正")

    def test_the_help_needs_a_sign_in(self):
        response = self.client.get(reverse("help"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])
