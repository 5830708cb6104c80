"""The shape of the code, checked: one move table per workflow, one permission policy, one writer
per state. A change that writes a rule a second time fails here with the place named."""

import ast
import pathlib
import re

from django.apps import apps
from django.test import SimpleTestCase

from nongzhuancheng import scoping
from nongzhuancheng.workflow import Workflow

ROOT = pathlib.Path(__file__).resolve().parents[2]
PRODUCT = [p for p in ROOT.glob("*/**/*.py")
           if p.parts[len(ROOT.parts)] not in {"tests", "bench", ".venv"} and "migrations" not in p.parts]
STATEFUL = {
    "households.TransferApplication": "status",
    "households.ImportJob": "state",
    "households.ExportJob": "state",
    "households.CorrectionRequest": "state",
    "entitlements.GuaranteeCase": "state",
    "entitlements.Retention": "state",
    "reports.Bulletin": "state",
    "public.Notice": "state",
    "public.Grievance": "state",
    "public.Prefill": "state",
    "quality.DuplicatePair": "state",
}


def _source(path):
    return path.read_text(encoding="utf-8")


class MoveTablesTest(SimpleTestCase):
    def test_every_workflow_model_has_one_move_table_over_its_own_states(self):
        for label, field in STATEFUL.items():
            with self.subTest(model=label):
                model = apps.get_model(label)
                table = model.WORKFLOW
                self.assertIsInstance(table, Workflow)
                self.assertEqual(table.state_field, field)
                choices = {value for value, _ in model._meta.get_field(field).choices}
                self.assertEqual(set(table.states.values), choices)
                for move in table:
                    self.assertTrue(move.sources, f"{label}.{move.name} starts nowhere")
                    self.assertTrue(str(move.label), f"{label}.{move.name} has no label")
                    if move.action is not None:
                        self.assertIn(move.action, scoping.POLICY, f"{label}.{move.name}: unknown action")

    # Files allowed to assign a ``state`` / ``status`` attribute, and why.
    NOT_A_MOVE = {
        "nongzhuancheng/workflow.py": "the transition helper itself",
        "households/imports/validation.py": "a spreadsheet group's status column, not a model's state",
        "demo/management/commands/seed_demo_entitlements.py":
            "demo history written in bulk together with the event rows of each case's story",
    }

    def test_nothing_but_the_transition_helper_assigns_a_workflow_state(self):
        """``x.state = …`` (alone or in a tuple) and ``….update(state=…)`` are a move's business."""
        offenders = []
        for path in PRODUCT:
            if str(path.relative_to(ROOT)) in self.NOT_A_MOVE:
                continue
            for node in ast.walk(ast.parse(_source(path))):
                targets = []
                if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                    for target in getattr(node, "targets", None) or [node.target]:
                        targets += target.elts if isinstance(target, ast.Tuple) else [target]
                    if any(isinstance(t, ast.Attribute) and t.attr in ("state", "status") for t in targets):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                      and node.func.attr == "update" and any(k.arg in ("state", "status") for k in node.keywords)):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} (update)")
        self.assertEqual(offenders, [])


class PolicyTest(SimpleTestCase):
    RETIRED = re.compile(r"\b(can_write|_require_writer|require_writer|can_work|can_edit_targets|"
                         r"bulletin_can_request|requestable_counties|can_see_full_id|ScopeExemptMixin|"
                         r"scope_exempt|WRITER_ROLES|CITY_WIDE_ROLES)\b")

    def test_no_module_keeps_a_permission_rule_of_its_own(self):
        offenders = []
        for path in PRODUCT:
            for number, line in enumerate(_source(path).splitlines(), 1):
                if self.RETIRED.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
        self.assertEqual(offenders, [])

    def test_no_module_compares_a_role_with_a_bare_string(self):
        roles = "|".join(("clerk", "county_officer", "member_unit", "city_reader", "admin"))
        compare = re.compile(rf"""(==|!=|\bin\b)\s*[\(\[{{]?\s*["']({roles})["']|["']({roles})["']\s*(==|!=)""")
        offenders = []
        for path in PRODUCT:
            for number, line in enumerate(_source(path).splitlines(), 1):
                if compare.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
        self.assertEqual(offenders, [])

    def test_the_roles_module_imports_nothing(self):
        tree = ast.parse(_source(ROOT / "nongzhuancheng" / "roles.py"))
        self.assertEqual([n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))], [])

    def test_every_action_of_the_policy_is_held_by_some_role(self):
        for action, grant in scoping.POLICY.items():
            with self.subTest(action=action):
                self.assertTrue(grant.roles | grant.staff)
