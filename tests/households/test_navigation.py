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


class MenuFromThePolicyTest(CastTestCase):
    """The header's menu is nongzhuancheng.navigation.MENU filtered by allows() (issue 13, point 12)."""

    def menu_links(self, response):
        import re

        nav = re.search(r"<nav>(.*?)</nav>", response.content.decode(), re.S).group(1)
        return re.findall(r'class="nav-link[^"]*" href="([^"]+)"', nav)

    def test_every_roles_menu_is_exactly_what_the_policy_allows_and_every_item_opens(self):
        from nongzhuancheng.navigation import MENU
        from nongzhuancheng.scoping import allows

        for user in (self.alice, self.dave, self.frank, self.grace, self.heidi, self.root):
            with self.subTest(user=user.username):
                self.login(user)
                shown = self.menu_links(self.client.get(reverse("households:application_list")))
                expected = [reverse(item.url_name) for item in MENU if any(allows(user, a) for a in item.actions)]
                admin = reverse("admin:index")  # Django's admin site: its own staff flag decides
                self.assertEqual(admin in shown, user.is_staff)
                shown = [url for url in shown if url != admin]
                self.assertEqual(shown, expected)
                for url in shown:
                    self.assertLess(self.client.get(url).status_code, 400, url)

    def test_a_member_unit_sees_no_entry_import_or_office_links_and_a_clerk_no_access_log(self):
        self.login(self.grace)
        shown = self.menu_links(self.client.get(reverse("entitlements:queue")))
        for name in ("households:application_new", "imports:start", "public:office", "access_log"):
            self.assertNotIn(reverse(name), shown)
        self.assertIn(reverse("entitlements:queue"), shown)
        self.login(self.alice)
        shown = self.menu_links(self.client.get(reverse("households:application_new")))
        self.assertIn(reverse("households:application_new"), shown)
        self.assertIn(reverse("imports:start"), shown)
        self.assertNotIn(reverse("access_log"), shown)
        self.login(self.frank)
        self.assertIn(reverse("access_log"), self.menu_links(self.client.get(reverse("quotas:dashboard"))))

    def test_the_open_page_is_marked_in_the_menu(self):
        self.login(self.dave)
        response = self.client.get(reverse("households:overdue"))
        self.assertContains(response, f'<a class="nav-link active" href="{reverse("households:overdue")}">', html=False)
