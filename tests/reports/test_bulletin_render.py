"""Rendering a bulletin: frozen figures, the PDF with its text, SHA-256, the notice, and failures."""

import hashlib
import io
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.template import TemplateSyntaxError
from django.test import override_settings
from pypdf import PdfReader

from reports import services
from reports.models import Bulletin
from reports.tasks import bulletin_render_task
from tests.reports.test_bulletin_scenario import PERIOD, BulletinScenarioTestCase, MediaMixin


def pdf_text(bulletin):
    with bulletin.pdf.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def squeeze(text):
    return "".join(text.split())


class BulletinRenderTest(MediaMixin, BulletinScenarioTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.bulletin, _ = services.bulletin_request(period=PERIOD)
        services.bulletin_render(bulletin=cls.bulletin)
        cls.bulletin.refresh_from_db()

    def test_it_issues_the_bulletin_with_its_pdf_and_checksum(self):
        b = self.bulletin
        self.assertEqual(b.state, Bulletin.State.ISSUED)
        self.assertEqual((b.issue_number, b.revision, b.preview, str(b.as_of)), (29, 1, False, "2012-10-20"))
        with b.pdf.open("rb") as fh:
            content = fh.read()
        self.assertTrue(content.startswith(b"%PDF"))
        self.assertEqual(b.sha256, hashlib.sha256(content).hexdigest())
        self.assertEqual(b.pdf_size, len(content))
        self.assertIsNotNone(b.issued_at)

    def test_the_pdf_shows_the_scenario_figures_and_the_notice(self):
        text, pages = pdf_text(self.bulletin)
        flat = squeeze(text)
        self.assertIn("昭通市农转城工作旬报", flat)
        self.assertIn("2012年第29期", flat)
        self.assertIn("昭城统办〔2012〕29号", flat)
        self.assertIn(squeeze(settings.NZC_BULLETIN_ISSUER), flat)
        self.assertIn("截至10月20日，全市累计转户7人，完成市下达任务的87.5%，是省下达任务的3.50倍", flat)
        self.assertIn("鲁甸县（50.0%）完成率低于序时进度（80.3%）", flat)
        for name in ("昭阳区", "鲁甸县", "镇雄县", "水富县"):
            self.assertIn(name, flat)
        self.assertIn("125.0%", flat)
        self.assertIn("—1—", flat)  # the page number in the bottom margin box
        self.assertLessEqual(pages, 4)

    def test_the_pdf_metadata_holds_no_personal_data_and_no_internal_path(self):
        import re

        from django.conf import settings

        with self.bulletin.pdf.open("rb") as fh:
            reader = PdfReader(io.BytesIO(fh.read()))
        meta = {str(k): str(v) for k, v in (reader.metadata or {}).items()}
        self.assertIn("旬报", meta.get("/Title", ""))
        text = " ".join(meta.values())
        self.assertIsNone(re.search(r"\d{17}[\dX]", text), meta)  # no resident ID number
        for internal in (str(settings.BASE_DIR), str(settings.MEDIA_ROOT), "/home", "/app", "file:"):
            self.assertNotIn(internal, text)
        self.assertLessEqual(set(meta), {"/Title", "/Producer", "/Creator", "/CreationDate", "/ModDate"}, meta)

    def test_the_figures_are_frozen_on_the_record(self):
        f = self.bulletin.figures
        self.assertEqual((f["cumulative"], f["rate"], f["provincial_multiple"]), (7, "87.5%", "3.50"))
        self.assertEqual(f["issued_on"], "2012-10-21")

    def test_rendering_again_changes_nothing(self):
        before = (self.bulletin.sha256, self.bulletin.pdf.name, self.bulletin.issued_at)
        services.bulletin_render(bulletin=self.bulletin)
        bulletin_render_task.apply(args=[self.bulletin.pk])
        self.bulletin.refresh_from_db()
        self.assertEqual((self.bulletin.sha256, self.bulletin.pdf.name, self.bulletin.issued_at), before)
        self.assertEqual(Bulletin.objects.count(), 1)

    def test_the_html_page_shows_the_same_figures(self):
        self.login(self.frank)
        response = self.client.get(f"/reports/bulletins/{self.bulletin.pk}/")
        self.assertContains(response, "完成市下达任务的87.5%，是省下达任务的3.50倍")
        self.assertContains(response, "鲁甸县（50.0%）完成率低于序时进度（80.3%）")
        self.assertContains(response, self.bulletin.sha256)

    def test_the_pdf_downloads(self):
        self.login(self.frank)
        response = self.client.get(f"/reports/bulletins/{self.bulletin.pk}/pdf/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(hashlib.sha256(b"".join(response.streaming_content)).hexdigest(), self.bulletin.sha256)


class BulletinNoticeTest(MediaMixin, BulletinScenarioTestCase):
    def test_the_city_readers_get_the_notice_of_a_city_bulletin(self):
        bulletin, _ = services.bulletin_request(period=PERIOD)
        with self.captureOnCommitCallbacks(execute=True):
            services.bulletin_render(bulletin=bulletin)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["frank@example.org"])
        self.assertIn("2012年第29期", mail.outbox[0].subject)
        self.assertIn("全市累计转户7人", mail.outbox[0].body)
        self.assertIn(f"http://127.0.0.1:8000/reports/bulletins/{bulletin.pk}/", mail.outbox[0].body)

    def test_the_county_officers_get_the_notice_of_their_county_bulletin(self):
        bulletin, _ = services.bulletin_request(period=PERIOD, county=self.ludian)
        with self.captureOnCommitCallbacks(execute=True):
            services.bulletin_render(bulletin=bulletin)
        self.assertEqual([m.to for m in mail.outbox], [["erin@example.org"]])


BROKEN = "{% load i18n %}<html><body>{% if %}</body></html>"


class BulletinFailureTest(MediaMixin, BulletinScenarioTestCase):
    def setUp(self):
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)  # files of the class's earlier tests
        self.templates = tempfile.mkdtemp(prefix="nzc-broken-")
        self.addCleanup(shutil.rmtree, self.templates, True)
        Path(self.templates, "reports").mkdir()
        Path(self.templates, "reports", "bulletin.html").write_text(BROKEN)
        engine = dict(settings.TEMPLATES[0], DIRS=[self.templates, *settings.TEMPLATES[0]["DIRS"]])
        self.broken = override_settings(TEMPLATES=[engine])

    def media_files(self):
        return [f for _root, _dirs, files in os.walk(settings.MEDIA_ROOT) for f in files]

    def test_a_broken_template_leaves_a_failed_bulletin_with_its_reason_and_no_file(self):
        bulletin, _ = services.bulletin_request(period=PERIOD)
        with self.broken, self.assertRaises(TemplateSyntaxError):
            services.bulletin_render(bulletin=bulletin)
        bulletin.refresh_from_db()
        self.assertEqual(bulletin.state, Bulletin.State.FAILED)
        self.assertIn("TemplateSyntaxError", bulletin.error)
        self.assertEqual((bulletin.pdf.name, bulletin.sha256, bulletin.figures), ("", "", {}))
        self.assertEqual(self.media_files(), [])

    def test_the_task_retries_then_leaves_it_failed_and_the_page_shows_why(self):
        bulletin, _ = services.bulletin_request(period=PERIOD)
        conf = bulletin_render_task.app.conf
        propagates, conf.task_eager_propagates = conf.task_eager_propagates, False  # retries run in-process
        try:
            with self.broken:
                result = bulletin_render_task.apply(args=[bulletin.pk])
        finally:
            conf.task_eager_propagates = propagates
        self.assertTrue(result.failed())
        bulletin.refresh_from_db()
        self.assertEqual(bulletin.state, Bulletin.State.FAILED)
        self.assertEqual(bulletin.attempts, 1 + bulletin_render_task.max_retries)
        self.assertEqual(self.media_files(), [])
        self.login(self.frank)
        response = self.client.get(f"/reports/bulletins/{bulletin.pk}/")
        self.assertContains(response, "生成失败")
        self.assertContains(response, "TemplateSyntaxError")
        self.assertEqual(self.client.get(f"/reports/bulletins/{bulletin.pk}/pdf/").status_code, 404)

    def test_a_weasyprint_error_fails_the_same_way_and_a_later_run_issues_it(self):
        bulletin, _ = services.bulletin_request(period=PERIOD)
        original = services.bulletin_html
        # WeasyPrint given no document at all ("Expected exactly one source")
        services.bulletin_html = lambda **kwargs: None
        try:
            with self.assertRaises(TypeError):
                services.bulletin_render(bulletin=bulletin)
        finally:
            services.bulletin_html = original
        bulletin.refresh_from_db()
        self.assertEqual(bulletin.state, Bulletin.State.FAILED)
        self.assertIn("Expected exactly one source", bulletin.error)
        self.assertEqual(self.media_files(), [])
        services.bulletin_render(bulletin=bulletin)
        bulletin.refresh_from_db()
        self.assertEqual(bulletin.state, Bulletin.State.ISSUED)
        self.assertEqual(bulletin.error, "")
        self.assertEqual(len(self.media_files()), 1)
