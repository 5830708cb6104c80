"""The test run hashes passwords fast (MD5, tests/conftest.py); the production settings do not."""

import importlib
import subprocess
import sys

from django.conf import global_settings, settings
from django.contrib.auth.hashers import get_hasher, make_password
from django.test import SimpleTestCase

from .envfiles import ROOT


class PasswordHasherTest(SimpleTestCase):
    def test_the_test_run_hashes_passwords_with_md5(self):
        self.assertEqual(settings.PASSWORD_HASHERS, ["django.contrib.auth.hashers.MD5PasswordHasher"])
        self.assertEqual(get_hasher().algorithm, "md5")
        self.assertTrue(make_password("pw").startswith("md5$"))

    def test_the_production_settings_keep_the_slow_default_hasher(self):
        module = importlib.import_module("nongzhuancheng.settings")
        hashers = getattr(module, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
        self.assertEqual(hashers, global_settings.PASSWORD_HASHERS)
        self.assertNotIn("MD5", " ".join(hashers))

    def test_a_process_outside_pytest_hashes_with_pbkdf2(self):
        code = ("import django; django.setup(); from django.contrib.auth.hashers import get_hasher; "
                "print(get_hasher().algorithm)")
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                             env={"DJANGO_SETTINGS_MODULE": "nongzhuancheng.settings", "PATH": "/usr/bin:/bin"})
        self.assertEqual(out.stdout.strip(), "pbkdf2_sha256")
