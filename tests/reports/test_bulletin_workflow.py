"""Requesting bulletins: idempotence, scoping, re-issues with their diff, the embedded eager mode."""

import datetime
import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from households import services as household_services
from nongzhuancheng.celery import app
from nongzhuancheng.models import County
from nongzhuancheng.periods import Period
from nongzhuancheng.workflow import TransitionNotAllowed, transition
from reports import selectors, services
from reports.models import Bulletin
from reports.tasks import bulletin_issue_for_last_period_task
from tests.base import person_data
from tests.reports.test_bulletin_scenario import PERIOD, BulletinScenarioTestCase, MediaMixin


class BulletinIdempotenceTest(BulletinScenarioTestCase):
    def test_the_scheduled_task_run_twice_gives_one_bulletin_per_scope(self):
        bulletin_issue_for_last_period_task.apply(kwargs={"period": PERIOD.key})
        bulletin_issue_for_last_period_task.apply(kwargs={"period": PERIOD.key})
        self.assertEqual(Bulletin.objects.count(), 12)  # the city and each of the 11 counties
        self.assertEqual(Bulletin.objects.filter(scope="city").count(), 1)
        self.assertEqual(set(Bulletin.objects.values_list("revision", flat=True)), {1})

    def test_the_beat_entry_names_the_task_for_the_period_just_ended(self):
        entry = app.conf.beat_schedule["bulletin-for-period-just-ended"]
        self.assertEqual(entry["task"], "reports.tasks.bulletin_issue_for_last_period_task")
        bulletin_issue_for_last_period_task.apply(kwargs={"today": "2012-10-21"})
        city = Bulletin.objects.get(scope="city")
        self.assertEqual((city.period, city.as_of, city.preview), (PERIOD, datetime.date(2012, 10, 20), False))

    def test_asking_twice_for_an_ended_period_returns_the_same_bulletin(self):
        first, created = services.bulletin_request(period=PERIOD, actor=self.frank)
        again, created_again = services.bulletin_request(period=PERIOD, actor=self.frank)
        self.assertEqual((first.pk, created, created_again), (again.pk, True, False))

    def test_a_preview_of_the_current_period_reads_up_to_today(self):
        bulletin, _ = services.bulletin_request(period=PERIOD, actor=self.frank, today=datetime.date(2012, 10, 15))
        self.assertTrue(bulletin.preview)
        self.assertEqual(bulletin.as_of, datetime.date(2012, 10, 15))

    def test_a_period_not_yet_started_is_refused(self):
        with self.assertRaises(ValueError):
            services.bulletin_request(period=Period(2012, 11, 1), today=datetime.date(2012, 10, 25))


class BulletinScopingTest(BulletinScenarioTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.city = Bulletin.objects.create(year=2012, month=10, part=2, issue_number=29, as_of=PERIOD.end,
                                           state=Bulletin.State.ISSUED, pdf="bulletins/2012/x.pdf")
        cls.zy = Bulletin.objects.create(year=2012, month=10, part=2, issue_number=29, as_of=PERIOD.end,
                                         scope="530602", county=cls.zhaoyang)
        cls.ld = Bulletin.objects.create(year=2012, month=10, part=2, issue_number=29, as_of=PERIOD.end,
                                         scope="530621", county=cls.ludian, state=Bulletin.State.ISSUED,
                                         pdf="bulletins/2012/y.pdf")

    def test_a_county_officer_sees_the_city_bulletins_and_their_own_county(self):
        self.login(self.dave)
        response = self.client.get("/reports/")
        self.assertEqual({b.pk for b in response.context["bulletins"]}, {self.city.pk, self.zy.pk})
        self.assertEqual(self.client.get(f"/reports/bulletins/{self.zy.pk}/").status_code, 200)

    def test_a_county_officer_cannot_open_or_download_another_countys_bulletin(self):
        self.login(self.dave)
        self.assertEqual(self.client.get(f"/reports/bulletins/{self.ld.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/reports/bulletins/{self.ld.pk}/pdf/").status_code, 404)
        self.assertEqual(self.client.get(f"/api/v1/bulletins/{self.ld.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"/api/v1/bulletins/{self.ld.pk}/pdf/").status_code, 404)
        ids = {row["id"] for row in self.client.get("/api/v1/bulletins/").json()["results"]}
        self.assertEqual(ids, {self.city.pk, self.zy.pk})

    def test_a_county_officer_may_ask_only_for_their_own_county_bulletin(self):
        self.login(self.dave)
        response = self.client.post("/reports/bulletins/request/", {"period": "2012-10-2", "county": "530621"})
        self.assertEqual(response.status_code, 404)
        response = self.client.post("/reports/bulletins/request/", {"period": "2012-10-2", "county": ""})
        self.assertEqual(response.status_code, 403)
        response = self.client.post("/reports/bulletins/request/",
                                    {"period": "2012-10-2", "county": "530602", "reissue": "1"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Bulletin.objects.filter(scope="530602").count(), 2)

    def test_a_clerk_cannot_ask_for_a_bulletin(self):
        self.login(self.alice)
        response = self.client.post("/api/v1/bulletins/request/", {"period": "2012-10-2"})
        self.assertEqual(response.status_code, 403)

    def test_the_city_reader_sees_every_bulletin(self):
        self.login(self.frank)
        self.assertEqual(self.client.get("/api/v1/bulletins/").json()["count"], 3)
        self.assertEqual(self.client.get(f"/reports/bulletins/{self.ld.pk}/").status_code, 200)

    def test_the_list_page_takes_a_fixed_number_of_queries(self):
        self.login(self.dave)
        self.client.get("/reports/")
        # session, user, assignment, count, rows, target years, bulletin years, the counties the form offers
        with self.assertNumQueries(8):
            response = self.client.get("/reports/")
        self.assertEqual(response.status_code, 200)

    def test_a_bulletin_without_its_pdf_yet_answers_404_for_the_download(self):
        self.login(self.dave)
        self.assertEqual(self.client.get(f"/reports/bulletins/{self.zy.pk}/pdf/").status_code, 404)


class BulletinRequestScopeTest(BulletinScenarioTestCase):
    """Who may ask for which bulletin is one rule (reports.selectors), read by the service, the page
    and the API alike."""

    def test_the_scopes_follow_the_policy_and_the_users_place(self):
        self.assertEqual(selectors.bulletin_scopes_requestable(user=self.frank), [None, *County.objects.all()])
        self.assertEqual(selectors.bulletin_scopes_requestable(user=self.root), [None, *County.objects.all()])
        self.assertEqual(selectors.bulletin_scopes_requestable(user=self.dave), [self.zhaoyang])
        for user in (self.alice, self.grace):
            self.assertEqual(selectors.bulletin_scopes_requestable(user=user), [])

    def test_a_county_officer_cannot_ask_for_another_countys_bulletin_through_the_service(self):
        with self.assertRaises(PermissionDenied):
            services.bulletin_request(period=PERIOD, county=self.ludian, actor=self.dave)
        with self.assertRaises(PermissionDenied):
            services.bulletin_request(period=PERIOD, county=None, actor=self.dave)
        self.assertFalse(Bulletin.objects.exists())
        bulletin, created = services.bulletin_request(period=PERIOD, county=self.zhaoyang, actor=self.dave)
        self.assertEqual((bulletin.scope, created), ("530602", True))

    def test_a_county_officer_cannot_ask_for_another_countys_bulletin_through_the_page_or_the_api(self):
        self.login(self.dave)
        page = self.client.post("/reports/bulletins/request/", {"period": "2012-10-2", "county": "530621"})
        api = self.client.post("/api/v1/bulletins/request/", {"period": "2012-10-2", "county": "530621"},
                               content_type="application/json")
        self.assertEqual((page.status_code, api.status_code), (404, 404))
        page = self.client.post("/reports/bulletins/request/", {"period": "2012-10-2", "county": ""})
        api = self.client.post("/api/v1/bulletins/request/", {"period": "2012-10-2"}, content_type="application/json")
        self.assertEqual((page.status_code, api.status_code), (403, 403))
        self.assertFalse(Bulletin.objects.exists())

    def test_a_role_that_may_not_ask_for_bulletins_is_refused_whatever_the_county(self):
        self.login(self.alice)
        page = self.client.post("/reports/bulletins/request/", {"period": "2012-10-2", "county": "530602"})
        api = self.client.post("/api/v1/bulletins/request/", {"period": "2012-10-2", "county": "530602"},
                               content_type="application/json")
        self.assertEqual((page.status_code, api.status_code), (403, 403))
        self.assertFalse(Bulletin.objects.exists())


class BulletinMoveTableTest(MediaMixin, BulletinScenarioTestCase):
    def media_files(self):
        return sorted(str(p.relative_to(settings.MEDIA_ROOT)) for p in Path(settings.MEDIA_ROOT).rglob("*.pdf"))

    def bulletin(self, state, revision=1):
        return Bulletin.objects.create(year=2012, month=10, part=2, issue_number=29, as_of=PERIOD.end, state=state,
                                       revision=revision)

    def test_the_table_holds_every_move_of_a_bulletin(self):
        S = Bulletin.State
        self.assertEqual(Bulletin.WORKFLOW.transitions, {
            S.QUEUED: {S.RENDERING},
            S.RENDERING: {S.RENDERING, S.ISSUED, S.FAILED},
            S.FAILED: {S.RENDERING},
            S.ISSUED: set(),
        })
        self.assertEqual([m.action for m in Bulletin.WORKFLOW], [None] * 4)  # the system's moves only

    def test_it_refuses_a_move_not_in_the_table(self):
        issued = self.bulletin(Bulletin.State.ISSUED)
        for to in (Bulletin.State.RENDERING, Bulletin.State.FAILED, Bulletin.State.QUEUED):
            with self.assertRaises(TransitionNotAllowed):
                services.bulletin_move(bulletin=issued, to=to)
        queued = self.bulletin(Bulletin.State.QUEUED, revision=2)
        with self.assertRaises(TransitionNotAllowed):
            services.bulletin_move(bulletin=queued, to=Bulletin.State.ISSUED, sha256="x")
        with self.assertRaises(TransitionNotAllowed):
            transition(workflow=Bulletin.WORKFLOW, move="issue", obj=queued, queryset=Bulletin.objects)
        issued.refresh_from_db()
        queued.refresh_from_db()
        self.assertEqual((issued.state, queued.state, queued.sha256), ("issued", "queued", ""))

    def test_a_run_that_finds_the_bulletin_issued_by_another_leaves_that_issue_and_its_file(self):
        bulletin, _ = services.bulletin_request(period=PERIOD)
        original = services._pdf_bytes

        def other_run_issues_first(html):
            services.bulletin_move(bulletin=bulletin, to=Bulletin.State.ISSUED, pdf="bulletins/2012/other.pdf",
                                   sha256="other")
            return original(html)

        services._pdf_bytes = other_run_issues_first
        files_before = self.media_files()
        try:
            result = services.bulletin_render(bulletin=bulletin)
        finally:
            services._pdf_bytes = original
        self.assertEqual((result.state, result.sha256, result.pdf.name), ("issued", "other", "bulletins/2012/other.pdf"))
        self.assertEqual(result.attempts, 1)
        self.assertEqual(self.media_files(), files_before)  # this run's file is gone again


    def test_a_run_that_finds_the_bulletin_failed_by_another_raises_so_the_task_retries_it(self):
        bulletin, _ = services.bulletin_request(period=PERIOD)
        original = services._pdf_bytes

        def other_run_fails_first(html):
            services.bulletin_move(bulletin=bulletin, to=Bulletin.State.FAILED, error="OSError: disk full")
            return original(html)

        services._pdf_bytes = other_run_fails_first
        files_before = self.media_files()
        try:
            with self.assertRaises(services.BulletinRenderError):
                services.bulletin_render(bulletin=bulletin)
        finally:
            services._pdf_bytes = original
        self.assertEqual((bulletin.state, bulletin.error, bulletin.pdf.name), ("failed", "OSError: disk full", ""))
        self.assertEqual(self.media_files(), files_before)
        services.bulletin_render(bulletin=bulletin)  # the retry
        self.assertEqual((bulletin.state, bulletin.attempts, bulletin.error), ("issued", 2, ""))

class BulletinReissueTest(MediaMixin, BulletinScenarioTestCase):
    def test_a_reissue_is_a_new_revision_and_its_page_shows_what_changed(self):
        first, _ = services.bulletin_request(period=PERIOD, actor=self.frank)
        services.bulletin_render(bulletin=first)
        first.refresh_from_db()
        # a late-entered transfer of 10-18 in 鲁甸县
        app = self.receive(self.bob, received_on=datetime.date(2012, 10, 18), members=[person_data(area="530621")])
        household_services.application_complete(application=app, actor=self.bob, on=datetime.date(2012, 10, 18))

        self.login(self.frank)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/reports/bulletins/request/",
                                        {"period": "2012-10-2", "county": "", "reissue": "1"})
        second = Bulletin.objects.get(scope="city", revision=2)
        self.assertRedirects(response, f"/reports/bulletins/{second.pk}/")
        self.assertEqual(second.state, Bulletin.State.ISSUED)
        first.refresh_from_db()
        self.assertEqual((first.figures["cumulative"], second.figures["cumulative"]), (7, 8))
        self.assertNotEqual(first.sha256, second.sha256)
        self.assertTrue(first.pdf.storage.exists(first.pdf.name))

        page = self.client.get(f"/reports/bulletins/{second.pk}/")
        changes = {what: (before, after) for what, before, after in page.context["changes"]}
        self.assertEqual(changes["全市累计完成"], (7, 8))
        self.assertEqual(changes["全市完成率"], ("87.5%", "100.0%"))
        self.assertEqual(changes["鲁甸县累计完成"], (2, 3))
        self.assertEqual(changes["鲁甸县完成率"], ("50.0%", "75.0%"))
        self.assertNotIn("昭阳区累计完成", changes)
        self.assertContains(page, "与第1版相比的变化")
        self.assertContains(page, "2012年第29期（第2版，")


class BulletinEagerModeTest(MediaMixin, BulletinScenarioTestCase):
    def test_without_redis_a_request_makes_the_bulletin_in_process(self):
        self.assertTrue(app.conf.task_always_eager)
        self.login(self.frank)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post("/reports/bulletins/request/", {"period": "2012-10-2", "county": "530602"})
        bulletin = Bulletin.objects.get()
        self.assertEqual((bulletin.state, bulletin.scope, bulletin.figures["cumulative"]),
                         (Bulletin.State.ISSUED, "530602", 5))
        response = self.client.get("/reports/")
        self.assertContains(response, "2012年第29期")
        self.assertContains(response, f"/reports/bulletins/{bulletin.pk}/pdf/")

    def test_the_api_asks_for_a_bulletin_and_lists_it(self):
        self.login(self.frank)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/api/v1/bulletins/request/", {"period": "2012-10-2"},
                                        content_type="application/json")
        self.assertEqual(response.status_code, 201)
        detail = self.client.get(f"/api/v1/bulletins/{response.json()['id']}/").json()
        self.assertEqual((detail["state"], detail["period_label"], detail["figures"]["rate"]),
                         ("issued", "2012年10月中旬", "87.5%"))
        self.assertTrue(detail["pdf_url"].endswith(f"/api/v1/bulletins/{detail['id']}/pdf/"))


class SeedDemoBulletinsTest(MediaMixin, BulletinScenarioTestCase):
    def test_it_issues_the_city_bulletins_up_to_the_report_date_and_skips_them_the_second_time(self):
        out = io.StringIO()
        call_command("seed_demo_bulletins", periods=2, stdout=out)
        self.assertIn("2 issued, 0 already there", out.getvalue())
        issued = Bulletin.objects.filter(state=Bulletin.State.ISSUED, scope="city")
        self.assertEqual(sorted(b.issue_number for b in issued), [28, 29])
        self.assertEqual(issued.get(issue_number=29).figures["cumulative"], 7)
        call_command("seed_demo_bulletins", periods=2, stdout=out)
        self.assertIn("0 issued, 2 already there", out.getvalue())
        self.assertEqual(Bulletin.objects.count(), 2)
