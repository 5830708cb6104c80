import csv
import datetime
import io

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from entitlements import services
from entitlements.models import GuaranteeCase, GuaranteeEvent, Retention

from .base import EntitlementsTestCase

G = GuaranteeCase.State
D = datetime.date


class ScopeTest(EntitlementsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.zy_app = cls().complete_family(cls.alice, on=D(2026, 9, 1))
        cls.ld_app = cls().complete_family(cls.bob, on=D(2026, 9, 2))
        cls.zy_head = cls.zy_app.members.get(relation="head")
        cls.medical = GuaranteeCase.objects.get(person=cls.zy_head, kind="medical")
        cls.housing_case = GuaranteeCase.objects.get(person=cls.zy_head, kind="housing")

    def test_housing_staff_see_only_housing_cases_city_wide(self):
        kinds = set(GuaranteeCase.objects.for_user(self.grace).values_list("kind", flat=True))
        self.assertEqual(kinds, {"housing"})
        self.assertEqual(GuaranteeCase.objects.for_user(self.grace).count(), 8)  # both counties
        self.assertFalse(Retention.objects.for_user(self.grace).exists())
        self.assertFalse(GuaranteeCase.objects.for_user(self.grace).filter(pk=self.medical.pk).exists())

    def test_health_staff_see_medical_cases(self):
        self.assertEqual(set(GuaranteeCase.objects.for_user(self.heidi).values_list("kind", flat=True)), {"medical"})
        self.assertTrue(GuaranteeCase.objects.for_user(self.heidi).filter(pk=self.medical.pk).exists())

    def test_county_officers_see_every_kind_of_their_county_and_clerks_their_station(self):
        self.assertEqual(GuaranteeCase.objects.for_user(self.dave).count(), 20)
        self.assertEqual(set(Retention.objects.for_user(self.erin).values_list("county", flat=True)), {self.ludian.pk})
        self.assertEqual(GuaranteeCase.objects.for_user(self.alice).count(), 20)
        self.assertFalse(GuaranteeCase.objects.for_user(self.carol).exists())
        self.assertEqual(GuaranteeCase.objects.for_user(self.frank).count(), 40)

    def test_events_follow_the_scope_of_their_record(self):
        self.assertEqual(set(GuaranteeEvent.objects.for_user(self.grace).values_list("case__kind", flat=True)),
                         {"housing"})

    def test_the_person_page_shows_all_ten_records_to_the_county_and_only_its_kind_to_a_unit(self):
        url = reverse("entitlements:person", args=[self.zy_head.pk])
        self.login(self.dave)
        r = self.client.get(url)
        self.assertEqual(r.status_code, 200)
        self.assertEqual((len(r.context["retentions"]), len(r.context["cases"])), (5, 5))
        self.assertContains(r, "原户籍地计划生育政策")
        self.assertContains(r, "2031-09-01")
        self.login(self.grace)
        r = self.client.get(url)
        self.assertEqual([c.kind for c in r.context["cases"]], ["housing"])
        self.assertEqual(r.context["retentions"], [])
        self.assertNotContains(r, "医疗保险")

    def test_the_person_page_offers_only_the_moves_of_the_table_the_user_may_make(self):
        url = reverse("entitlements:person", args=[self.zy_head.pk])
        self.login(self.heidi)
        r = self.client.get(url)
        medical = next(c for c in r.context["cases"] if c.kind == "medical")
        self.assertEqual([m.name for m in medical.moves], ["start", "deliver", "refuse", "not_needed"])
        self.assertContains(r, '<option value="start">开始办理</option>', html=False)
        self.assertContains(r, "不予落实理由（不予落实时必填）")
        self.assertNotContains(r, "redecide")
        self.login(self.dave)
        r = self.client.get(url)
        moves = {x.kind: [m.name for m, _fields in x.moves] for x in r.context["retentions"]}
        self.assertEqual(moves, {"farmland": ["circulate", "give_up"], "forest": ["circulate", "give_up"],
                                 "homestead": ["circulate", "give_up"], "family_planning": [],
                                 "collective_dividend": ["give_up"]})
        self.assertContains(r, 'class="move move-circulate"')
        self.assertContains(r, "确定自愿有偿退出吗？")  # a final move asks for confirmation
        self.login(self.alice)
        r = self.client.get(url)
        self.assertFalse(any(x.moves for x in r.context["cases"] + r.context["retentions"]))
        self.assertNotContains(r, reverse("entitlements:case_move", args=[self.medical.pk]))

    def test_out_of_scope_pages_answer_404(self):
        url = reverse("entitlements:person", args=[self.zy_head.pk])
        for user in (self.carol, self.bob, self.erin):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.grace)
        r = self.client.post(reverse("entitlements:case_move", args=[self.medical.pk]), {"move": "start"})
        self.assertEqual(r.status_code, 404)
        farmland = Retention.objects.get(person=self.zy_head, kind="farmland")
        r = self.client.post(reverse("entitlements:retention_move", args=[farmland.pk]), {"move": "give_up"})
        self.assertEqual(r.status_code, 404)
        self.medical.refresh_from_db()
        self.assertEqual(self.medical.state, G.REQUESTED)

    def test_a_clerk_reads_but_may_not_move(self):
        self.login(self.alice)
        r = self.client.post(reverse("entitlements:case_move", args=[self.medical.pk]), {"move": "start"})
        self.assertEqual(r.status_code, 403)

    def test_the_unit_moves_a_case_from_the_person_page(self):
        self.login(self.heidi)
        r = self.client.post(reverse("entitlements:case_move", args=[self.medical.pk]),
                             {"move": "deliver", "reference": "城镇居民基本医疗保险", "on": "2026-09-15", "confirmed": "1"})
        self.assertRedirects(r, reverse("entitlements:person", args=[self.zy_head.pk]))
        self.medical.refresh_from_db()
        self.assertEqual((self.medical.state, self.medical.days_to_deliver), (G.DELIVERED, 14))
        r = self.client.post(reverse("entitlements:case_move", args=[self.medical.pk]), {"move": "request"},
                             follow=True)
        self.assertContains(r, "不能从")

    def test_the_county_officer_circulates_farmland_from_the_person_page(self):
        farmland = Retention.objects.get(person=self.zy_head, kind="farmland")
        self.login(self.dave)
        r = self.client.post(reverse("entitlements:retention_move", args=[farmland.pk]), {
            "move": "circulate", "counterparty": "昭阳区苹果种植合作社", "term_ends_on": "2036-12-31",
            "price": "600", "contract_no": "ZY-LZ-2026-0153",
        })
        self.assertEqual(r.status_code, 302)
        farmland.refresh_from_db()
        self.assertEqual(farmland.state, "circulated")
        r = self.client.post(reverse("entitlements:retention_record", args=[farmland.pk]),
                             {"area_mu": "2.35", "certificate_no": "530602-2009-001234"})
        farmland.refresh_from_db()
        self.assertEqual(farmland.certificate_no, "530602-2009-001234")


class QueueTest(EntitlementsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.old = cls().complete(cls.alice, on=D(2026, 7, 1), received_on=D(2026, 7, 1))
        cls.new = cls().complete(cls.bob, on=D(2026, 10, 1), received_on=D(2026, 10, 1))
        cls.mid = cls().complete(cls.alice, on=D(2026, 8, 1), received_on=D(2026, 8, 1))
        done = GuaranteeCase.objects.get(application=cls.mid, kind="housing")
        services.guarantee_move(case=done, to=G.DELIVERED, actor=cls.grace, on=D(2026, 9, 1), reference="公租房")

    def test_the_queue_lists_open_cases_of_the_units_kind_oldest_first_with_days_waited(self):
        self.login(self.grace)
        r = self.client.get(reverse("entitlements:queue"))
        cases = list(r.context["page"].object_list)
        self.assertEqual([c.application_id for c in cases], [self.old.pk, self.new.pk])
        self.assertEqual({c.kind for c in cases}, {"housing"})
        today = timezone.localdate()
        self.assertEqual(cases[0].waited, (today - D(2026, 7, 1)).days)

    def test_a_county_officer_sees_the_county_queue(self):
        self.login(self.erin)
        r = self.client.get(reverse("entitlements:queue"))
        self.assertEqual({c.county_id for c in r.context["page"].object_list}, {self.ludian.pk})

    def test_the_queue_page_is_a_fixed_number_of_queries(self):
        self.login(self.dave)
        self.client.get(reverse("entitlements:queue"))
        for _ in range(3):
            self.complete(self.alice, on=D(2026, 9, 1), received_on=D(2026, 9, 1))
        with self.assertNumQueries(5):
            r = self.client.get(reverse("entitlements:queue"))
        self.assertEqual(r.status_code, 200)

    def test_the_export_masks_id_numbers_for_a_member_unit_and_for_the_county(self):
        self.login(self.grace)
        r = self.client.get(reverse("entitlements:queue"), {"format": "csv"})
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:3], ["保障事项", "状态", "姓名"])
        self.assertEqual(len(rows), 3)
        self.assertIn("*", rows[1][3])
        self.login(self.dave)
        r = self.client.get(reverse("entitlements:queue"), {"format": "xlsx"})
        self.assertEqual(r.status_code, 200)
        r = self.client.get(reverse("entitlements:queue"), {"format": "csv"})
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        self.assertIn("*", rows[1][3])  # whole numbers only in the people export, with a reason

    def test_the_delivery_page_shows_cut_rates(self):
        self.login(self.frank)
        r = self.client.get(reverse("entitlements:delivery"), {"as_of": "2026-11-01"})
        self.assertEqual(r.status_code, 200)
        housing = next(t for t in r.context["totals"] if t.kind == "housing")
        # 1 delivered of 3 requested: 33.3% (cut)
        self.assertEqual(housing.rate_text, "33.3%")
        self.assertContains(r, "33.3%")


class TransitionsPageTest(EntitlementsTestCase):
    def test_it_lists_the_transitions_ending_in_the_next_90_days(self):
        today = timezone.localdate()
        soon = self.complete(self.alice, on=today.replace(year=today.year - 5) + datetime.timedelta(days=30),
                             received_on=today.replace(year=today.year - 5))
        self.complete(self.alice, on=today.replace(year=today.year - 5) + datetime.timedelta(days=120),
                      received_on=today.replace(year=today.year - 5))
        self.login(self.dave)
        r = self.client.get(reverse("entitlements:transitions"))
        listed = list(r.context["page"].object_list)
        self.assertEqual([x.application_id for x in listed], [soon.pk])
        self.assertEqual(listed[0].days_left, 30)
        self.login(self.erin)
        self.assertEqual(list(self.client.get(reverse("entitlements:transitions")).context["page"].object_list), [])


class ApiTest(EntitlementsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.app = cls().complete(cls.alice, on=D(2026, 9, 1), received_on=D(2026, 9, 1))
        cls.medical = GuaranteeCase.objects.get(application=cls.app, kind="medical")

    def api(self, user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    def test_lists_are_scoped_by_kind_and_place(self):
        body = self.api(self.grace).get("/api/v1/entitlements/guarantees/").json()
        self.assertEqual({c["kind"] for c in body["results"]}, {"housing"})
        self.assertEqual(self.api(self.grace).get("/api/v1/entitlements/retentions/").json()["count"], 0)
        self.assertEqual(self.api(self.dave).get("/api/v1/entitlements/retentions/").json()["count"], 5)
        self.assertEqual(self.api(self.erin).get("/api/v1/entitlements/guarantees/").json()["count"], 0)

    def test_out_of_scope_records_answer_404(self):
        url = f"/api/v1/entitlements/guarantees/{self.medical.pk}/"
        self.assertEqual(self.api(self.grace).get(url).status_code, 404)
        self.assertEqual(self.api(self.erin).get(url).status_code, 404)
        self.assertEqual(self.api(self.grace).post(url + "move/", {"move": "start"}).status_code, 404)
        self.assertEqual(self.api(self.heidi).get(url).status_code, 200)

    def test_the_move_action_calls_the_service(self):
        url = f"/api/v1/entitlements/guarantees/{self.medical.pk}/move/"
        r = self.api(self.heidi).post(url, {"move": "refuse"}, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("reason", r.json())
        r = self.api(self.heidi).post(url, {"move": "deliver", "on": "2026-09-08", "reference": "城镇居民医保"},
                                      format="json")
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual((r.json()["state"], r.json()["days_to_deliver"]), ("delivered", 7))
        self.assertEqual(self.api(self.alice).post(url, {"move": "request"}, format="json").status_code, 403)

    def test_a_retention_move_through_the_api(self):
        farmland = Retention.objects.get(application=self.app, kind="farmland")
        r = self.api(self.dave).post(f"/api/v1/entitlements/retentions/{farmland.pk}/move/", {
            "move": "give_up", "compensation": "38000", "agreement_no": "ZY-TC-2026-0021"}, format="json")
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["state"], "given_up")
        forest = Retention.objects.get(application=self.app, kind="forest")
        url = f"/api/v1/entitlements/retentions/{forest.pk}/record/"
        r = self.api(self.dave).post(url, {"area_mu": "3.5", "certificate_no": "林证字（2008）第00017号"}, format="json")
        self.assertEqual((r.status_code, r.json()["certificate_no"]), (200, "林证字（2008）第00017号"))
        self.assertEqual(self.api(self.grace).post(url, {"area_mu": "1"}, format="json").status_code, 404)

    def test_the_move_endpoints_take_the_names_of_the_tables_moves_as_an_enum(self):
        from django.urls import include, path
        from drf_spectacular.generators import SchemaGenerator

        schema = SchemaGenerator(patterns=[path("api/v1/", include("entitlements.api.urls"))]).get_schema(
            request=None, public=True)
        components = schema["components"]["schemas"]

        def enum(component):
            prop = components[component]["properties"]["move"]
            ref = prop.get("$ref") or prop["allOf"][0]["$ref"]
            return components[ref.rsplit("/", 1)[-1]]["enum"]

        self.assertEqual(enum("GuaranteeMoveInput"), ["request", "start", "deliver", "refuse", "not_needed"])
        self.assertEqual(enum("RetentionMoveInput"), [m.name for m in Retention.WORKFLOW])
        url = f"/api/v1/entitlements/guarantees/{self.medical.pk}/move/"
        r = self.api(self.heidi).post(url, {"move": "redecide_not_needed"}, format="json")  # the system's
        self.assertEqual(r.status_code, 400)
        self.assertIn("move", r.json())

    def test_the_delivery_summary_endpoint(self):
        r = self.api(self.heidi).get("/api/v1/entitlements/delivery/", {"as_of": "2026-11-01"})
        rows = r.json()
        self.assertEqual({x["kind"] for x in rows}, {"medical"})
        zy = next(x for x in rows if x["county_id"] == self.zhaoyang.pk)
        self.assertEqual((zy["requested"], zy["delivered"], zy["delivery_rate"]), (1, 0, "0.000000"))


class RetentionQueueTest(EntitlementsTestCase):
    def test_a_land_unit_sees_its_retentions_waiting_for_their_certificate(self):
        from nongzhuancheng.models import MemberUnit
        from tests.base import make_user

        land = make_user("lucy", "member_unit", member_unit=MemberUnit.objects.get(code="land"))
        app = self.complete(self.alice, on=D(2026, 9, 1), received_on=D(2026, 9, 1))
        recorded = Retention.objects.get(application=app, kind="homestead")
        services.retention_record(retention=recorded, actor=land, area_mu="0.3", certificate_no="集用（2006）第00042号")
        self.login(land)
        r = self.client.get(reverse("entitlements:queue"))
        self.assertTemplateUsed(r, "entitlements/retention_queue.html")
        self.assertEqual([x.kind for x in r.context["page"].object_list], ["farmland"])
        self.assertContains(r, "土地承包经营权")

    def test_a_land_unit_exports_its_retention_queue(self):
        from nongzhuancheng.models import MemberUnit
        from tests.base import make_user

        land = make_user("lucy", "member_unit", member_unit=MemberUnit.objects.get(code="land"))
        self.complete(self.alice, on=D(2026, 9, 1), received_on=D(2026, 9, 1))
        self.login(land)
        r = self.client.get(reverse("entitlements:queue"), {"format": "csv"})
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][0], "保留事项")
        self.assertEqual(sorted(x[0] for x in rows[1:]), ["土地承包经营权", "宅基地及农房使用权"])


class HistoryDisplayTest(EntitlementsTestCase):
    def test_the_person_page_shows_the_history_in_words(self):
        app = self.complete(self.alice, on=D(2026, 9, 1), received_on=D(2026, 9, 1))
        case = GuaranteeCase.objects.get(application=app, kind="medical")
        services.guarantee_move(case=case, to=G.DELIVERED, actor=self.heidi, on=D(2026, 9, 8), reference="城镇居民医保")
        self.login(self.dave)
        r = self.client.get(reverse("entitlements:person", args=[case.person_id]))
        self.assertContains(r, "<td>已申请</td><td>已落实</td>", html=False)
        self.assertContains(r, "落实用时（天）：7")
        self.assertContains(r, "落实内容：城镇居民医保")

    def test_the_person_page_and_the_delivery_page_are_a_fixed_number_of_queries(self):
        app = self.complete_family()
        head = app.members.get(relation="head")
        case = GuaranteeCase.objects.get(person=head, kind="medical")
        services.guarantee_move(case=case, to=G.DELIVERED, actor=self.heidi, on=D(2026, 9, 8), reference="城镇居民医保")
        self.login(self.dave)
        url = reverse("entitlements:person", args=[head.pk])
        self.client.get(url)
        with self.assertNumQueries(9):  # the ninth: who looked at this person's whole number
            self.assertEqual(self.client.get(url).status_code, 200)
        with self.assertNumQueries(8):
            self.assertEqual(self.client.get(reverse("entitlements:delivery")).status_code, 200)
