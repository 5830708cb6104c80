"""The progress lookup: by application number plus the last six characters of a member's ID number."""

from django.test import Client, override_settings
from django.urls import reverse

from households import services as hs
from public.models import LookupLog

from .helpers import PublicTestCase, without_csrf

URL = "/public/lookup/"


class LookupTest(PublicTestCase):
    def setUp(self):
        super().setUp()
        self.app = self.receive_with_phone(self.alice, phone="13912345678", documents=["hukou_booklet", "id_card"])
        self.person = self.app.members.get()
        self.tail = self.person.id_number[-6:]

    def lookup(self, number, tail, address="10.0.0.1"):
        return self.client.post(URL, {"number": number, "id_tail": tail}, REMOTE_ADDR=address)

    def test_the_right_pair_shows_the_state_dates_and_station_phone_and_nothing_personal(self):
        response = self.lookup(self.app.number, self.tail)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "受理")
        self.assertContains(response, f"{self.app.received_on.year}年{self.app.received_on.month}月{self.app.received_on.day}日")
        self.assertContains(response, f"{self.app.due_on.year}年{self.app.due_on.month}月{self.app.due_on.day}日")
        self.assertContains(response, self.zy_station.phone)
        for secret in (self.person.name, self.person.id_number, self.tail, "13912345678", self.app.household.head_name,
                       self.app.household.address, self.person.destination_address):
            self.assertNotContains(response, secret)
        self.assertIn("no-store", response["Cache-Control"])

    def test_a_lowercase_x_and_spaces_are_accepted(self):
        response = self.lookup(f" {self.app.number.lower()} ", self.tail.lower() + " ")
        self.assertContains(response, self.zy_station.phone)

    def test_a_returned_application_shows_what_to_bring(self):
        hs.application_return(application=self.app, actor=self.alice, note="请补交城镇居住证明（租赁合同）")
        response = self.lookup(self.app.number, self.tail)
        self.assertContains(response, "退回补正")
        self.assertContains(response, "请补交城镇居住证明（租赁合同）")
        self.assertContains(response, "农转城申请表")  # a document not yet checked

    def test_a_completed_application_shows_its_completion_date(self):
        app = self.complete(self.alice)
        response = self.lookup(app.number, app.members.get().id_number[-6:])
        self.assertContains(response, "办结")
        self.assertContains(response, "办结日期")

    def test_a_wrong_pair_reads_exactly_like_an_unknown_number(self):
        wrong_tail = "000000" if self.tail != "000000" else "111111"
        other = self.receive(self.bob)  # a real number, with a tail of another household's member
        wrong = self.lookup(self.app.number, other.members.get().id_number[-6:])
        wrong_tail_answer = self.lookup(self.app.number, wrong_tail)
        unknown = self.lookup("530602209901019999", wrong_tail)
        self.assertEqual(wrong.status_code, unknown.status_code)
        self.assertEqual(wrong.status_code, 200)
        self.assertContains(unknown, "没有查到")
        # the same page, the same words: only the number typed differs
        as_unknown = without_csrf(unknown.content.decode()).replace("530602209901019999", "N")
        self.assertEqual(without_csrf(wrong.content.decode()).replace(self.app.number, "N"), as_unknown)
        self.assertEqual(without_csrf(wrong_tail_answer.content.decode()).replace(self.app.number, "N"), as_unknown)

    def test_every_lookup_is_logged_without_the_id_digits(self):
        self.lookup(self.app.number, self.tail)
        self.lookup(self.app.number, "000000")
        self.lookup("X", "12")
        rows = list(LookupLog.objects.order_by("id").values_list("number_tried", "result", "address_hash"))
        self.assertEqual([r[:2] for r in rows], [(self.app.number, "found"), (self.app.number, "not_found"),
                                                 ("X", "invalid")])
        self.assertEqual(len({r[2] for r in rows}), 1)
        self.assertNotIn("10.0.0.1", rows[0][2])
        for row in LookupLog.objects.values():
            self.assertNotIn(self.tail, " ".join(str(v) for v in row.values()))

    def test_the_qr_link_fills_in_the_number_and_nothing_else(self):
        response = self.client.get(URL, {"n": self.app.number})
        self.assertContains(response, f'value="{self.app.number}"')
        self.assertNotContains(response, self.tail)


@override_settings(NZC_LOOKUP_RATE_PER_ADDRESS="3/h", NZC_LOOKUP_RATE_PER_NUMBER="4/h")
class LookupRateLimitTest(PublicTestCase):
    def setUp(self):
        super().setUp()
        self.app = self.receive(self.alice)
        self.tail = self.app.members.get().id_number[-6:]

    def post(self, number, tail, address):
        return self.client.post(URL, {"number": number, "id_tail": tail}, REMOTE_ADDR=address)

    def test_the_attempt_after_the_allowance_of_an_address_is_refused(self):
        for i in range(3):
            self.assertEqual(self.post(f"53060220990101{i:04d}", "000000", "10.0.0.7").status_code, 200)
        refused = self.post(self.app.number, self.tail, "10.0.0.7")  # even the right pair
        self.assertEqual(refused.status_code, 429)
        self.assertContains(refused, "查询次数过多", status_code=429)
        self.assertNotContains(refused, self.zy_station.phone, status_code=429)
        self.assertEqual(self.post(self.app.number, self.tail, "10.0.0.8").status_code, 200)  # another address
        self.assertEqual(LookupLog.objects.filter(result="limited").count(), 1)

    def test_one_number_tried_from_many_addresses_is_refused_after_its_allowance(self):
        for i in range(4):
            self.assertEqual(self.post(self.app.number, f"{i:06d}", f"10.0.1.{i}").status_code, 200)
        self.assertEqual(self.post(self.app.number, self.tail, "10.0.1.99").status_code, 429)

    @override_settings(NZC_CLIENT_ADDRESS_HEADER="HTTP_X_REAL_IP")
    def test_behind_a_proxy_the_address_comes_from_the_configured_header(self):
        for i in range(3):
            self.client.post(URL, {"number": f"N{i}", "id_tail": "000000"}, HTTP_X_REAL_IP="203.0.113.5")
        self.assertEqual(self.client.post(URL, {"number": "N9", "id_tail": "000000"},
                                          HTTP_X_REAL_IP="203.0.113.5").status_code, 429)
        self.assertEqual(self.client.post(URL, {"number": "N9", "id_tail": "000000"},
                                          HTTP_X_REAL_IP="203.0.113.6").status_code, 200)


class LookupCsrfTest(PublicTestCase):
    def test_a_post_without_the_form_token_is_refused(self):
        client = Client(enforce_csrf_checks=True)
        self.assertEqual(client.post(URL, {"number": "X", "id_tail": "000000"}).status_code, 403)
        self.assertEqual(LookupLog.objects.count(), 0)

    def test_a_post_with_the_token_from_the_form_goes_through(self):
        client = Client(enforce_csrf_checks=True)
        client.get(reverse("public:lookup"))
        token = client.cookies["csrftoken"].value
        response = client.post(URL, {"number": "X", "id_tail": "000000", "csrfmiddlewaretoken": token})
        self.assertEqual(response.status_code, 200)
