"""The supervision pages: each renders for each post; out of scope answers 404, a role without the
action 403, an anonymous visitor is sent to sign in; every URL of the app uses the scoping mixins."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from nongzhuancheng.models import County
from nongzhuancheng.scoping import ActionRequiredMixin
from oversight import services
from oversight.models import AssessmentRevision, Group, Problem, PublicityRecord, Rule
from tests.base import CastTestCase

from .scenario import D, office_user


class PagesTestCase(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.olga = office_user("olga")
        cls.scheme = services.scheme_create(actor=cls.root, year=2012, group=Group.COUNTY, as_of=D(2012, 10, 20))
        cls.zy = services.assessment_start(scheme=cls.scheme, holder=cls.zhaoyang, actor=cls.root)
        cls.ld = services.assessment_start(scheme=cls.scheme, holder=cls.ludian, actor=cls.root)
        for revision in (cls.zy, cls.ld):
            services.revision_move(revision=revision, move="review", actor=cls.olga)
            services.revision_move(revision=revision, move="publish", actor=cls.olga)
        cls.zy_draft = services.assessment_correct(revision=cls.zy, actor=cls.olga, reason="更正")
        cls.zy_problem = services.problem_raise(actor=cls.dave, title="城镇建设规模小", description="难以承载",
                                                raised_on=D(2012, 10, 8))
        cls.ld_problem = services.problem_raise(actor=cls.erin, title="体制机制不够顺", description="无编制",
                                                raised_on=D(2012, 10, 8))
        services.publicity_record(actor=cls.dave, held_on=D(2012, 4, 1), media_campaigns=3, onsite_events=9,
                                  leaflets=1000)


class PagesRenderTest(PagesTestCase):
    def pages(self):
        return [
            reverse("oversight:overview"), reverse("oversight:scheme_detail", args=[self.scheme.pk]),
            reverse("oversight:revision_detail", args=[self.zy.pk]),
            reverse("oversight:publicity") + "?start=2012-01-01&end=2012-12-31",
            reverse("oversight:funding") + "?year=2012", reverse("oversight:problem_list") + "?show=all",
            reverse("oversight:problem_detail", args=[self.zy_problem.pk]),
        ]

    def test_every_page_renders_for_the_city_office_the_county_and_the_member_unit(self):
        for user in (self.root, self.olga, self.frank, self.dave):
            self.login(user)
            for url in self.pages():
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)
        self.login(self.grace)
        for url in (reverse("oversight:overview"), reverse("oversight:problem_list"), reverse("oversight:publicity")):
            self.assertEqual(self.client.get(url).status_code, 200)

    def test_an_anonymous_visitor_is_sent_to_sign_in(self):
        for url in self.pages():
            with self.subTest(url=url):
                self.assertRedirects(self.client.get(url), reverse("login") + "?next=" + url.replace("?", "%3F")
                                     .replace("&", "%26").replace("=", "%3D"), fetch_redirect_response=False)

    def test_the_notice_pdf_is_served(self):
        self.login(self.olga)
        response = self.client.get(reverse("oversight:scheme_pdf", args=[self.scheme.pk]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))

    def test_the_city_office_scores_with_evidence_through_the_page(self):
        self.login(self.olga)
        item = self.scheme.items.get(rule=Rule.MANUAL, label="组织领导")
        url = reverse("oversight:revision_score", args=[self.zy_draft.pk, item.pk])
        evidence = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
        self.client.post(url, {"score": "7.5", "comment": "专题会议", "evidence": evidence})
        self.assertEqual(self.zy_draft.scores.get(item=item).score, 7.5)
        fake = SimpleUploadedFile("纪要.pdf", b"<html>", content_type="application/pdf")
        response = self.client.post(url, {"score": "6", "comment": "x", "evidence": fake}, follow=True)
        self.assertContains(response, "佐证材料必须是 PDF、JPG 或 PNG 文件。")
        self.assertEqual(self.zy_draft.scores.get(item=item).score, 7.5)

    def test_moves_are_made_from_the_pages(self):
        self.login(self.olga)
        self.client.post(reverse("oversight:revision_move", args=[self.zy_draft.pk, "review"]))
        self.assertEqual(AssessmentRevision.objects.get(pk=self.zy_draft.pk).state, "reviewed")
        self.client.post(reverse("oversight:problem_move", args=[self.zy_problem.pk, "assign"]),
                         {"assigned_to": self.housing.pk})
        self.client.post(reverse("oversight:problem_move", args=[self.zy_problem.pk, "answer"]), {"note": "已协调"})
        problem = Problem.objects.get(pk=self.zy_problem.pk)
        self.assertEqual((problem.state, problem.assigned_to, problem.answer), ("answered", self.housing, "已协调"))

    def test_a_county_raises_a_problem_and_records_publicity_for_itself_only(self):
        self.login(self.dave)
        response = self.client.post(reverse("oversight:problem_new"), {"title": "转户群众有顾虑", "description": "观望"})
        problem = Problem.objects.get(title="转户群众有顾虑")
        self.assertRedirects(response, reverse("oversight:problem_detail", args=[problem.pk]))
        self.assertEqual(problem.county, self.zhaoyang)
        response = self.client.post(reverse("oversight:publicity"), {
            "held_on": "2012-05-01", "media_campaigns": 1, "onsite_events": 2, "leaflets": 300, "description": "赶集日",
            "county": self.ludian.pk,  # not offered to a county: ignored
        })
        self.assertEqual(response.status_code, 302)
        self.assertEqual(PublicityRecord.objects.get(description="赶集日").county, self.zhaoyang)
        with self.assertRaises(County.DoesNotExist):
            services.publicity_record(actor=self.dave, held_on=D(2012, 5, 2), county=self.ludian)


class ScopingTest(PagesTestCase):
    def test_a_county_sees_only_its_own_published_revisions(self):
        self.login(self.dave)
        self.assertEqual(self.client.get(reverse("oversight:revision_detail", args=[self.zy.pk])).status_code, 200)
        for revision in (self.ld, self.zy_draft):
            with self.subTest(revision=revision.pk):
                url = reverse("oversight:revision_detail", args=[revision.pk])
                self.assertEqual(self.client.get(url).status_code, 404)
        response = self.client.get(reverse("oversight:scheme_detail", args=[self.scheme.pk]))
        self.assertContains(response, "昭阳区")
        self.assertNotContains(response, "鲁甸县")

    def test_problems_of_another_county_or_not_assigned_to_the_unit_are_not_found(self):
        self.login(self.dave)
        self.assertEqual(self.client.get(reverse("oversight:problem_detail", args=[self.ld_problem.pk])).status_code, 404)
        self.login(self.grace)
        url = reverse("oversight:problem_detail", args=[self.zy_problem.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        services.problem_move(problem=self.zy_problem, move="assign", actor=self.olga, assigned_to=self.housing)
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_a_move_on_a_problem_out_of_scope_is_not_found(self):
        services.problem_move(problem=self.ld_problem, move="answer", actor=self.olga, note="答复")
        self.login(self.dave)
        url = reverse("oversight:problem_move", args=[self.ld_problem.pk, "reopen"])
        self.assertEqual(self.client.post(url, {"note": "不满意"}).status_code, 404)
        self.assertEqual(Problem.objects.get(pk=self.ld_problem.pk).state, "answered")

    def test_a_role_without_the_action_is_refused(self):
        self.login(self.dave)
        self.assertEqual(self.client.post(reverse("oversight:scheme_start", args=[self.scheme.pk])).status_code, 403)
        self.assertEqual(self.client.post(reverse("oversight:revision_move", args=[self.zy_draft.pk, "review"]))
                         .status_code, 403)
        self.login(self.alice)  # a clerk raises no problems
        self.assertEqual(self.client.get(reverse("oversight:problem_new")).status_code, 403)

    def test_publicity_totals_are_the_users_own(self):
        self.login(self.erin)
        response = self.client.get(reverse("oversight:publicity") + "?start=2012-01-01&end=2012-12-31")
        self.assertNotContains(response, "昭阳区")
        self.login(self.dave)
        response = self.client.get(reverse("oversight:publicity") + "?start=2012-01-01&end=2012-12-31")
        self.assertContains(response, "昭阳区")

    def test_every_url_of_the_app_uses_the_scoping_mixins(self):
        resolver = get_resolver().url_patterns
        oversight = next(p for p in resolver if getattr(p, "namespace", None) == "oversight")
        offenders = [p.name for p in oversight.url_patterns
                     if not issubclass(p.callback.view_class, ActionRequiredMixin)
                     or not (getattr(p.callback.view_class, "scoped", False)
                             or getattr(p.callback.view_class, "shows_no_scoped_rows", False)
                             or hasattr(p.callback.view_class, "get_queryset") and p.callback.view_class.model)]
        self.assertEqual(offenders, [])
