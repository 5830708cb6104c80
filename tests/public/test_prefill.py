"""Online pre-filling (网上预填): typed in before the visit, received by the chosen station's clerk."""

import datetime

from django.urls import reverse

from households.models import TransferApplication
from public import services
from public.models import Prefill
from tests.base import household_data, person_data

from .helpers import PublicTestCase

URL = "/public/prefill/"


def form_data(station, members, **household):
    """What a browser posts: the members typed in, then the blank member blocks as the page shows them
    (their selects on their first option)."""
    total = max(4, len(members))
    data = {"station": station.code, **household_data(**household),
            "m-TOTAL_FORMS": str(total), "m-INITIAL_FORMS": "0", "m-MIN_NUM_FORMS": "1", "m-MAX_NUM_FORMS": "10"}
    blank = {"relation": "head", "ethnicity": "01"}
    for i in range(total):
        member = members[i] if i < len(members) else blank
        for key in ("name", "id_number", "relation", "ethnicity", "category", "phone", "destination_address"):
            data[f"m-{i}-{key}"] = member.get(key, "")
    return data


class PrefillTest(PublicTestCase):
    def submit(self, members, station=None, **household):
        return self.client.post(URL, form_data(station or self.zy_station, members, **household), REMOTE_ADDR="10.0.0.1")

    def test_the_form_opens_without_signing_in(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "网上预填转户申请")

    def test_a_household_typed_in_online_is_kept_under_a_code(self):
        members = [person_data(phone="13912345678"), person_data(relation="spouse", male=False)]
        response = self.submit(members)
        self.assertEqual(response.status_code, 200)
        prefill = Prefill.objects.get()
        self.assertContains(response, prefill.code)
        self.assertEqual(len(prefill.members), 2)
        self.assertEqual(prefill.station, self.zy_station)
        self.assertEqual(prefill.expires_on, datetime.date.today() + datetime.timedelta(days=30))
        self.assertNotContains(response, members[0]["id_number"])

    def test_an_invalid_id_number_is_shown_on_the_member(self):
        response = self.submit([{**person_data(), "id_number": "530602198503140000"}])
        self.assertFalse(Prefill.objects.exists())
        self.assertContains(response, "errorlist")

    def test_it_does_not_tell_whether_an_id_number_has_applied_already(self):
        claimed = self.receive(self.alice).members.get()
        response = self.submit([{**person_data(), "id_number": claimed.id_number}])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Prefill.objects.count(), 1)
        self.assertNotContains(response, "不能重复办理")

    def test_the_clerk_of_the_station_receives_it_and_the_typed_details_are_cleared(self):
        self.submit([person_data(area="530602")])
        prefill = Prefill.objects.get()
        self.login(self.alice)
        found = self.client.get(reverse("public:prefill_find"), {"code": prefill.code.lower()})
        self.assertRedirects(found, reverse("public:prefill_receive", args=[prefill.pk]))
        page = self.client.get(found["Location"])
        self.assertContains(page, prefill.members[0]["id_number"])
        response = self.client.post(found["Location"], {"documents": ["hukou_booklet", "id_card"]})
        app = TransferApplication.objects.get()
        self.assertRedirects(response, reverse("households:application_receipt", args=[app.pk]))
        self.assertEqual(app.station, self.zy_station)
        self.assertEqual(app.created_by, self.alice)
        self.assertEqual(app.documents, ["hukou_booklet", "id_card"])
        prefill.refresh_from_db()
        self.assertEqual((prefill.state, prefill.application, prefill.household, prefill.members),
                         ("received", app, {}, []))
        self.assertEqual(self.client.post(found["Location"], {"documents": []}).status_code, 400)
        self.assertEqual(TransferApplication.objects.count(), 1)

    def test_a_clerk_of_another_station_gets_404(self):
        self.submit([person_data()])
        prefill = Prefill.objects.get()
        self.login(self.bob)
        self.assertEqual(self.client.get(reverse("public:prefill_find"), {"code": prefill.code}).status_code, 404)
        url = reverse("public:prefill_receive", args=[prefill.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, {"documents": []}).status_code, 404)
        self.assertFalse(TransferApplication.objects.exists())

    def test_a_duplicate_id_number_is_refused_at_the_window(self):
        claimed = self.receive(self.alice).members.get()
        self.submit([{**person_data(), "id_number": claimed.id_number}])
        prefill = Prefill.objects.get()
        self.login(self.alice)
        response = self.client.post(reverse("public:prefill_receive", args=[prefill.pk]), {"documents": []})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "不能重复办理", status_code=400)
        self.assertEqual(Prefill.objects.get().state, "waiting")

    def test_expired_details_are_cleared(self):
        self.submit([person_data()])
        Prefill.objects.update(expires_on=datetime.date(2020, 1, 1))
        self.assertEqual(services.prefill_purge_expired(), 1)
        prefill = Prefill.objects.get()
        self.assertEqual((prefill.state, prefill.members, prefill.household), ("expired", [], {}))
