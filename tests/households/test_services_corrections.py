"""Corrections move counts: Person.completed_on and category are what the counts read."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count

from households import corrections, services
from households.models import Person
from households.signals import application_corrected
from tests.base import CastTestCase, person_data


def counts_by(field):
    rows = Person.objects.filter(completed_on__isnull=False).values(field).annotate(n=Count("*"))
    return {row[field]: row["n"] for row in rows}


class CorrectionTest(CastTestCase):
    def test_a_category_correction_moves_the_count_and_never_duplicates_it(self):
        app = self.complete(self.alice, members=[person_data(category="migrant_worker"),
                                                 person_data(category="migrant_worker", relation="spouse")])
        self.assertEqual(counts_by("category"), {"migrant_worker": 2})
        sent = []
        application_corrected.connect(lambda **kw: sent.append(kw), weak=False, dispatch_uid="test-corr")
        try:
            self.correct_completed(app, requester=self.alice, approver=self.dave,
                                   people={app.members.first(): {"category": "graduate"}})
        finally:
            application_corrected.disconnect(dispatch_uid="test-corr")
        self.assertEqual(counts_by("category"), {"migrant_worker": 1, "graduate": 1})
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["changed"], {"person_ids": [app.members.first().pk]})

    def test_a_completion_date_correction_moves_the_count_to_the_new_day(self):
        received = datetime.date(2012, 10, 8)
        app = self.complete(self.alice, members=[person_data(), person_data()], received_on=received,
                            on=datetime.date(2012, 10, 12))
        self.assertEqual(counts_by("completed_on"), {datetime.date(2012, 10, 12): 2})
        self.correct_completed(app, requester=self.alice, approver=self.dave, completed_on=datetime.date(2012, 10, 9),
                               reason="录入时日期有误")
        self.assertEqual(counts_by("completed_on"), {datetime.date(2012, 10, 9): 2})
        event = app.events.last()
        self.assertEqual((event.from_status, event.to_status, event.actor), ("completed", "completed", self.dave))
        self.assertIn("2012-10-12", event.note)
        self.assertIn("录入时日期有误", event.note)

    def test_a_completion_date_correction_needs_a_reason_a_completed_application_and_a_sane_date(self):
        open_app = self.receive(self.alice, received_on=datetime.date(2012, 10, 8))
        with self.assertRaises(services.TransitionNotAllowed):
            corrections.correction_request(application=open_app, actor=self.alice,
                                           completed_on=datetime.date(2012, 10, 9), reason="x")
        app = self.complete(self.alice, received_on=datetime.date(2012, 10, 8))
        with self.assertRaises(ValidationError):
            corrections.correction_request(application=app, actor=self.alice,
                                           completed_on=datetime.date(2012, 10, 9), reason=" ")
        with self.assertRaises(ValidationError):
            corrections.correction_request(application=app, actor=self.alice,
                                           completed_on=datetime.date(2012, 10, 7), reason="早于受理")
        self.assertFalse(app.corrections.exists())
        self.assertEqual(app.events.count(), 2)

    def test_a_rejected_application_counts_nothing(self):
        app = self.receive(self.alice)
        services.application_reject(application=app, actor=self.alice, note="不符合条件")
        self.assertEqual(counts_by("category"), {})
        self.assertEqual(Person.objects.filter(holds_claim=True).count(), 0)
