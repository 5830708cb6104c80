"""Templates ask the policy (``nzc_actions``), never a role's name."""

from django.urls import reverse

from nongzhuancheng.scoping import APPLICATION_MOVE, APPLICATION_RECEIVE, IMPORT_RUN, actions_of
from tests.base import CastTestCase


class NavigationTest(CastTestCase):
    def test_every_page_knows_the_actions_the_user_may_take(self):
        self.login(self.alice)
        r = self.client.get(reverse("households:application_list"))
        self.assertEqual(r.context["nzc_actions"], actions_of(self.alice))
        self.assertIn(APPLICATION_MOVE, r.context["nzc_actions"])
        self.login(self.frank)
        r = self.client.get(reverse("households:application_list"))
        self.assertNotIn(APPLICATION_MOVE, r.context["nzc_actions"])

    def test_the_entry_and_import_links_show_only_to_those_who_may_use_them(self):
        entry, imports = reverse("households:application_new"), reverse("imports:start")
        for user, shown in ((self.alice, True), (self.dave, True), (self.frank, False), (self.grace, False)):
            with self.subTest(user=user.username):
                self.login(user)
                r = self.client.get(reverse("households:application_list"))
                self.assertEqual(APPLICATION_RECEIVE in r.context["nzc_actions"], shown)
                self.assertEqual(IMPORT_RUN in r.context["nzc_actions"], shown)
                (self.assertContains if shown else self.assertNotContains)(r, f'href="{entry}"')
                (self.assertContains if shown else self.assertNotContains)(r, f'href="{imports}"')

    def test_home_sends_each_user_where_the_policy_says_they_work(self):
        for user, target in ((self.alice, "households:application_new"), (self.grace, "entitlements:queue"),
                             (self.dave, "quotas:dashboard"), (self.frank, "quotas:dashboard"),
                             (self.root, "quotas:dashboard")):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertRedirects(self.client.get(reverse("home")), reverse(target), fetch_redirect_response=False)
