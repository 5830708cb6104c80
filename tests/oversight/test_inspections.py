"""Inspections (督促检查): rectification moves allowed and refused, scoping, the two-month round and
the work timetable."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from nongzhuancheng.workflow import TransitionNotAllowed
from oversight import inspections
from oversight.models import Finding, Milestone
from tests.base import CastTestCase

from .scenario import D, office_user

State = Finding.State


class InspectionTestCase(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.olga = office_user("olga")
        cls.round = inspections.inspection_record(actor=cls.olga, kind="round", title="第4轮督促检查",
                                                  started_on=D(2012, 10, 10))
        cls.zy = inspections.finding_add(actor=cls.olga, inspection=cls.round, finding="绿色通道未公示咨询电话",
                                         requirement="公示", due_on=D(2012, 10, 30), county=cls.zhaoyang)
        cls.ld = inspections.finding_add(actor=cls.olga, inspection=cls.round, finding="台账不完整",
                                         requirement="补齐台账", due_on=D(2012, 10, 20), county=cls.ludian)


class RectificationTest(InspectionTestCase):
    def test_every_move_is_allowed_from_its_sources_and_refused_from_every_other_state(self):
        for move in Finding.WORKFLOW:
            for state in State.values:
                with self.subTest(move=move.name, state=state):
                    Finding.objects.filter(pk=self.zy.pk).update(state=state)
                    if state in move.sources:
                        row = inspections.finding_move(finding=self.zy, move=move.name, actor=self.root, note="说明")
                        self.assertEqual(row.state, move.target)
                        self.assertTrue(row.events.filter(move=move.name, from_state=state, to_state=move.target).exists())
                    else:
                        with self.assertRaises(TransitionNotAllowed):
                            inspections.finding_move(finding=self.zy, move=move.name, actor=self.root, note="说明")

    def test_the_county_reports_and_the_city_office_accepts(self):
        with self.assertRaises(ValidationError):
            inspections.finding_move(finding=self.zy, move="report", actor=self.dave, note="")
        with self.assertRaises(Finding.DoesNotExist):  # another county's finding
            inspections.finding_move(finding=self.zy, move="report", actor=self.erin, note="已整改")
        row = inspections.finding_move(finding=self.zy, move="report", actor=self.dave, note="已公示", on=D(2012, 10, 25))
        self.assertEqual((row.report, row.reported_on), ("已公示", D(2012, 10, 25)))
        with self.assertRaises(PermissionDenied):
            inspections.finding_move(finding=self.zy, move="accept", actor=self.dave)
        row = inspections.finding_move(finding=self.zy, move="accept", actor=self.olga, on=D(2012, 10, 31))
        self.assertEqual((row.state, row.accepted_on), (State.ACCEPTED, D(2012, 10, 31)))

    def test_overdue_rectifications_are_listed_in_scope(self):
        self.assertEqual(list(inspections.finding_overdue_list(user=self.olga, today=D(2012, 10, 25))), [self.ld])
        self.assertEqual(list(inspections.finding_overdue_list(user=self.dave, today=D(2012, 10, 25))), [])

    def test_only_the_city_office_records_inspections(self):
        with self.assertRaises(PermissionDenied):
            inspections.inspection_record(actor=self.dave, kind="round", title="x", started_on=D(2012, 10, 1))

    def test_the_next_round_is_due_two_months_after_the_last(self):
        self.assertEqual(inspections.next_round_due(), D(2012, 12, 10))


class TimetableTest(InspectionTestCase):
    def test_each_milestone_says_who_met_it_on_time_late_or_not_yet(self):
        survey = Milestone.objects.create(year=2012, order=1, title="开展调查研究", due_on=D(2012, 2, 29))
        inspections.milestone_done(actor=self.dave, milestone=survey, done_on=D(2012, 2, 20))
        inspections.milestone_done(actor=self.erin, milestone=survey, done_on=D(2012, 3, 5))
        inspections.milestone_done(actor=self.grace, milestone=survey, done_on=D(2012, 2, 28))
        row = inspections.timetable(user=self.olga, year=2012)[0]
        self.assertEqual((row.on_time, row.late), (["昭阳区", "市住房和城乡建设局"], ["鲁甸县"]))
        self.assertEqual(len(row.missing), 11 + 9 - 3)
        own = inspections.timetable(user=self.dave, year=2012)[0]
        self.assertEqual((own.on_time, own.late, own.missing), (["昭阳区"], [], []))


class InspectionPagesTest(InspectionTestCase):
    def test_the_pages_render_and_another_countys_finding_is_not_found(self):
        self.login(self.dave)
        self.assertEqual(self.client.get(reverse("oversight:inspections")).status_code, 200)
        self.assertEqual(self.client.get(reverse("oversight:finding_detail", args=[self.zy.pk])).status_code, 200)
        self.assertEqual(self.client.get(reverse("oversight:finding_detail", args=[self.ld.pk])).status_code, 404)
        url = reverse("oversight:finding_move", args=[self.ld.pk, "report"])
        self.assertEqual(self.client.post(url, {"note": "已整改"}).status_code, 404)
        self.client.post(reverse("oversight:finding_move", args=[self.zy.pk, "report"]), {"note": "已公示"})
        self.assertEqual(Finding.objects.get(pk=self.zy.pk).state, State.REPORTED)
        self.login(self.olga)
        response = self.client.get(reverse("oversight:inspections"))
        self.assertContains(response, "台账不完整")
