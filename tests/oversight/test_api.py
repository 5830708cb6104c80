"""The supervision API: problems raised and moved, revisions read; out of scope answers 404."""

from django.urls import reverse

from oversight.models import Problem

from .test_pages_and_scoping import PagesTestCase


class ProblemApiTest(PagesTestCase):
    def test_a_county_raises_and_lists_its_own_problems(self):
        self.login(self.dave)
        response = self.client.post(reverse("oversight-problem-list"), {"title": "库区移民有顾虑", "description": "观望"})
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["county"], self.zhaoyang.pk)
        titles = {p["title"] for p in self.client.get(reverse("oversight-problem-list")).json()["results"]}
        self.assertEqual(titles, {"城镇建设规模小", "库区移民有顾虑"})

    def test_a_problem_out_of_scope_is_not_found_to_read_or_move(self):
        self.login(self.dave)
        self.assertEqual(self.client.get(reverse("oversight-problem-detail", args=[self.ld_problem.pk])).status_code, 404)
        url = reverse("oversight-problem-move", args=[self.ld_problem.pk])
        self.assertEqual(self.client.post(url, {"move": "reopen", "note": "x"}).status_code, 404)

    def test_the_city_office_answers_and_a_county_may_not(self):
        url = reverse("oversight-problem-move", args=[self.zy_problem.pk])
        self.login(self.dave)
        self.assertEqual(self.client.post(url, {"move": "answer", "note": "答复"}).status_code, 403)
        self.login(self.olga)
        self.assertEqual(self.client.post(url, {"move": "answer", "note": ""}).status_code, 400)
        response = self.client.post(url, {"move": "answer", "note": "已答复"})
        self.assertEqual((response.status_code, response.json()["state"]), (200, "answered"))
        self.assertEqual(self.client.post(url, {"move": "assign"}).status_code, 400)  # not from answered
        self.assertEqual(Problem.objects.get(pk=self.zy_problem.pk).answer, "已答复")

    def test_an_anonymous_client_is_refused(self):
        self.assertIn(self.client.get(reverse("oversight-problem-list")).status_code, (401, 403))


class RevisionApiTest(PagesTestCase):
    def test_a_county_reads_only_its_own_published_revisions(self):
        self.login(self.dave)
        rows = self.client.get(reverse("oversight-revision-list")).json()["results"]
        self.assertEqual([(r["holder"], r["number"], r["state"]) for r in rows], [("昭阳区", 1, "published")])
        for revision in (self.ld, self.zy_draft):
            with self.subTest(revision=revision.pk):
                url = reverse("oversight-revision-detail", args=[revision.pk])
                self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.olga)
        self.assertEqual(self.client.get(reverse("oversight-revision-list")).json()["count"], 3)
