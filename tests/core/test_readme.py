"""The README stays true to the code: demo users and password, the two commands, the glossary."""

import re

from django.test import SimpleTestCase

from demo.management.commands.seed_demo_users import DEMO_PASSWORD, DEMO_USERS

from .envfiles import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


class ReadmeTest(SimpleTestCase):
    def test_it_gives_the_demo_password_and_every_demo_user(self):
        self.assertIn(DEMO_PASSWORD, README)
        missing = [username for username, *_ in DEMO_USERS if f"`{username}`" not in README]
        self.assertEqual(missing, [])

    def test_the_two_commands_it_documents_are_make_targets(self):
        for target in ("run", "test"):
            with self.subTest(target=target):
                self.assertIn(f"make {target}", README)
                self.assertRegex(MAKEFILE, rf"(?m)^{target}:")

    def test_the_glossary_explains_the_terms_of_the_trade(self):
        for term in ("农转城", "户", "派出所", "县区", "年度目标", "五项保留", "五项保障", "旬报", "序时进度", "倒排",
                     "绿色通道", "成员单位"):
            with self.subTest(term=term):
                self.assertRegex(README, rf"\| {re.escape(term)}( |/)")

    def test_it_names_no_path_of_the_machine_it_was_written_on(self):
        self.assertNotRegex(README, r"/(work|home|root|tmp)/")
