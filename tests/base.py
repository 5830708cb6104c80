"""The small cast every test uses, built once per test class.

alice   clerk at 昭阳区城区派出所          bob    clerk at 鲁甸县城区派出所
carol   clerk at 昭阳区第2派出所
dave    county officer of 昭阳区           erin   county officer of 鲁甸县
frank   city leadership group reader       grace  member unit user (市住房和城乡建设局)
heidi   member unit user (市卫生局)         root   administrator (superuser)
"""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase

from households import ids, services
from households.reference import REQUIRED_DOCUMENTS
from nongzhuancheng.models import County, MemberUnit, PoliceStation, StaffAssignment

PASSWORD = "pw-for-tests-1"
_seq = itertools.count(1)


def make_user(username, role=None, **place):
    user = get_user_model().objects.create_user(username, password=PASSWORD, first_name=username)
    if role:
        StaffAssignment.objects.create(user=user, role=role, **place)
    return user


def person_data(area="530602", birth=None, seq=None, male=True, **extra):
    """A valid member dict with a checksum-correct ID number unique within the test run.

    A birth date given is kept exactly; without one, the default date moves on a day every 500
    people, so that any number of people per sex stay unique."""
    n = next(_seq) if seq is None else seq
    sequence = (n * 2 + (1 if male else 0)) % 1000
    if birth is None:
        birth = datetime.date(1985, 3, 14) + datetime.timedelta(days=n // 500)
    data = {
        "name": f"测试{n}",
        "id_number": ids.make(area, birth, sequence),
        "ethnicity": "01",
        "education": "70",
        "marital_status": "20",
        "relation": "head",
        "category": "migrant_worker",
        "destination_address": "昭阳区凤凰街道龙泉路1号",
    }
    data.update(extra)
    return data


def household_data(**extra):
    n = next(_seq)
    data = {
        "number": f"H{n:06d}",
        "kind": "agricultural",
        "head_name": f"户主{n}",
        "township": "北闸镇",
        "village": "塘房村",
        "address": f"北闸镇塘房村{n}号",
    }
    data.update(extra)
    return data


class CastTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("loaddata", "fixtures/reference.json", verbosity=0)
        cls.zhaoyang = County.objects.get(code="530602")
        cls.ludian = County.objects.get(code="530621")
        cls.zy_station = PoliceStation.objects.get(code="53060201")
        cls.zy_station2 = PoliceStation.objects.get(code="53060202")
        cls.ld_station = PoliceStation.objects.get(code="53062101")
        cls.housing = MemberUnit.objects.get(code="housing")
        cls.health = MemberUnit.objects.get(code="health")
        cls.alice = make_user("alice", "clerk", station=cls.zy_station)
        cls.bob = make_user("bob", "clerk", station=cls.ld_station)
        cls.carol = make_user("carol", "clerk", station=cls.zy_station2)
        cls.dave = make_user("dave", "county_officer", county=cls.zhaoyang)
        cls.erin = make_user("erin", "county_officer", county=cls.ludian)
        cls.frank = make_user("frank", "city_reader")
        cls.grace = make_user("grace", "member_unit", member_unit=cls.housing)
        cls.heidi = make_user("heidi", "member_unit", member_unit=cls.health)
        cls.root = get_user_model().objects.create_superuser("root", password=PASSWORD)

    def login(self, user):
        self.client.force_login(user)

    @staticmethod
    def receive(actor, members=None, documents=REQUIRED_DOCUMENTS, received_on=None, **household):
        """Receive an application through the service (members default to one valid person)."""
        area = actor.assignment.station.county.code if getattr(actor, "assignment", None) and actor.assignment.station else "530602"
        return services.application_create(
            actor=actor,
            household=household_data(**household),
            members=members or [person_data(area=area)],
            documents=documents,
            received_on=received_on,
        )

    def complete(self, actor, on=None, **kwargs):
        app = self.receive(actor, **kwargs)
        return services.application_complete(application=app, actor=actor, on=on)
