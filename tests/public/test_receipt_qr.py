"""The receipt's QR code opens the lookup with the application number filled in.

Decoded with zxing-cpp: segno draws the same code as a PNG (the page's SVG is checked to be that
code's SVG), and zxing reads the PNG back."""

import io
import re

import zxingcpp
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from public.qr import lookup_url, qr_code, qr_svg

from .helpers import PublicTestCase


def decode(code) -> str:
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=6, border=4)
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(buffer.getvalue())))
    assert len(results) == 1, results
    return results[0].text


@override_settings(NZC_SITE_URL="https://nzc.example.gov.cn")
class ReceiptQrTest(PublicTestCase):
    def test_the_receipt_carries_the_qr_code_of_the_lookup_for_its_number(self):
        app = self.receive(self.alice)
        self.login(self.alice)
        html = self.client.get(reverse("households:application_receipt", args=[app.pk])).content.decode()
        url = f"https://nzc.example.gov.cn/public/lookup/?n={app.number}"
        self.assertEqual(lookup_url(app.number), url)
        svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
        self.assertEqual(svg, qr_svg(url))
        self.assertEqual(decode(qr_code(url)), url)

    def test_the_code_holds_no_id_digits(self):
        app = self.receive(self.alice)
        person = app.members.get()
        text = decode(qr_code(lookup_url(app.number)))
        self.assertNotIn(person.id_number[-6:], text.replace(app.number, ""))
        self.assertEqual(text.split("?", 1)[1], f"n={app.number}")

    def test_the_decoded_address_opens_the_lookup_with_the_number_filled_in(self):
        app = self.receive(self.alice)
        text = decode(qr_code(lookup_url(app.number)))
        path = text.removeprefix("https://nzc.example.gov.cn")
        self.client.logout()
        response = self.client.get(path)
        self.assertContains(response, f'value="{app.number}"')
