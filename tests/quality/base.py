import datetime

from households import services
from quality.models import Finding
from quality.services import findings_sync
from tests.base import CastTestCase, household_data, person_data

RECEIVED = datetime.date(2012, 6, 1)  # ages below are counted on this day


class QualityTestCase(CastTestCase):
    def enter(self, members, actor=None, override="", confirm=True, documents=None, **household):
        from households.reference import REQUIRED_DOCUMENTS

        return services.application_create(
            actor=actor or self.alice, household=household_data(**household), members=members,
            documents=REQUIRED_DOCUMENTS if documents is None else documents, received_on=RECEIVED,
            override_reason=override, confirm_warnings=confirm)

    @staticmethod
    def open_rules(app):
        """The rules the application's rows break now (after a re-check of its rows)."""
        findings_sync(application_ids=[app.pk])
        return set(Finding.objects.filter(application=app, resolved_at__isnull=True).values_list("rule", flat=True))


def born(year, month=1, day=1, **extra):
    return person_data(birth=datetime.date(year, month, day), **extra)
