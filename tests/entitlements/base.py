"""Helpers for the entitlements tests: completed transfers of realistic households."""

import datetime

from entitlements.models import GuaranteeCase, Retention
from tests.base import CastTestCase, person_data


class EntitlementsTestCase(CastTestCase):
    def family(self, area="530602", completed_on=None):
        """Head (1979), spouse (1981), a child of 10 and a child of 17 at ``completed_on``."""
        on = completed_on or datetime.date(2026, 9, 1)
        return [
            person_data(area=area, birth=datetime.date(1979, 5, 2), relation="head"),
            person_data(area=area, birth=datetime.date(1981, 8, 9), relation="spouse", male=False),
            person_data(area=area, birth=on.replace(year=on.year - 10) - datetime.timedelta(days=30), relation="child"),
            person_data(area=area, birth=on.replace(year=on.year - 17), relation="child", male=False),
        ]

    def complete_family(self, actor=None, on=datetime.date(2026, 9, 1)):
        actor = actor or self.alice
        area = actor.assignment.station.county.code
        return self.complete(actor, on=on, members=self.family(area=area, completed_on=on), received_on=on)

    @staticmethod
    def case(app, kind, relation="head"):
        return GuaranteeCase.objects.get(application=app, kind=kind, person__relation=relation)

    @staticmethod
    def retention(app, kind, relation="head"):
        return Retention.objects.get(application=app, kind=kind, person__relation=relation)
