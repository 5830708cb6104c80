"""Each data-quality rule fires where it should and stays silent where it should not (ages on the
receipt date, 2012-06-01)."""

import datetime

from households.models import Person, TransferApplication
from households.reference import REQUIRED_DOCUMENTS
from households.validation import EntryRefused
from quality.rules import BY_CODE, RULES
from tests.quality.base import QualityTestCase, born

OK = "核对无误"


class RuleTest(QualityTestCase):
    def assertFires(self, code, members, **kw):
        app = self.enter(members, override=OK, **kw)
        self.assertIn(code, self.open_rules(app))
        return app

    def assertSilent(self, code, members, **kw):
        app = self.enter(members, override=OK, **kw)
        self.assertNotIn(code, self.open_rules(app))
        return app

    def test_a_graduate_too_young_for_the_degree(self):
        self.assertFires("education_age", [born(1992, 1, 1, education="10")])  # 研究生 at 20
        self.assertFires("education_age", [born(1993, 1, 1, education="20")])  # 本科 at 19
        self.assertSilent("education_age", [born(1988, 1, 1, education="10")])  # 研究生 at 24
        self.assertSilent("education_age", [born(1993, 1, 1, education="30")])  # 专科 at 19

    def test_a_postgraduate_aged_seventy_or_more(self):
        self.assertFires("postgraduate_aged", [born(1940, 1, 1, education="10")])
        self.assertSilent("postgraduate_aged", [born(1950, 1, 1, education="10")])
        self.assertSilent("postgraduate_aged", [born(1940, 1, 1, education="80")])

    def test_a_discharged_soldier_under_eighteen_is_refused(self):
        with self.assertRaises(EntryRefused) as refused:
            self.enter([born(1996, 1, 1, category="veteran")], override=OK)
        self.assertTrue(any("退役士兵" in m for m in refused.exception.hard))
        self.assertSilent("veteran_under_18", [born(1990, 1, 1, category="veteran")])

    def test_a_head_of_household_under_sixteen(self):
        self.assertFires("head_under_16", [born(1998, 1, 1, relation="head")])
        self.assertSilent("head_under_16", [born(1996, 1, 1, relation="head")])  # 16
        self.assertSilent("head_under_16", [born(1990, 1, 1), born(2005, 1, 1, relation="child")])

    def test_a_child_older_than_a_parent(self):
        older_than_head = [born(1970, 1, 1), born(1965, 1, 1, relation="child")]
        self.assertFires("child_older_than_parent", older_than_head)
        older_than_spouse = [born(1950, 1, 1), born(1975, 1, 1, relation="spouse", male=False),
                             born(1972, 1, 1, relation="child")]
        self.assertFires("child_older_than_parent", older_than_spouse)
        self.assertSilent("child_older_than_parent", [born(1970, 1, 1), born(1995, 1, 1, relation="child")])

    def test_a_spouse_under_the_legal_marriage_age(self):
        self.assertFires("spouse_under_marriage_age", [born(1985, 1, 1, male=False),
                                                       born(1991, 1, 1, relation="spouse")])  # a man of 21
        self.assertFires("spouse_under_marriage_age", [born(1985, 1, 1), born(1993, 1, 1, relation="spouse",
                                                                                 male=False)])  # a woman of 19
        self.assertSilent("spouse_under_marriage_age", [born(1985, 1, 1), born(1991, 1, 1, relation="spouse",
                                                                                  male=False)])  # a woman of 21
        self.assertSilent("spouse_under_marriage_age", [born(1985, 1, 1, male=False),
                                                        born(1990, 1, 1, relation="spouse")])  # a man of 22

    def test_a_completion_dated_before_the_receipt(self):
        app = self.enter([born(1980, 1, 1)])
        done = self.complete_on(app, datetime.date(2012, 6, 5))
        self.assertNotIn("completed_before_received", self.open_rules(done))
        TransferApplication.objects.filter(pk=app.pk).update(completed_on=datetime.date(2012, 5, 20))  # old data
        self.assertIn("completed_before_received", self.open_rules(app))

    def test_a_completed_category_without_its_proof_ticked(self):
        app = self.enter([born(1980, 1, 1, category="graduate")])
        self.complete_on(app, datetime.date(2012, 6, 5))
        self.assertNotIn("category_proof_missing", self.open_rules(app))
        without = [d for d in REQUIRED_DOCUMENTS if d != "category_proof"]
        TransferApplication.objects.filter(pk=app.pk).update(documents=without)  # an imported row, say
        self.assertIn("category_proof_missing", self.open_rules(app))
        Person.objects.filter(application=app).update(category="other")  # 其它 needs no proof
        self.assertNotIn("category_proof_missing", self.open_rules(app))
        open_ = self.enter([born(1980, 1, 1, category="graduate")], documents=without)  # not yet completed
        self.assertNotIn("category_proof_missing", self.open_rules(open_))

    def test_a_household_income_far_out_of_range(self):
        self.assertFires("income_out_of_range", [born(1970, 1, 1)], annual_income="600000")
        self.assertFires("income_out_of_range", [born(1970, 1, 1), born(1995, 1, 1, relation="child")],
                         annual_income="250000")  # 125,000 a member
        self.assertSilent("income_out_of_range", [born(1970, 1, 1), born(1995, 1, 1, relation="child")],
                          annual_income="150000")  # 75,000 a member
        self.assertSilent("income_out_of_range", [born(1970, 1, 1)], annual_income="12000")
        self.assertSilent("income_out_of_range", [born(1970, 1, 1)])  # not given

    def test_the_table_has_one_severity_and_a_message_for_every_rule(self):
        self.assertEqual(len(BY_CODE), len(RULES))
        for rule in RULES:
            self.assertIn(rule.severity, ("error", "warning"))
            self.assertTrue(str(rule.title) and str(rule.message))

    def complete_on(self, app, on):
        from households import services

        return services.application_complete(application=app, actor=self.alice, on=on)


class TwoPathsTest(QualityTestCase):
    """The re-check of a few applications (one statement finds their breaches, Python writes the
    findings) and the nightly scan (statements a rule over everyone) leave the same open findings."""

    def open_findings(self):
        from quality.models import Finding

        return sorted(Finding.objects.filter(resolved_at__isnull=True).values_list(
            "rule", "person_id", "application_id", "household_id", "county_id", "station_id"))

    def test_the_recheck_of_some_applications_agrees_with_the_scan_of_everyone(self):
        from quality.models import Finding
        from quality.services import breaking, findings_sync

        apps = [
            self.enter([born(1980, 1, 1), born(1979, 1, 1, relation="child")], annual_income="900000", override=OK),
            self.enter([born(1997, 1, 1, education="10"), born(1997, 3, 1, relation="spouse", male=False)],
                       override=OK),
            self.enter([born(1980, 1, 1)]),
        ]
        TransferApplication.objects.filter(pk=apps[2].pk).update(
            status=TransferApplication.Status.COMPLETED, completed_on=datetime.date(2012, 5, 1))  # old data
        ids = [a.pk for a in apps]
        counts = findings_sync(application_ids=ids)
        by_rows = self.open_findings()
        self.assertEqual({r for r, *_ in by_rows},
                         {"child_older_than_parent", "income_out_of_range", "education_age",
                          "spouse_under_marriage_age", "completed_before_received", "head_under_16"})
        self.assertEqual(counts["education_age"], 1)
        self.assertEqual(sum(counts.values()), len(by_rows))
        self.assertEqual(findings_sync(application_ids=ids), counts)  # a second run adds nothing
        self.assertEqual(self.open_findings(), by_rows)
        Finding.objects.all().delete()
        findings_sync()
        self.assertEqual(self.open_findings(), by_rows)
        # a fixed record: the re-check resolves its finding, and only its own
        Person.objects.filter(application=apps[1], relation="head").update(education="80")
        findings_sync(application_ids=[apps[1].pk])
        self.assertNotIn("education_age", {r for r, *_ in self.open_findings()})
        self.assertEqual(len(self.open_findings()), len(by_rows) - 1)
        # the clerk's messages come in the order of the rule table
        order = [b.rule for b in breaking(ids)]
        positions = [list(BY_CODE).index(code) for code in order]
        self.assertEqual(positions, sorted(positions))

    def test_many_applications_are_rechecked_in_chunks_with_the_same_findings(self):
        from unittest import mock

        from quality import services
        from quality.models import Finding

        apps = [self.enter([born(1980, 1, 1), born(1979, 1, 1, relation="child")], override=OK) for _ in range(5)]
        ids = [a.pk for a in apps]
        whole = services.findings_sync(application_ids=ids)
        Finding.objects.all().delete()
        with mock.patch.object(services, "RECHECK_CHUNK", 2):
            self.assertEqual(services.findings_sync(application_ids=ids), whole)
        self.assertEqual(whole["child_older_than_parent"], 5)
        self.assertEqual(Finding.objects.filter(rule="child_older_than_parent", resolved_at__isnull=True).count(), 5)
