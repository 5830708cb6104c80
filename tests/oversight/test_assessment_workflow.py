"""Assessment revisions: every move of the table allowed and refused, publication freezes, corrections,
and the ranking with a tie (并列)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from nongzhuancheng.workflow import TransitionNotAllowed
from oversight import selectors, services
from oversight.models import AssessmentRevision, Grade, Group, PublishedRevisionError, Rule, Score
from oversight.selectors import share_ranks
from tests.base import CastTestCase

from .scenario import D, office_user

State = AssessmentRevision.State
MANUAL_ITEMS = [("组织领导", Rule.MANUAL, 50, None), ("责任落实", Rule.MANUAL, 50, None)]


class RevisionTestCase(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.olga = office_user("olga")
        cls.scheme = services.scheme_create(actor=cls.root, year=2012, group=Group.COUNTY, as_of=D(2012, 10, 20),
                                            items=MANUAL_ITEMS)
        cls.items = list(cls.scheme.items.all())

    def start(self, county, *points):
        revision = services.assessment_start(scheme=self.scheme, holder=county, actor=self.root)
        for item, value in zip(self.items, points, strict=False):
            services.score_enter(revision=revision, item=item, score=value, comment="依据检查记录", actor=self.olga)
        revision.refresh_from_db()
        return revision

    def publish(self, revision):
        services.revision_move(revision=revision, move="review", actor=self.olga)
        return services.revision_move(revision=revision, move="publish", actor=self.olga)


class MoveTableTest(RevisionTestCase):
    def test_every_move_is_allowed_from_its_sources_and_refused_from_every_other_state(self):
        revision = self.start(self.zhaoyang, 40, 40)
        for move in AssessmentRevision.WORKFLOW:
            for state in State.values:
                with self.subTest(move=move.name, state=state):
                    AssessmentRevision.objects.filter(pk=revision.pk).update(state=state)
                    if state in move.sources:
                        row = services.revision_move(revision=revision, move=move.name, actor=self.root, note="理由")
                        self.assertEqual(row.state, move.target)
                        self.assertTrue(row.events.filter(action=move.name, from_state=state,
                                                          to_state=move.target, actor=self.root).exists())
                    else:
                        with self.assertRaises(TransitionNotAllowed):
                            services.revision_move(revision=revision, move=move.name, actor=self.root, note="理由")

    def test_returning_a_reviewed_revision_needs_a_reason(self):
        revision = self.start(self.zhaoyang, 40, 40)
        services.revision_move(revision=revision, move="review", actor=self.olga)
        with self.assertRaises(ValidationError):
            services.revision_move(revision=revision, move="return", actor=self.olga, note=" ")

    def test_only_the_city_office_moves_a_revision(self):
        revision = self.start(self.zhaoyang, 40, 40)
        for user in (self.dave, self.grace, self.frank, self.alice):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.revision_move(revision=revision, move="review", actor=user)


class PublishedRevisionTest(RevisionTestCase):
    def test_a_published_revision_never_changes(self):
        revision = self.publish(self.start(self.zhaoyang, 40, 40))
        self.assertEqual(revision.state, State.PUBLISHED)
        self.assertIsNotNone(revision.published_at)
        with self.assertRaises(TransitionNotAllowed):
            services.score_enter(revision=revision, item=self.items[0], score=10, comment="改分", actor=self.olga)
        with self.assertRaises(TransitionNotAllowed):
            services.revision_recompute(revision=revision, actor=self.olga)
        revision.total = Decimal("99")
        with self.assertRaises(PublishedRevisionError):
            revision.save()
        score = Score.objects.filter(revision=revision).first()
        score.score = Decimal("1")
        with self.assertRaises(PublishedRevisionError):
            score.save()
        with self.assertRaises(PublishedRevisionError):
            AssessmentRevision.objects.get(pk=revision.pk).delete()
        revision.refresh_from_db()
        self.assertEqual(revision.total, Decimal("80.00"))

    def test_a_correction_is_a_new_revision_showing_the_difference(self):
        published = self.publish(self.start(self.zhaoyang, 40, 40))
        with self.assertRaises(ValidationError):
            services.assessment_correct(revision=published, actor=self.olga, reason="")
        correction = services.assessment_correct(revision=published, actor=self.olga, reason="组织领导漏计一次会议")
        self.assertEqual((correction.number, correction.state, correction.corrects_id), (2, State.DRAFT, published.pk))
        services.score_enter(revision=correction, item=self.items[0], score=45, comment="补计会议", actor=self.olga)
        self.publish(correction)
        diff = selectors.revision_diff(revision=correction)
        self.assertEqual([(d.label, d.before, d.after, d.changed) for d in diff], [
            ("组织领导", Decimal("40.00"), Decimal("45.00"), True),
            ("责任落实", Decimal("40.00"), Decimal("40.00"), False),
        ])
        published.refresh_from_db()
        self.assertEqual((published.state, published.total), (State.PUBLISHED, Decimal("80.00")))
        ranking = selectors.assessment_ranking(scheme=self.scheme)
        self.assertEqual([(r.number, r.total) for r in ranking.rows], [(2, Decimal("85.00"))])

    def test_a_draft_is_not_corrected_and_two_corrections_are_not_open_at_once(self):
        draft = self.start(self.zhaoyang, 40, 40)
        with self.assertRaises(TransitionNotAllowed):
            services.assessment_correct(revision=draft, actor=self.olga, reason="更正")
        self.publish(draft)
        services.assessment_correct(revision=draft, actor=self.olga, reason="更正")
        with self.assertRaises(TransitionNotAllowed):
            services.assessment_correct(revision=draft, actor=self.olga, reason="再次更正")


class RankingTest(RevisionTestCase):
    def test_equal_totals_share_a_rank_and_the_next_rank_skips(self):
        self.assertEqual(share_ranks([Decimal(90), Decimal(85), Decimal(85), Decimal(70)]), [1, 2, 2, 4])
        yanjin = self.ludian.__class__.objects.get(code="530623")
        self.publish(self.start(self.zhaoyang, 45, 40))   # 85
        self.publish(self.start(self.ludian, 40, 45))     # 85
        self.publish(self.start(yanjin, 50, 42.5))        # 92.5
        ranking = selectors.assessment_ranking(scheme=self.scheme)
        self.assertEqual([(r.holder_name, r.total, r.rank, r.grade) for r in ranking.rows], [
            ("盐津县", Decimal("92.50"), 1, Grade.REWARD),
            ("昭阳区", Decimal("85.00"), 2, Grade.PASS),
            ("鲁甸县", Decimal("85.00"), 2, Grade.PASS),
        ])
        self.assertEqual(ranking.grade_counts[Grade.PASS], 2)

    def test_grades_follow_the_scheme_thresholds(self):
        scheme = self.scheme
        self.assertEqual([scheme.grade_of(Decimal(v)) for v in ("90", "89.99", "70", "60", "59.99")],
                         [Grade.REWARD, Grade.PASS, Grade.PASS, Grade.CRITICISM, Grade.ACCOUNTABILITY])

    def test_a_county_sees_only_its_own_published_row_with_its_rank_among_all(self):
        self.publish(self.start(self.zhaoyang, 40, 40))
        self.publish(self.start(self.ludian, 45, 45))
        self.start(self.zhaoyang.__class__.objects.get(code="530623"), 50, 50)  # a draft: not ranked for counties
        ranking = selectors.assessment_ranking(scheme=self.scheme, user=self.dave)
        self.assertEqual([(r.holder_name, r.rank) for r in ranking.rows], [("昭阳区", 2)])
        city = selectors.assessment_ranking(scheme=self.scheme, user=self.olga)
        self.assertEqual([r.holder_name for r in city.rows], ["盐津县", "鲁甸县", "昭阳区"])
