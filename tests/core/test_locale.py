"""Simplified Chinese by default, English available: the catalogue locale/en is complete."""

import re
import shutil
import subprocess
import unittest

from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from nongzhuancheng.models import County, PoliceStation, Role, StaffAssignment
from tests.base import CastTestCase

from .envfiles import ROOT
from .pofile import read_po

PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def compiled():
    return MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime


@unittest.skipUnless(compiled(), "locale/en is not compiled: run `make messages` (needs gettext)")
class EnglishLocaleTest(CastTestCase):
    def test_the_default_language_is_simplified_chinese(self):
        response = self.client.get(reverse("login"))
        self.assertContains(response, '<html lang="zh-hans">')
        self.assertContains(response, "用户名")
        with translation.override("zh-hans"):
            self.assertEqual(str(County._meta.verbose_name), "县区")

    def test_the_sign_in_page_reads_in_english_for_an_english_browser(self):
        response = self.client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Username")
        self.assertContains(response, "Password")
        self.assertNotContains(response, "用户名")

    def test_model_names_and_choices_read_in_english(self):
        with translation.override("en"):
            self.assertEqual(str(County._meta.verbose_name), "County")
            self.assertEqual(str(PoliceStation._meta.verbose_name), "Police station")
            self.assertEqual(str(StaffAssignment._meta.get_field("role").verbose_name), "Role")
            self.assertEqual(str(Role.CLERK.label), "Green-channel clerk")

    def test_a_signed_in_user_who_chose_english_reads_pages_in_english(self):
        self.login(self.alice)
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        response = self.client.get(reverse("households:application_list"))
        self.assertContains(response, '<html lang="en">')
        self.assertNotRegex(self._title(response), CJK)

    @override_settings(LANGUAGE_CODE="zh-hans")
    def test_a_browser_asking_for_an_unknown_language_gets_chinese(self):
        response = self.client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(response, '<html lang="zh-hans">')

    @staticmethod
    def _title(response):
        return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


@unittest.skipUnless(shutil.which("msgfmt"), "gettext's msgfmt is not installed")
class CatalogueTest(unittest.TestCase):
    def test_every_message_of_the_english_catalogue_is_translated(self):
        result = subprocess.run(
            ["msgfmt", "--check-format", "--statistics", "-o", "/dev/null", str(PO)],
            capture_output=True, text=True, env={"LC_ALL": "C"},
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("untranslated", result.stderr)
        self.assertNotIn("fuzzy", result.stderr)

    def test_no_english_message_is_left_in_chinese(self):
        """Chinese may appear in an English message only as short values copied from the Chinese one
        (e.g. the values a spreadsheet column accepts, which stay in Chinese)."""
        left = []
        for entry in read_po(PO):
            if entry["obsolete"]:
                continue
            for text in entry["msgstr"].values():
                runs = re.findall(r"[\u3400-\u9fff\uf900-\uffef]+", text)
                if runs and (not re.search(r"[A-Za-z]{2}", text)
                             or any(len(run) > 8 or run not in entry["msgid"] for run in runs)):
                    left.append(entry["msgid"])
        self.assertEqual(left, [])

    def test_every_active_message_has_an_english_text_and_no_fuzzy_flag(self):
        entries = [entry for entry in read_po(PO) if not entry["obsolete"]]
        self.assertGreater(len(entries), 100)
        self.assertEqual([e["msgid"] for e in entries if not all(e["msgstr"].values()) or not e["msgstr"]], [])
        self.assertEqual([e["msgid"] for e in entries if "fuzzy" in e["flags"]], [])
