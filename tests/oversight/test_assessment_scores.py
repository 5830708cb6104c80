"""The automatic scores of the hand-computed scenario (tests/oversight/scenario.py), and manual entry."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight import services
from oversight.models import Grade, Rule, Score

from .scenario import AssessmentScenario, D

PDF = b"%PDF-1.4\n% evidence\n"


def scores(revision):
    return {s.item.label: s.score for s in Score.objects.filter(revision=revision).select_related("item")}


class AutomaticScoresTest(AssessmentScenario):
    def test_the_answer_of_the_second_problem_was_due_on_10_october(self):
        # 09-20 + 10 working days: 21, 24–28, 29 (Saturday, an adjusted working day), then 10-08, 09, 10
        self.assertEqual(self.p1.due_on, D(2012, 9, 17))
        self.assertEqual(self.p2.due_on, D(2012, 10, 10))

    def test_a_county_is_scored_from_progress_delivery_funding_publicity_and_problems(self):
        revision = services.assessment_start(scheme=self.county_scheme, holder=self.zhaoyang, actor=self.root)
        self.assertEqual(scores(revision), {
            "对照目标任务": Decimal("20.00"),   # 2 ÷ 4 = 50% of 40
            "组织领导": Decimal("0.00"),        # manual, not yet entered
            "责任落实": Decimal("0.00"),
            "权益保障": Decimal("1.87"),        # 1 delivered ÷ 8 needed of 15 = 1.875, cut
            "资金保障": Decimal("3.00"),        # 300,000 ÷ 1,000,000 of 10 (the November money is later)
            "宣传培训": Decimal("2.00"),        # 60 ÷ 300 of 10 (the December campaigns are later)
            "协调推进": Decimal("2.50"),        # 1 on time ÷ 2 due of 5 (the third is not due yet)
        })
        self.assertEqual(revision.total, Decimal("29.37"))
        self.assertEqual(revision.grade, Grade.ACCOUNTABILITY)
        target = Score.objects.get(revision=revision, item__rule=Rule.TARGET_COMPLETION)
        self.assertEqual(target.measured, Decimal("0.5"))
        self.assertIn("累计完成 2 ÷ 目标任务 4 = 50.0%", target.basis)

    def test_a_county_without_funding_plan_or_problems_scores_nothing_for_them(self):
        revision = services.assessment_start(scheme=self.county_scheme, holder=self.ludian, actor=self.root)
        got = scores(revision)
        self.assertEqual(got["对照目标任务"], Decimal("20.00"))  # 1 ÷ 2
        self.assertEqual(got["权益保障"], Decimal("0.00"))        # 0 ÷ 4
        self.assertEqual(got["资金保障"], Decimal("0.00"))        # no plan: no basis
        self.assertEqual(got["协调推进"], Decimal("0.00"))        # nothing due: no basis
        funding = Score.objects.get(revision=revision, item__rule=Rule.FUNDING)
        self.assertIsNone(funding.measured)
        self.assertIn("无资金保障计划", funding.basis)

    def test_a_member_unit_is_scored_from_its_target_and_its_linked_counties(self):
        revision = services.assessment_start(scheme=self.unit_scheme, holder=self.housing, actor=self.root)
        got = scores(revision)
        self.assertEqual(got["对照目标任务"], Decimal("5.00"))      # (2 + 0) ÷ 8 of 20
        self.assertEqual(got["挂钩县区工作情况"], Decimal("15.00"))  # 昭阳区 50% (威信县: no target) of 30
        self.assertEqual(got["权益保障"], Decimal("7.50"))          # housing: 1 ÷ 2 of 15
        self.assertEqual(got["宣传培训"], Decimal("0.00"))
        self.assertEqual(revision.total, Decimal("27.50"))

    def test_starting_every_assessment_of_a_group_twice_gives_one_per_holder(self):
        first = services.assessment_start_all(scheme=self.county_scheme, actor=self.root)
        again = services.assessment_start_all(scheme=self.county_scheme, actor=self.root)
        self.assertEqual(len(first), 11)
        self.assertEqual([r.pk for r in first], [r.pk for r in again])


class ManualScoresTest(AssessmentScenario):
    def setUp(self):
        self.revision = services.assessment_start(scheme=self.county_scheme, holder=self.zhaoyang, actor=self.root)
        self.organisation = self.county_scheme.items.get(label="组织领导")

    def test_a_manual_score_with_a_comment_and_a_pdf_counts_in_the_total(self):
        evidence = SimpleUploadedFile("会议纪要.pdf", PDF, content_type="application/pdf")
        entry = services.score_enter(revision=self.revision, item=self.organisation, score="8.5",
                                     comment="召开专题会议5次", evidence=evidence, actor=self.root)
        self.assertEqual(entry.score, Decimal("8.5"))
        self.assertTrue(entry.evidence.name.endswith(".pdf"))
        self.revision.refresh_from_db()
        self.assertEqual(self.revision.total, Decimal("37.87"))
        self.assertTrue(self.revision.events.filter(action="score", actor=self.root).exists())

    def test_it_refuses_a_score_above_the_weight_or_without_a_comment(self):
        for score, comment, field in (("10.5", "超分", "score"), ("8", "", "comment"), ("x", "说明", "score")):
            with self.subTest(score=score), self.assertRaises(ValidationError) as caught:
                services.score_enter(revision=self.revision, item=self.organisation, score=score, comment=comment,
                                     actor=self.root)
            self.assertIn(field, caught.exception.message_dict)

    def test_it_refuses_evidence_that_is_not_what_it_claims_or_too_large(self):
        fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
        exe = SimpleUploadedFile("x.exe", PDF, content_type="application/x-msdownload")
        big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
        for file in (fake, exe, big):
            with self.subTest(file=file.name), self.assertRaises(ValidationError) as caught:
                services.score_enter(revision=self.revision, item=self.organisation, score="5", comment="说明",
                                     evidence=file, actor=self.root)
            self.assertIn("evidence", caught.exception.message_dict)

    def test_an_automatic_item_cannot_be_scored_by_hand(self):
        target = self.county_scheme.items.get(rule=Rule.TARGET_COMPLETION)
        with self.assertRaises(ValidationError):
            services.score_enter(revision=self.revision, item=target, score="40", comment="满分", actor=self.root)

    def test_only_the_city_office_scores(self):
        for user in (self.dave, self.grace, self.frank):  # frank is not staff here
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.score_enter(revision=self.revision, item=self.organisation, score="5", comment="说明",
                                     actor=user)
