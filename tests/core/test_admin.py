"""The admin: every registered model's pages load for the administrator; reference data is scoped."""

import tablib
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from nongzhuancheng.admin import PoliceStationResource
from nongzhuancheng.models import PoliceStation, StaffAssignment
from tests.base import CastTestCase


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


class AdminPagesTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.complete(cls, cls.alice)

    def test_every_registered_model_changelist_add_and_change_page_loads_for_root(self):
        self.login(self.root)
        failures = []
        for model, model_admin in admin.site._registry.items():
            name = f"{model._meta.app_label}.{model.__name__}"
            urls = [admin_url(model, "changelist")]
            if model_admin.has_add_permission(self._request()):
                urls.append(admin_url(model, "add"))
            first = model._default_manager.order_by("pk").first()
            if first is not None:
                urls.append(admin_url(model, "change", first.pk))
            for url in urls:
                response = self.client.get(url)
                if response.status_code != 200:
                    failures.append(f"{name} {url} -> {response.status_code}")
        self.assertEqual(failures, [])

    def _request(self):
        from django.test import RequestFactory

        request = RequestFactory().get("/admin/")
        request.user = self.root
        return request

    def test_the_index_is_titled_in_chinese(self):
        self.login(self.root)
        self.assertContains(self.client.get(reverse("admin:index")), "农转城业务管理")

    def test_a_user_without_staff_status_is_sent_to_the_admin_login(self):
        self.login(self.alice)
        response = self.client.get(admin_url(PoliceStation, "changelist"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("admin:login"), response["Location"])


class StationAdminScopingTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for user in (cls.dave, cls.frank):
            user.is_staff = True
            user.save()

    def test_a_county_officer_who_is_staff_sees_only_their_county_stations(self):
        self.login(self.dave)
        response = self.client.get(admin_url(PoliceStation, "changelist") + "?all=")
        self.assertEqual(response.status_code, 200)
        shown = {station.pk for station in response.context["cl"].result_list}
        expected = set(PoliceStation.objects.filter(county=self.zhaoyang).values_list("pk", flat=True))
        self.assertEqual(shown, expected)
        self.assertIn(self.zy_station.pk, shown)
        self.assertNotIn(self.ld_station.pk, shown)

    def test_another_county_station_is_not_found_for_a_county_officer(self):
        self.login(self.dave)
        response = self.client.get(admin_url(PoliceStation, "change", self.ld_station.pk))
        self.assertRedirects(response, reverse("admin:index"))

    def test_a_county_officer_may_correct_only_the_phone_of_their_own_station(self):
        self.login(self.dave)
        url = admin_url(PoliceStation, "change", self.zy_station.pk)
        response = self.client.post(url, {"phone": "0870-2121110", "name": "改名派出所", "code": "99999999"})
        self.assertRedirects(response, admin_url(PoliceStation, "changelist"))
        self.zy_station.refresh_from_db()
        self.assertEqual(self.zy_station.phone, "0870-2121110")
        self.assertEqual(self.zy_station.code, "53060201")
        self.assertNotEqual(self.zy_station.name, "改名派出所")

    def test_a_county_officer_cannot_add_delete_or_import_stations(self):
        self.login(self.dave)
        self.assertEqual(self.client.get(admin_url(PoliceStation, "add")).status_code, 403)
        self.assertEqual(self.client.get(admin_url(PoliceStation, "delete", self.zy_station.pk)).status_code, 403)
        self.assertEqual(self.client.get(admin_url(PoliceStation, "import")).status_code, 403)

    def test_the_city_reader_reads_all_190_stations_and_changes_none(self):
        self.login(self.frank)
        response = self.client.get(admin_url(PoliceStation, "changelist"))
        self.assertEqual(response.context["cl"].result_count, 190)
        change = self.client.get(admin_url(PoliceStation, "change", self.ld_station.pk))
        self.assertEqual(change.status_code, 200)
        self.assertFalse(change.context["has_change_permission"])
        post = self.client.post(admin_url(PoliceStation, "change", self.ld_station.pk), {"phone": "1"})
        self.assertEqual(post.status_code, 403)

    def test_a_county_officer_reads_counties_and_member_units_but_edits_neither(self):
        self.login(self.dave)
        from nongzhuancheng.models import County, MemberUnit

        counties = self.client.get(admin_url(County, "changelist"))
        self.assertEqual(counties.context["cl"].result_count, 11)
        self.assertEqual(self.client.get(admin_url(MemberUnit, "changelist")).status_code, 200)
        self.assertEqual(self.client.get(admin_url(County, "add")).status_code, 403)
        self.assertEqual(self.client.get(admin_url(get_user_model(), "changelist")).status_code, 403)

    def test_the_county_changelist_counts_stations_in_one_query(self):
        self.login(self.root)
        from nongzhuancheng.models import County

        response = self.client.get(admin_url(County, "changelist"))
        rows = {county.code: county._station_count for county in response.context["cl"].result_list}
        self.assertEqual(sum(rows.values()), 190)
        self.assertEqual(rows["530602"], PoliceStation.objects.filter(county=self.zhaoyang).count())


class StationImportExportTest(CastTestCase):
    def test_the_export_of_a_county_officer_holds_only_their_county(self):
        dataset = PoliceStationResource().export(queryset=PoliceStation.objects.for_user(self.dave))
        self.assertEqual(dataset.headers, ["code", "county", "name", "phone"])
        self.assertEqual({row[1] for row in dataset}, {"530602"})
        self.assertIn("53060201", dataset["code"])

    def test_an_import_updates_by_code_and_adds_stations_by_county_code(self):
        dataset = tablib.Dataset(headers=["code", "county", "name", "phone"])
        dataset.append(["53062101", "530621", self.ld_station.name, "0870-5122110"])
        dataset.append(["53063099", "530630", "向家坝派出所", ""])
        result = PoliceStationResource().import_data(dataset, dry_run=False, raise_errors=True)
        self.assertFalse(result.has_errors())
        self.ld_station.refresh_from_db()
        self.assertEqual(self.ld_station.phone, "0870-5122110")
        added = PoliceStation.objects.get(code="53063099")
        self.assertEqual((added.county.code, added.name), ("530630", "向家坝派出所"))
        self.assertEqual(PoliceStation.objects.count(), 191)

    def test_an_import_row_with_an_unknown_county_code_is_an_error(self):
        dataset = tablib.Dataset(["53069901", "530699", "不存在派出所", ""], headers=["code", "county", "name", "phone"])
        result = PoliceStationResource().import_data(dataset, dry_run=True)
        self.assertTrue(result.has_validation_errors() or result.has_errors())
        self.assertFalse(PoliceStation.objects.filter(code="53069901").exists())

    def test_the_import_page_loads_for_root(self):
        self.login(self.root)
        self.assertEqual(self.client.get(admin_url(PoliceStation, "import")).status_code, 200)


class UserAdminTest(CastTestCase):
    def test_the_user_list_shows_each_role_and_place(self):
        self.login(self.root)
        response = self.client.get(admin_url(get_user_model(), "changelist"))
        self.assertContains(response, "派出所窗口办理员")
        self.assertContains(response, str(self.zy_station))

    def test_the_user_page_edits_the_post_inline_and_refuses_a_clerk_without_a_station(self):
        self.login(self.root)
        user = get_user_model().objects.create_user("newclerk", password="x-123456789")
        url = admin_url(get_user_model(), "change", user.pk)
        page = self.client.get(url)
        self.assertContains(page, "assignment-0-role")
        data = {
            "username": "newclerk", "first_name": "", "last_name": "", "email": "",
            "is_active": "on", "is_staff": "",
            "date_joined_0": "2012-10-20", "date_joined_1": "09:00:00",
            "assignment-TOTAL_FORMS": "1", "assignment-INITIAL_FORMS": "0",
            "assignment-MIN_NUM_FORMS": "0", "assignment-MAX_NUM_FORMS": "1",
            "assignment-0-role": "clerk", "assignment-0-county": "", "assignment-0-station": "",
            "assignment-0-member_unit": "",
        }
        refused = self.client.post(url, data)
        self.assertEqual(refused.status_code, 200)
        self.assertFalse(StaffAssignment.objects.filter(user=user).exists())
        data["assignment-0-station"] = str(self.ld_station.pk)
        accepted = self.client.post(url, data)
        self.assertEqual(accepted.status_code, 302, getattr(accepted, "context", None) and accepted.context.get("errors"))
        post = StaffAssignment.objects.get(user=user)
        self.assertEqual((post.role, post.station, post.county), ("clerk", self.ld_station, self.ludian))


class MemberUnitAdminTest(CastTestCase):
    """The admin shows whole rows and the history of every field: a member unit, which may see only
    the fields its cases need, gets none of the pages of people, households, applications and their
    notices, even made staff with every permission (the site's own pages show it what it may see)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from django.contrib.auth.models import Permission

        from households.models import Household, Person, TransferApplication
        from public.models import Notice

        cls.models = [Household, Person, TransferApplication, Notice]
        app = cls.complete(cls, cls.alice)
        cls.rows = {Household: app.household, Person: app.members.first(), TransferApplication: app}
        for user in (cls.grace, cls.dave):
            user.is_staff = True
            user.save()
            user.user_permissions.set(Permission.objects.all())

    def test_a_member_unit_made_staff_opens_no_page_of_people_households_or_applications(self):
        self.login(self.grace)
        index = self.client.get(reverse("admin:index"))
        self.assertEqual(index.status_code, 200)
        for model in self.models:
            with self.subTest(model=model.__name__):
                self.assertNotContains(index, admin_url(model, "changelist"))
                self.assertEqual(self.client.get(admin_url(model, "changelist")).status_code, 403)
                row = self.rows.get(model)
                if row is not None:
                    for view in ("change", "history"):
                        self.assertEqual(self.client.get(admin_url(model, view, row.pk)).status_code, 403)

    def test_a_county_officer_made_staff_still_reads_them_in_scope(self):
        self.login(self.dave)
        from households.models import Person

        self.assertEqual(self.client.get(admin_url(Person, "changelist")).status_code, 200)
        self.assertEqual(self.client.get(admin_url(Person, "history", self.rows[Person].pk)).status_code, 200)
