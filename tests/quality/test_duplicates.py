"""Probable duplicates: the scan finds the planted pairs of a generated population and nothing else
(precision and recall printed); the county office decides them side by side, both ways; a duplicate
withdrawn leaves the counts and its entitlement records; every page is scoped."""

import datetime
import io
import random

from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse

from demo.duplicates import plant
from entitlements.models import GuaranteeCase, Retention
from households import services
from households.ids import make
from households.models import CompletionDaily, Person, TransferApplication
from households.rollup import rollup_drift
from nongzhuancheng import bulk
from nongzhuancheng.celery import app as celery_app
from quality import services as quality
from quality.models import DuplicatePair, Finding
from tests.base import person_data
from tests.quality.base import QualityTestCase, born


def _copy(person, **changes):
    fields = {f.attname: getattr(person, f.attname) for f in Person._meta.concrete_fields if f.attname != "id"}
    fields.update(relation="other", holds_claim=True, completed_on=None, name_key="", **changes)
    return Person(**fields)


class ScanTest(QualityTestCase):
    def test_the_scan_finds_the_planted_pairs_and_nothing_else(self):
        rng = random.Random(15)
        for i in range(30):
            actor = self.alice if i % 3 else self.bob
            area = "530602" if i % 3 else "530621"
            births = [datetime.date(1950 + rng.randint(0, 50), rng.randint(1, 12), rng.randint(1, 28))
                      for _ in range(rng.randint(1, 4))]
            self.enter([person_data(area=area, birth=b, relation="head" if k == 0 else "other")
                        for k, b in enumerate(births)], actor=actor, override="ok")
        people = list(Person.objects.order_by("pk"))
        planted = plant(people[:28], rng)
        self.assertGreaterEqual(len(planted), 24)
        self.assertEqual({b for _a, _b, b in planted},
                         {"same_name_birth", "old_new_number", "near_number", "sounds_alike"})
        # near misses, which are no duplicates: the same name and birth date in another county, the
        # same name with a number three digits apart and another birth year, a homophone born on
        # another day, another name born the same day in the same county
        zy = [p for p in people[28:] if p.county_id == self.zhaoyang.pk]
        ld = Person.objects.filter(county=self.ludian).first()
        misses = [
            _copy(ld, name=zy[0].name, birth_date=zy[0].birth_date,
                  id_number=make("530621", zy[0].birth_date, 951)),
            _copy(zy[1], birth_date=zy[1].birth_date.replace(year=zy[1].birth_date.year - 3),
                  id_number=make("530602", zy[1].birth_date.replace(year=zy[1].birth_date.year - 3), 953)),
            _copy(zy[2], name="策" + zy[2].name[1:], birth_date=zy[2].birth_date + datetime.timedelta(days=40),
                  id_number=make("530602", zy[2].birth_date + datetime.timedelta(days=40), 955)),
            _copy(zy[3], name="不同的人", id_number=make("530602", zy[3].birth_date, 957)),
        ]
        bulk.insert(Person, misses)
        DuplicatePair.objects.all().delete()  # what entry found: the scan must find it again alone

        result = quality.duplicates_scan()
        found = set(DuplicatePair.objects.values_list("person_a_id", "person_b_id"))
        wanted = {(min(a, b), max(a, b)) for a, b, _basis in planted}
        hits = len(found & wanted)
        precision, recall = hits / len(found), hits / len(wanted)
        print(f"\nduplicate scan on {Person.objects.count()} people, {len(wanted)} planted pairs: "
              f"{len(found)} found, precision {precision:.3f}, recall {recall:.3f} ({result.by_basis})")
        self.assertEqual((precision, recall), (1.0, 1.0))
        self.assertEqual(result.new, len(wanted))

        again = quality.duplicates_scan()  # nothing new, nothing resolved
        self.assertEqual((again.new, again.resolved, again.open), (0, 0, len(wanted)))
        Person.objects.filter(pk=planted[0][1]).update(holds_claim=False)  # withdrawn elsewhere
        self.assertEqual(quality.duplicates_scan().resolved, 1)


class DecideTest(QualityTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.first = cls.complete_one(cls.alice, person_data(name="孙国华", birth=datetime.date(1975, 4, 4)))
        cls.second = cls.complete_one(cls.carol, person_data(name="孙国华", birth=datetime.date(1975, 4, 4), seq=601))
        cls.pair = DuplicatePair.objects.get()
        cls.p1, cls.p2 = cls.first.members.get(), cls.second.members.get()

    @staticmethod
    def complete_one(actor, member):
        app = services.application_create(actor=actor, household={"number": f"Q{member['id_number'][-6:]}",
                                                                  "head_name": member["name"], "township": "北闸镇",
                                                                  "village": "塘房村", "address": "塘房村1号"},
                                          members=[member], documents=list(services.REQUIRED_DOCUMENTS),
                                          received_on=datetime.date(2012, 6, 1))
        return services.application_complete(application=app, actor=actor, on=datetime.date(2012, 6, 8))

    def url(self, pair=None):
        return reverse("quality:duplicate_detail", args=[(pair or self.pair).pk])

    def persons_counted(self):
        return CompletionDaily.objects.filter(county=self.zhaoyang).aggregate(n=Sum("persons"))["n"] or 0

    def test_same_person_withdraws_the_other_completed_application_and_the_figures_follow(self):
        self.assertTrue(GuaranteeCase.objects.filter(application=self.second).exists())
        counted = self.persons_counted()
        self.login(self.dave)
        page = self.client.get(self.url())
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "孙国华", count=None)
        self.assertNotContains(page, self.p1.id_number)
        response = self.client.post(self.url(), {"decision": "same", "keep": self.p1.pk, "note": "同一身份证复印件"})
        self.assertRedirects(response, reverse("quality:duplicates"), fetch_redirect_response=False)
        self.pair.refresh_from_db()
        self.assertEqual((self.pair.state, self.pair.kept_id, self.pair.decided_by), ("same", self.p1.pk, self.dave))
        second = TransferApplication.objects.get(pk=self.second.pk)
        self.assertEqual((second.status, second.completed_on), ("withdrawn", None))
        self.assertEqual(second.events.last().to_status, "withdrawn")
        self.assertIn("同一身份证复印件", second.events.last().note)
        p2 = Person.objects.get(pk=self.p2.pk)
        self.assertEqual((p2.holds_claim, p2.completed_on), (False, None))
        self.assertEqual(self.persons_counted(), counted - 1)
        self.assertFalse(rollup_drift().any)
        self.assertFalse(GuaranteeCase.objects.filter(application=self.second).exists())
        self.assertFalse(Retention.objects.filter(application=self.second).exists())
        self.assertTrue(GuaranteeCase.objects.filter(application=self.first).exists())
        self.assertEqual(TransferApplication.objects.get(pk=self.first.pk).status, "completed")

    def test_different_people_are_never_shown_again(self):
        self.login(self.dave)
        response = self.client.post(self.url(), {"decision": "distinct", "note": ""})
        self.assertEqual(response.status_code, 302)
        self.pair.refresh_from_db()
        self.assertEqual(self.pair.state, "distinct")
        self.assertEqual(quality.duplicates_scan().new, 0)
        self.assertEqual(DuplicatePair.objects.count(), 1)
        listing = self.client.get(reverse("quality:duplicates"))
        self.assertNotContains(listing, self.url())
        quality.duplicates_refresh(application_ids=[self.second.pk])  # a re-check on change neither
        self.assertEqual(DuplicatePair.objects.get().state, "distinct")
        self.assertEqual(TransferApplication.objects.get(pk=self.second.pk).status, "completed")

    def test_same_person_needs_the_record_that_stands_and_a_note(self):
        self.login(self.dave)
        self.assertEqual(self.client.post(self.url(), {"decision": "same", "note": "x"}).status_code, 400)
        self.assertEqual(self.client.post(self.url(), {"decision": "same", "keep": self.p1.pk}).status_code, 400)
        self.assertEqual(DuplicatePair.objects.get().state, "open")

    def test_scoping(self):
        for user, code in ((self.erin, 404), (self.bob, 404), (self.grace, 403)):
            self.login(user)
            self.assertEqual(self.client.get(self.url()).status_code, code, user)
            self.assertEqual(self.client.post(self.url(), {"decision": "distinct"}).status_code, code, user)
        for user in (self.alice, self.frank):  # in scope, but deciding is the county office's
            self.login(user)
            self.assertEqual(self.client.get(self.url()).status_code, 200, user)
            self.assertEqual(self.client.post(self.url(), {"decision": "distinct"}).status_code, 403, user)
        self.login(self.erin)
        self.assertNotContains(self.client.get(reverse("quality:duplicates")), "孙国华")
        self.login(self.dave)
        self.assertContains(self.client.get(reverse("quality:duplicates")), "孙国华")
        self.assertEqual(DuplicatePair.objects.get().state, "open")

    def test_the_other_county_cannot_withdraw_a_record_out_of_its_scope(self):
        ld = services.application_create(
            actor=self.bob, household={"number": "L1", "head_name": "孙国华", "township": "文屏镇", "village": "x",
                                       "address": "x"},
            members=[person_data(area="530621", name="孙国桦", birth=datetime.date(1975, 4, 4), seq=603)],
            received_on=datetime.date(2012, 6, 1))
        cross = DuplicatePair.objects.filter(person_b=ld.members.get()).order_by("pk").first()  # the name sounds the same, one birthday
        self.login(self.erin)
        self.assertEqual(self.client.get(self.url(cross)).status_code, 200)
        keep_mine = ld.members.get().pk
        response = self.client.post(self.url(cross), {"decision": "same", "keep": keep_mine, "note": "x"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "不在本县区", status_code=400)
        cross.refresh_from_db()
        self.assertEqual(cross.state, "open")
        self.assertEqual(TransferApplication.objects.get(pk=cross.person_a.application_id).status, "completed")


class QueueTest(QualityTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.zy = cls.enter_(cls, cls.alice, [born(1998, relation="head")])
        cls.ld = cls.enter_(cls, cls.bob, [born(1998, relation="head", area="530621")])

    def enter_(self, actor, members):
        return QualityTestCase.enter(self, members, actor=actor, confirm=False)

    def test_each_office_sees_its_own_counts_and_findings(self):
        url = reverse("quality:queue")
        self.login(self.dave)
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertEqual(next(c["open"] for c in page.context["counts"] if c["rule"].code == "head_under_16"), 1)
        self.assertContains(page, self.zy.number)
        self.assertNotContains(page, self.ld.number)
        self.login(self.frank)
        page = self.client.get(url)
        self.assertEqual(next(c["open"] for c in page.context["counts"] if c["rule"].code == "head_under_16"), 2)
        page = self.client.get(url, {"county": self.ludian.pk})
        self.assertNotContains(page, self.zy.number)
        self.assertContains(page, self.ld.number)
        self.login(self.carol)  # another station of 昭阳区
        self.assertNotContains(self.client.get(url), self.zy.number)
        self.login(self.alice)
        self.assertContains(self.client.get(url), self.zy.number)
        self.login(self.grace)
        self.assertEqual(self.client.get(url).status_code, 403)

    def test_a_warning_is_let_stand_from_the_queue_and_out_of_scope_is_404(self):
        finding = Finding.objects.get(application=self.zy)
        url = reverse("quality:finding_override", args=[finding.pk])
        self.login(self.erin)
        self.assertEqual(self.client.post(url, {"reason": "x"}).status_code, 404)
        self.login(self.dave)
        self.assertEqual(self.client.post(url, {"reason": "孤儿，已核实"}).status_code, 302)
        finding.refresh_from_db()
        self.assertEqual((finding.override_reason, finding.overridden_by), ("孤儿，已核实", self.dave))
        page = self.client.get(reverse("quality:queue"))
        self.assertNotContains(page, self.zy.number)
        self.assertContains(self.client.get(reverse("quality:queue"), {"overridden": "1"}), self.zy.number)

    def test_the_county_dashboard_shows_the_counts(self):
        self.login(self.dave)
        page = self.client.get(reverse("quotas:county", args=["530602"]), {"year": 2012, "as_of": "2012-10-20"})
        self.assertContains(page, "数据质量问题待改正")
        self.assertEqual(page.content.decode().count('quality-tile'), 1)

    def test_the_nightly_scan_resolves_what_was_fixed_behind_the_services(self):
        Person.objects.filter(application=self.zy).update(relation="other")
        out = io.StringIO()
        call_command("quality_scan", stdout=out)
        self.assertIn("head_under_16: 1 open", out.getvalue())
        self.assertIsNotNone(Finding.objects.get(application=self.zy).resolved_at)
        self.assertIsNone(Finding.objects.get(application=self.ld).resolved_at)

    def test_the_scan_is_in_the_beat_schedule_and_runs_as_a_task(self):
        from quality.tasks import quality_scan_task

        self.assertIn("quality.tasks.quality_scan_task", [e["task"] for e in celery_app.conf.beat_schedule.values()])
        self.assertEqual(quality_scan_task.apply().get(), {"findings": 2, "pairs": 0})
