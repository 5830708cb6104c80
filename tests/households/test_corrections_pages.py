"""The correction flow end to end, on pages and through the API: a direct correction before
completion, a request after it, the county's decision, the history's diff, scoping."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from households.approval_models import CorrectionRequest
from households.forms import correction_forms
from households.models import Person
from nongzhuancheng.masking import mask
from tests.base import CastTestCase, person_data

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form_data(app, **overrides):
    """The correction form as the page sends it, unchanged, then ``overrides`` (prefixed names)."""
    household, members, meta = correction_forms(app)
    data = {}
    for form in (household, *members, meta):
        for name in form.fields:
            if name == "evidence":
                continue
            value = form.initial.get(name)
            data[form.add_prefix(name)] = value.isoformat() if isinstance(value, datetime.date) else (value or "")
    data.update(overrides)
    return data


class CorrectionPagesTest(CastTestCase):
    def setUp(self):
        self.app = self.complete(self.alice, received_on=D(2012, 10, 8), on=D(2012, 10, 12),
                                 members=[person_data(category="migrant_worker", phone="13800000001")])
        self.person = self.app.members.get()

    def test_a_completed_members_category_is_requested_with_evidence_approved_and_shown_as_a_diff(self):
        self.login(self.alice)
        form = self.client.get(reverse("households:application_correct", args=[self.app.pk]))
        self.assertContains(form, "提交更正申请")
        self.assertContains(form, mask(self.person.id_number))
        self.assertNotContains(form, self.person.id_number)
        data = form_data(self.app, **{f"p{self.person.pk}-category": "collective_support", "c-reason": "民政部门证明"})
        data["c-evidence"] = SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")
        response = self.client.post(reverse("households:application_correct", args=[self.app.pk]), data)
        request = CorrectionRequest.objects.get()
        self.assertRedirects(response, reverse("households:correction_detail", args=[request.pk]),
                             fetch_redirect_response=False)
        self.assertEqual(request.changes, {"people": {str(self.person.pk): {
            "category": ["migrant_worker", "collective_support"]}}})
        self.assertEqual((request.evidence_type, request.evidence_name), ("application/pdf", "证明.pdf"))
        self.assertEqual(Person.objects.get(pk=self.person.pk).category, "migrant_worker")
        detail = self.client.get(reverse("households:correction_detail", args=[request.pk]))
        self.assertContains(detail, "进城务工经商人员")
        self.assertContains(detail, reverse("households:correction_move", args=[request.pk, "withdraw"]))
        self.assertNotContains(detail, reverse("households:correction_move", args=[request.pk, "approve"]))

        self.login(self.dave)
        listing = self.client.get(reverse("households:correction_list"), {"state": "requested"})
        self.assertContains(listing, reverse("households:correction_detail", args=[request.pk]))
        evidence = self.client.get(reverse("households:correction_evidence", args=[request.pk]))
        self.assertEqual((evidence.status_code, evidence["Content-Type"]), (200, "application/pdf"))
        self.assertEqual(b"".join(evidence.streaming_content), PDF)
        self.client.post(reverse("households:correction_move", args=[request.pk, "approve"]), {"note": "核实"})
        request.refresh_from_db()
        self.assertEqual(request.state, CorrectionRequest.State.APPROVED)
        self.assertEqual(Person.objects.get(pk=self.person.pk).category, "collective_support")
        page = self.client.get(reverse("households:application_detail", args=[self.app.pk]))
        self.assertContains(page, '<td class="before">进城务工经商人员</td><td class="after">农村集体供养对象</td>',
                            html=True)
        self.assertContains(page, "更正申请 #%d 已批准" % request.pk)

    def test_a_received_application_is_corrected_directly_on_the_page(self):
        app = self.receive(self.alice, head_name="张国华", members=[person_data(phone="13800000001")])
        person = app.members.get()
        self.login(self.alice)
        self.assertContains(self.client.get(reverse("households:application_detail", args=[app.pk])),
                            reverse("households:application_correct", args=[app.pk]))
        response = self.client.post(reverse("households:application_correct", args=[app.pk]), form_data(
            app, **{"household-head_name": "张国强", f"p{person.pk}-phone": "13908700002"}))
        self.assertRedirects(response, reverse("households:application_detail", args=[app.pk]),
                             fetch_redirect_response=False)
        person.refresh_from_db()
        self.assertEqual((person.household.head_name, person.phone), ("张国强", "13908700002"))
        page = self.client.get(reverse("households:application_detail", args=[app.pk]))
        self.assertContains(page, "户主姓名：张国华 → 张国强")
        self.assertContains(page, "联系电话：13800000001 → 13908700002")
        self.assertFalse(CorrectionRequest.objects.exists())

    def test_an_invalid_or_claimed_id_number_is_shown_beside_the_member(self):
        taken = person_data(area="530621")
        self.receive(self.bob, members=[taken])
        self.login(self.alice)
        url = reverse("households:application_correct", args=[self.app.pk])
        wrong_check = self.person.id_number[:17] + ("1" if self.person.id_number[17] == "0" else "0")
        for number, words in ((wrong_check, "校验"), (taken["id_number"], "鲁甸县")):
            with self.subTest(number=number):
                response = self.client.post(url, form_data(self.app, **{f"p{self.person.pk}-id_number": number,
                                                                        "c-reason": "身份证为准"}))
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, words, status_code=400)
                self.assertNotContains(response, taken["id_number"], status_code=400)
        self.assertFalse(CorrectionRequest.objects.exists())

    def test_out_of_scope_is_not_found_on_every_correction_page(self):
        request = self.correct_completed(self.app, requester=self.alice, approver=self.dave,
                                         people={self.person: {"phone": "13900000000"}})
        open_request = CorrectionRequest.objects.create(application=self.app, changes={}, reason="x",
                                                        requested_by=self.alice)
        for user in (self.bob, self.erin, self.carol):
            self.login(user)
            with self.subTest(user=user.username):
                for url, method in (
                    (reverse("households:application_correct", args=[self.app.pk]), "get"),
                    (reverse("households:application_correct", args=[self.app.pk]), "post"),
                    (reverse("households:correction_detail", args=[request.pk]), "get"),
                    (reverse("households:correction_evidence", args=[request.pk]), "get"),
                    (reverse("households:correction_move", args=[open_request.pk, "refuse"]), "post"),
                ):
                    self.assertEqual(getattr(self.client, method)(url).status_code, 404, url)
        open_request.refresh_from_db()
        self.assertEqual(open_request.state, CorrectionRequest.State.REQUESTED)
        self.login(self.frank)  # the city office reads, it does not correct
        self.assertEqual(self.client.get(reverse("households:application_correct", args=[self.app.pk])).status_code, 403)
        self.assertEqual(self.client.get(reverse("households:correction_detail", args=[request.pk])).status_code, 200)


class CorrectionApiTest(CastTestCase):
    def setUp(self):
        self.app = self.complete(self.alice, received_on=D(2012, 10, 8), on=D(2012, 10, 12),
                                 members=[person_data(category="migrant_worker")])
        self.person = self.app.members.get()

    def api(self, user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    def test_request_evidence_approve_and_the_history(self):
        clerk, county = self.api(self.alice), self.api(self.dave)
        url = f"/api/v1/applications/{self.app.pk}/correct/"
        r = clerk.post(url, {"members": [{"id": self.person.pk, "fields": {"category": "veteran"}}]}, format="json")
        self.assertEqual(r.status_code, 400)  # the reason
        self.assertIn("reason", r.json())
        r = clerk.post(url, {"members": [{"id": self.person.pk, "fields": {"category": "veteran"}}],
                             "completed_on": "2012-10-09", "reason": "退役证为准"}, format="json")
        self.assertEqual(r.status_code, 201, r.content)
        body = r.json()
        self.assertEqual((body["state"], body["allowed_moves"], body["has_evidence"]), ("requested", ["withdraw"], False))
        self.assertEqual({(line["name"], line["before"], line["after"]) for line in body["lines"]},
                         {("category", "进城务工经商人员", "农村籍退役士兵"), ("completed_on", "2012-10-12", "2012-10-09")})
        pk = body["id"]
        r = clerk.post(f"/api/v1/corrections/{pk}/evidence/",
                       {"evidence": SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")}, format="multipart")
        self.assertEqual((r.status_code, r.json()["has_evidence"]), (200, True))
        r = clerk.post(f"/api/v1/corrections/{pk}/evidence/",
                       {"evidence": SimpleUploadedFile("a.pdf", b"MZ not a scan", content_type="application/pdf")},
                       format="multipart")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(clerk.post(f"/api/v1/corrections/{pk}/move/", {"move": "approve"}, format="json").status_code, 403)
        self.assertEqual(self.api(self.erin).get(f"/api/v1/corrections/{pk}/").status_code, 404)
        self.assertEqual(self.api(self.erin).post(f"/api/v1/corrections/{pk}/move/", {"move": "approve"},
                                                  format="json").status_code, 404)
        self.assertEqual([c["id"] for c in county.get("/api/v1/corrections/?state=requested").json()["results"]], [pk])
        r = county.post(f"/api/v1/corrections/{pk}/move/", {"move": "approve", "note": "核实"}, format="json")
        self.assertEqual((r.status_code, r.json()["state"]), (200, "approved"))
        person = Person.objects.get(pk=self.person.pk)
        self.assertEqual((person.category, person.completed_on), ("veteran", D(2012, 10, 9)))
        events = county.get(f"/api/v1/applications/{self.app.pk}/events/").json()
        self.assertIn("农村籍退役士兵", events[-1]["note"])
        self.assertEqual(county.get("/api/v1/corrections/?state=requested").json()["results"], [])

    def test_a_direct_correction_before_completion_and_out_of_scope(self):
        app = self.receive(self.alice)
        person = app.members.get()
        url = f"/api/v1/applications/{app.pk}/correct/"
        r = self.api(self.alice).post(url, {"household": {"head_name": "李四"},
                                            "members": [{"id": person.pk, "fields": {"occupation": "务工"}}]},
                                      format="json")
        self.assertEqual((r.status_code, r.json()["status"]), (200, "received"))
        self.assertEqual(Person.objects.get(pk=person.pk).occupation, "务工")
        r = self.api(self.alice).post(url, {"members": [{"id": person.pk, "fields": {"id_number": "123"}}]},
                                      format="json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("id_number", r.json()["members"][str(person.pk)])
        self.assertEqual(self.api(self.bob).post(url, {"household": {"head_name": "x"}}, format="json").status_code, 404)
        self.assertEqual(self.api(self.frank).post(url, {"household": {"head_name": "x"}}, format="json").status_code, 403)
