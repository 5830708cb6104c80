"""Need-to-know, the fields: a member unit sees only the fields its cases need (scoping.visible_fields)
on every surface it reaches people on: pages, the API, inline and background exports. A county office
still sees every field.

One completed family (head, spouse, a child of 10, a child of 17) carries distinctive values in every
field that some unit must not see; each unit walks every surface and the whole text it was answered
is searched for them."""

import datetime
import json as jsonlib
import tempfile
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from households import attachments, export_jobs, services
from households.export_models import ExportJob
from households.models import Person
from households.reference import REQUIRED_DOCUMENTS
from nongzhuancheng import roles
from nongzhuancheng.models import MemberUnit
from nongzhuancheng.scoping import visible_fields
from tests.base import CastTestCase, household_data, make_user, person_data

ON = datetime.date(2026, 9, 1)
INCOME_BEFORE, INCOME = "11111.11", "12345.67"  # corrected once: the history and the correction hold both
PHONES = ("13912345678", "13987654321")
NOTE = "窗口备注只给派出所看"
ADDRESS = "灯笼巷七十七号"
VILLAGE = "青岗岭村"
HEAD_NAME = "户主张大山"
DESTINATION = "龙泉路八十八号新居"
OCCUPATION = "木匠师傅"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"  # a scan of the household register
MEDIA = tempfile.mkdtemp(prefix="nzc-need-to-know-media-")
NAMES = {"head": "甲一山", "spouse": "乙二水", "child10": "丙三木", "child17": "丁四林"}

# what each domain must see (beyond name, masked number, sex, age, county, station, category, dates)
SEES = {
    "housing": {ADDRESS, VILLAGE, HEAD_NAME, DESTINATION},
    "hrss": {OCCUPATION},
    "health": set(),
    "education": {DESTINATION},
    "family_planning": set(),
    "land": {ADDRESS, VILLAGE, HEAD_NAME},
    "forestry": {VILLAGE, HEAD_NAME},
    "agriculture": {VILLAGE, HEAD_NAME},
}
NOBODY_BUT_PLACES = {INCOME_BEFORE, INCOME, *PHONES, NOTE}
FIELD_VALUES = {ADDRESS, VILLAGE, HEAD_NAME, DESTINATION, OCCUPATION}
# whose cases each domain has (the allocation of entitlements.services): the others are not on its surfaces
PEOPLE = {
    "housing": {"head"},  # the household's flat is requested for the head, not needed for the others
    "hrss": {"head", "spouse", "child17"},  # pension and employment: working age (16 and over)
    "health": set(NAMES),
    "education": {"child10"},  # school age (6-15)
    "family_planning": set(NAMES), "land": set(NAMES), "forestry": set(NAMES), "agriculture": set(NAMES),
}


class NeedToKnowFieldsTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        area = cls.zhaoyang.code

        def member(key, birth, relation, male=True, phone=""):
            return person_data(area=area, birth=birth, relation=relation, male=male, name=NAMES[key],
                               occupation=OCCUPATION, destination_address=DESTINATION, phone=phone)

        members = [
            member("head", datetime.date(1979, 5, 2), "head", phone=PHONES[0]),
            member("spouse", datetime.date(1981, 8, 9), "spouse", male=False, phone=PHONES[1]),
            member("child10", datetime.date(2016, 8, 1), "child"),
            member("child17", datetime.date(2009, 9, 1), "child", male=False),
        ]
        app = services.application_create(
            actor=cls.alice, members=members, documents=REQUIRED_DOCUMENTS, received_on=ON, note=NOTE,
            household=household_data(head_name=HEAD_NAME, village=VILLAGE, address=ADDRESS,
                                     annual_income=Decimal(INCOME_BEFORE), income_source="business"),
        )
        app = services.application_complete(application=app, actor=cls.alice, on=ON)
        cls.correct_completed(app, requester=cls.alice, approver=cls.dave,
                              household={"annual_income": Decimal(INCOME)})
        with override_settings(MEDIA_ROOT=MEDIA):
            cls.scan = attachments.attachment_add(application=app, kind="hukou_book", actor=cls.alice,
                                                  upload=SimpleUploadedFile("hukou.pdf", PDF, "application/pdf"))
        cls.app = app
        cls.people = {key: app.members.get(name=name) for key, name in NAMES.items()}
        cls.units = {
            domain: make_user(f"unit_{domain}", roles.MEMBER_UNIT, member_unit=MemberUnit.objects.get(code=domain))
            for domain in SEES
        }

    def walk(self, user):
        """Every surface a user reaches this family on, as one text, and the API's JSON answers."""
        self.login(user)
        api = APIClient()
        api.force_authenticate(user)
        visible = list(Person.objects.for_user(user).filter(application=self.app).order_by("id"))
        texts, answers = {}, {}

        def page(url, **query):
            response = self.client.get(url, query)
            self.assertEqual(response.status_code, 200, url)
            text = response.content.decode("utf-8-sig")
            if response["Content-Type"].startswith("application/json"):  # Chinese unescaped, to be searched
                text = jsonlib.dumps(response.json(), ensure_ascii=False)
            texts[f"{url}?{query}"] = text

        def json(name, url, **query):
            response = api.get(url, query)
            self.assertEqual(response.status_code, 200, url)
            answers[name] = response.json()
            texts[url] = response.content.decode()

        page(reverse("households:application_detail", args=[self.app.pk]))
        page(reverse("households:application_receipt", args=[self.app.pk]))
        page(reverse("households:application_list"))
        page(reverse("households:correction_list"))
        page(reverse("public:application_notices", args=[self.app.pk]))
        page(reverse("households:household_lookup"), number=self.app.household.number, station=self.app.station_id)
        page(reverse("entitlements:queue"))
        page(reverse("entitlements:queue"), format="csv")
        for person in visible:
            page(reverse("entitlements:person", args=[person.pk]))
        page(reverse("imports:export_people"), format="csv")
        page(reverse("imports:export_applications"), format="csv")
        json("applications", "/api/v1/applications/")
        json("application", f"/api/v1/applications/{self.app.pk}/")
        json("people", "/api/v1/people/")
        json("households", "/api/v1/households/")
        json("household", f"/api/v1/households/{self.app.household_id}/")
        json("corrections", "/api/v1/corrections/")
        json("events", f"/api/v1/applications/{self.app.pk}/events/")
        for person in visible:
            json(f"person-{person.pk}", f"/api/v1/people/{person.pk}/")
        # the same export made by the exports worker
        job = ExportJob.objects.create(created_by=user, kind="people", file_format="csv")
        with override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="nzc-export-media-")):
            job = export_jobs.export_job_run(job_id=job.pk)
            texts["export job"] = job.file.read().decode("utf-8-sig")
        return texts, answers

    def assertOnSomeSurface(self, value, texts):
        self.assertTrue(any(value in text for text in texts.values()), f"{value} is on no surface")

    def assertOnNoSurface(self, value, texts):
        self.assertEqual([surface for surface, text in texts.items() if value in text], [], f"{value} is shown")

    def test_each_member_unit_sees_the_fields_its_cases_need_and_no_other(self):
        for domain, sees in SEES.items():
            with self.subTest(domain=domain):
                text, answers = self.walk(self.units[domain])
                for value in sees:
                    self.assertOnSomeSurface(value, text)
                for value in NOBODY_BUT_PLACES | (FIELD_VALUES - sees):
                    self.assertOnNoSurface(value, text)
                for key, name in NAMES.items():  # the members it has no case of are not there at all
                    (self.assertOnSomeSurface if key in PEOPLE[domain] else self.assertOnNoSurface)(name, text)
                # the API leaves the keys out (never a null standing for a hidden value)
                household = answers["household"]
                self.assertTrue({"annual_income", "income_band", "income_source", "income_source_display"}
                                .isdisjoint(household))
                detail = answers["application"]
                self.assertTrue({"note", "documents", "missing_documents", "created_by"}.isdisjoint(detail))
                self.assertEqual({m["name"] for m in detail["members"]}, {NAMES[k] for k in PEOPLE[domain]})
                listed = answers["applications"]["results"][0]
                self.assertEqual({m["name"] for m in listed["members"]}, {NAMES[k] for k in PEOPLE[domain]})
                self.assertEqual("head_name" in listed["household"], HEAD_NAME in sees)
                person = next(v for k, v in answers.items() if k.startswith("person-"))
                self.assertNotIn("phone", person)
                self.assertNotIn("ethnicity_display", person)
                self.assertEqual("occupation" in person, OCCUPATION in sees)
                self.assertEqual(person["birth_year"] is not None, True)  # every unit needs the age

    @override_settings(MEDIA_ROOT=MEDIA)
    def test_the_scans_of_the_documents_are_for_places_only(self):
        url = reverse("households:attachment_file", args=[self.scan.pk])
        for domain, user in self.units.items():
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, 404, domain)
        self.login(self.dave)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), PDF)

    def test_a_county_office_still_sees_every_field(self):
        text, answers = self.walk(self.dave)
        for value in NOBODY_BUT_PLACES | FIELD_VALUES | set(NAMES.values()):
            self.assertOnSomeSurface(value, text)
        self.assertEqual(answers["household"]["annual_income"], INCOME)
        self.assertEqual(answers["application"]["note"], NOTE)
        self.assertEqual(len(answers["application"]["members"]), 4)

    def test_the_table_answers_none_for_places_and_a_set_for_units(self):
        for user in (self.alice, self.dave, self.frank, self.root):
            self.assertIsNone(visible_fields(user, "household"))
        for domain, user in self.units.items():
            for model_name in ("person", "household", "application"):
                fields = visible_fields(user, model_name)
                self.assertIsInstance(fields, frozenset)
                self.assertTrue({"annual_income", "income_source", "phone", "note"}.isdisjoint(fields), domain)
        self.assertIn("occupation", visible_fields(self.units["hrss"], "person"))
        self.assertNotIn("occupation", visible_fields(self.units["housing"], "person"))


class NeedToKnowSearchTest(NeedToKnowFieldsTest):
    """The search box finds, for a member unit, only the names of the people it sees: a name of
    another member of the household (or of its head) must not tell it who else is there."""

    def found(self, user, q):
        self.login(user)
        body = self.client.get(reverse("households:application_list"), {"q": q}).content.decode()
        api = APIClient()
        api.force_authenticate(user)
        results = api.get("/api/v1/applications/", {"q": q}).json()["results"]
        return (self.app.number in body), [row["id"] for row in results]

    def test_a_member_unit_finds_its_own_people_by_name_and_no_one_else(self):
        education = self.units["education"]  # sees the child of 10 only
        self.assertEqual(self.found(education, NAMES["child10"]), (True, [self.app.pk]))
        for other in ("head", "spouse", "child17"):
            self.assertEqual(self.found(education, NAMES[other]), (False, []), other)
        self.assertEqual(self.found(education, self.app.number), (True, [self.app.pk]))
        self.assertEqual(self.found(self.dave, NAMES["spouse"]), (True, [self.app.pk]))  # a place finds all

    # the walk of the parent class is not repeated here
    test_each_member_unit_sees_the_fields_its_cases_need_and_no_other = None
    test_the_scans_of_the_documents_are_for_places_only = None
    test_a_county_office_still_sees_every_field = None
    test_the_table_answers_none_for_places_and_a_set_for_units = None
