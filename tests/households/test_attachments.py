"""Scans of an application's documents: sniffed, size-limited, stripped, private, scoped, logged."""

import io
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from households.attachment_models import Attachment
from tests.base import CastTestCase

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (25.0, 2.0, 0.0), 4: (103.0, 43.0, 0.0)}  # GPS: latitude, longitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"taken at home")
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "张三 530602199001011234")
    out = io.BytesIO()
    Image.new("L", (20, 20), 128).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


class AttachmentTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.app = cls.receive(cls.alice)

    def setUp(self):
        self.private = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.private, ignore_errors=True)
        overrides = override_settings(NZC_PRIVATE_ROOT=Path(self.private))
        overrides.enable()
        self.addCleanup(overrides.disable)

    def upload(self, data, name="scan.jpg", kind="id_card", user=None, app=None):
        self.login(user or self.alice)
        return self.client.post(reverse("households:attachment_add", args=[(app or self.app).pk]),
                                {"kind": kind, "file": SimpleUploadedFile(name, data, "image/jpeg")}, follow=True)

    def test_a_clerk_adds_a_pdf_and_reads_it_back_through_the_scoped_view(self):
        response = self.upload(PDF, name="户口簿.pdf", kind="hukou_book")
        self.assertContains(response, "扫描件已上传")
        attachment = Attachment.objects.get()
        self.assertEqual((attachment.content_type, attachment.size), ("application/pdf", len(PDF)))
        self.assertContains(response, reverse("households:attachment_file", args=[attachment.pk]))
        file = self.client.get(reverse("households:attachment_file", args=[attachment.pk]))
        self.assertEqual(file.status_code, 200)
        self.assertEqual(file["Content-Type"], "application/pdf")
        self.assertEqual(file["Cache-Control"], "private, no-store")
        self.assertIn("sandbox", file["Content-Security-Policy"])
        self.assertEqual(b"".join(file.streaming_content), PDF)

    def test_files_are_stored_outside_the_public_media_path(self):
        self.upload(PDF, name="a.pdf")
        path = Path(Attachment.objects.get().file.path).resolve()
        self.assertTrue(path.is_relative_to(Path(self.private).resolve()))
        self.assertFalse(path.is_relative_to(Path(settings.MEDIA_ROOT).resolve()))
        self.assertNotIn(settings.MEDIA_URL, Attachment.objects.get().file.name)

    def test_the_content_decides_not_the_name_or_the_claimed_type(self):
        for data in (b"<html><script>alert(1)</script></html>", b"GIF89a....", b"MZ\x90\x00 an exe", b""):
            with self.subTest(data=data[:10]):
                response = self.upload(data, name="scan.jpg")
                self.assertContains(response, "只接受 PDF、JPEG 或 PNG")
        self.assertEqual(Attachment.objects.count(), 0)

    def test_a_damaged_image_is_refused(self):
        response = self.upload(b"\xff\xd8\xff\xe0 not really a jpeg", name="x.jpg")
        self.assertContains(response, "图片无法读取")
        self.assertEqual(Attachment.objects.count(), 0)

    @override_settings(NZC_ATTACHMENT_MAX_BYTES=1024)
    def test_a_file_above_the_limit_is_refused(self):
        response = self.upload(PDF + b"0" * 2048, name="big.pdf")
        self.assertContains(response, "文件超过")
        self.assertEqual(Attachment.objects.count(), 0)

    def test_a_photo_loses_its_camera_and_gps_metadata(self):
        original = jpeg_with_gps()
        self.assertIn(b"PhoneMaker", original)
        self.upload(original, name="photo.jpg")
        stored = Path(Attachment.objects.get().file.path).read_bytes()
        self.assertNotIn(b"PhoneMaker", stored)
        self.assertNotIn(b"taken at home", stored)
        with Image.open(io.BytesIO(stored)) as image:
            self.assertEqual(dict(image.getexif()), {})
            self.assertEqual(image.size, (40, 30))

    def test_a_png_loses_its_text_chunks(self):
        self.upload(png_with_text(), name="scan.png", kind="category_proof")
        attachment = Attachment.objects.get()
        self.assertEqual(attachment.content_type, "image/png")
        stored = Path(attachment.file.path).read_bytes()
        self.assertNotIn("530602199001011234".encode(), stored)
        self.assertNotIn(b"tEXt", stored)

    def test_an_unknown_kind_is_refused(self):
        response = self.upload(PDF, name="a.pdf", kind="passport")
        self.assertContains(response, "请选择材料种类")

    def test_another_county_neither_adds_nor_reads_a_scan(self):
        self.upload(PDF, name="a.pdf")
        attachment = Attachment.objects.get()
        self.login(self.bob)  # a clerk in 鲁甸县
        self.assertEqual(self.client.get(reverse("households:attachment_file", args=[attachment.pk])).status_code, 404)
        response = self.client.post(reverse("households:attachment_add", args=[self.app.pk]),
                                    {"kind": "id_card", "file": SimpleUploadedFile("a.pdf", PDF)})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Attachment.objects.count(), 1)

    def test_a_read_only_role_reads_but_does_not_add(self):
        self.upload(PDF, name="a.pdf")
        attachment = Attachment.objects.get()
        self.login(self.frank)
        self.assertEqual(self.client.get(reverse("households:attachment_file", args=[attachment.pk])).status_code, 200)
        response = self.client.post(reverse("households:attachment_add", args=[self.app.pk]),
                                    {"kind": "id_card", "file": SimpleUploadedFile("a.pdf", PDF)})
        self.assertEqual(response.status_code, 403)

    def test_every_add_and_read_is_logged(self):
        from nongzhuancheng.audit import AccessEvent

        with self.assertLogs("nongzhuancheng.access", level="INFO") as logs, \
                self.captureOnCommitCallbacks(execute=True):
            self.upload(PDF, name="a.pdf")
            attachment = Attachment.objects.get()
            self.client.get(reverse("households:attachment_file", args=[attachment.pk]))
        self.assertEqual([line.split(" ")[0].rsplit(":", 1)[-1] for line in logs.output],
                         ["attachment.add", "attachment.view"])
        self.assertIn(f"user={self.alice.pk} attachment={attachment.pk}", logs.output[1])
        # and in the access log, which the city office reads
        events = AccessEvent.objects.filter(kind__startswith="attachment").order_by("id")
        self.assertEqual([(e.kind, e.user_id, e.detail["attachment"]) for e in events],
                         [("attachment_add", self.alice.pk, attachment.pk),
                          ("attachment_view", self.alice.pk, attachment.pk)])
        self.assertEqual(events[1].path, reverse("households:attachment_file", args=[attachment.pk]))
