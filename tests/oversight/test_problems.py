"""Problem feedback: raised with a time limit in working days, every move of the table allowed and
refused, who may make each move, and the open and overdue lists other dashboards read."""

from django.core.exceptions import PermissionDenied, ValidationError

from nongzhuancheng.workflow import TransitionNotAllowed
from oversight import selectors, services
from oversight.models import Problem
from tests.base import CastTestCase

from .scenario import D, office_user

State = Problem.State
SEPT_20 = D(2012, 9, 20)


class ProblemTestCase(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.olga = office_user("olga")

    def raise_(self, actor=None, on=SEPT_20, **kwargs):
        return services.problem_raise(actor=actor or self.dave, title="问题", description="具体情况", raised_on=on,
                                      **kwargs)


class RaisingTest(ProblemTestCase):
    def test_a_county_raises_for_itself_with_the_answer_due_in_ten_working_days(self):
        problem = self.raise_()
        self.assertEqual((problem.county, problem.member_unit, problem.state), (self.zhaoyang, None, State.RAISED))
        self.assertEqual(problem.due_on, D(2012, 10, 10))  # across the National Day holiday
        self.assertEqual(problem.events.get().move, "raise")

    def test_a_member_unit_raises_for_itself(self):
        problem = self.raise_(actor=self.grace)
        self.assertEqual((problem.county, problem.member_unit), (None, self.housing))

    def test_the_city_office_raising_must_name_one_holder(self):
        with self.assertRaises(ValidationError):
            self.raise_(actor=self.root)
        self.assertEqual(self.raise_(actor=self.root, county=self.ludian).county, self.ludian)

    def test_a_clerk_or_the_city_reader_raises_nothing(self):
        for user in (self.alice, self.frank, self.olga):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.raise_(actor=user)


class MoveTableTest(ProblemTestCase):
    def test_every_move_is_allowed_from_its_sources_and_refused_from_every_other_state(self):
        problem = self.raise_()
        for move in Problem.WORKFLOW:
            for state in State.values:
                with self.subTest(move=move.name, state=state):
                    Problem.objects.filter(pk=problem.pk).update(state=state)
                    if state in move.sources:
                        row = services.problem_move(problem=problem, move=move.name, actor=self.root, note="说明")
                        self.assertEqual(row.state, move.target)
                        self.assertTrue(row.events.filter(move=move.name, from_state=state, to_state=move.target,
                                                          actor=self.root).exists())
                    else:
                        with self.assertRaises(TransitionNotAllowed):
                            services.problem_move(problem=problem, move=move.name, actor=self.root, note="说明")

    def test_an_answer_and_a_reopening_need_their_note(self):
        problem = self.raise_()
        with self.assertRaises(ValidationError):
            services.problem_move(problem=problem, move="answer", actor=self.olga, note="")
        services.problem_move(problem=problem, move="answer", actor=self.olga, note="已答复", on=D(2012, 9, 28))
        with self.assertRaises(ValidationError):
            services.problem_move(problem=problem, move="reopen", actor=self.dave, note="")

    def test_the_city_office_answers_and_the_raiser_may_reopen(self):
        problem = self.raise_()
        for user in (self.dave, self.grace, self.frank):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.problem_move(problem=problem, move="assign", actor=user)
        services.problem_move(problem=problem, move="assign", actor=self.olga, assigned_to=self.housing)
        row = services.problem_move(problem=problem, move="answer", actor=self.olga, note="答复", on=D(2012, 9, 28))
        self.assertEqual((row.answered_on, row.answered_in_time), (D(2012, 9, 28), True))
        with self.assertRaises(PermissionDenied):
            services.problem_move(problem=problem, move="reopen", actor=self.olga, note="不满意")
        with self.assertRaises(Problem.DoesNotExist):  # another county's problem: not found
            services.problem_move(problem=problem, move="reopen", actor=self.erin, note="不满意")
        row = services.problem_move(problem=problem, move="reopen", actor=self.dave, note="未解决")
        self.assertEqual((row.state, row.answered_on), (State.ASSIGNED, None))


class OpenAndOverdueTest(ProblemTestCase):
    def test_open_and_overdue_lists_are_scoped_and_earliest_due_first(self):
        late = self.raise_(on=D(2012, 9, 3))              # due 09-17
        later = self.raise_(on=D(2012, 9, 20))            # due 10-10
        other = self.raise_(actor=self.erin, on=D(2012, 9, 3))
        answered = self.raise_(on=D(2012, 9, 3))
        services.problem_move(problem=answered, move="answer", actor=self.olga, note="答复", on=D(2012, 9, 5))
        self.assertEqual(list(selectors.problem_open_list(user=self.dave)), [late, later])
        self.assertEqual(list(selectors.problem_overdue_list(user=self.dave, today=D(2012, 10, 8))), [late])
        self.assertEqual(set(selectors.problem_overdue_list(user=self.olga, today=D(2012, 10, 8))), {late, other})
        self.assertEqual(selectors.problem_counts(user=self.dave, today=D(2012, 10, 11)), {"open": 2, "overdue": 2})
        self.assertEqual(list(selectors.problem_open_list(user=self.grace)), [])
