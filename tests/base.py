"""The small cast every test uses, built once per test class.

alice   clerk at 昭阳区城区派出所          bob    clerk at 鲁甸县城区派出所
carol   clerk at 昭阳区第2派出所
dave    county officer of 昭阳区           erin   county officer of 鲁甸县
frank   city leadership group reader       grace  member unit user (市住房和城乡建设局)
heidi   member unit user (市卫生局)         root   administrator (superuser)
"""

import itertools

from django.core.management import call_command
from django.test import TestCase
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.factories import PASSWORD, HouseholdDataFactory, PersonDataFactory, UserFactory
from households import services
from households.reference import REQUIRED_DOCUMENTS
from nongzhuancheng import roles
from nongzhuancheng.models import County, MemberUnit, PoliceStation
from nongzhuancheng.scoping import SECOND_FACTOR, allows
from nongzhuancheng.signin import second_factor_required

__all__ = ["PASSWORD", "CastTestCase", "household_data", "load_reference", "make_user", "person_data"]
_seq = itertools.count(1)


def make_user(username, role=None, **place):
    """A user with a post of ``role`` at ``place`` (station=, county= or member_unit=)."""
    return UserFactory(username=username, post=role, **{f"post__{k}": v for k, v in place.items()})


def person_data(area="530602", birth=None, seq=None, male=True, **extra):
    """A valid member dict with a checksum-correct ID number unique within the test run.

    A birth date given is kept exactly; without one, the default date moves on a day every 500
    people, so that any number of people per sex stay unique. Names are numbered (测试<n>), so that
    a test searching for a name it chose finds only its own person."""
    n = next(_seq) if seq is None else seq
    return PersonDataFactory(area=area, birth=birth, male=male, serial=n, **{"name": f"测试{n}", **extra})


def household_data(**extra):
    n = next(_seq)
    return HouseholdDataFactory(serial=n, **{"head_name": f"户主{n}", **extra})


def load_reference():
    """The reference data (11 counties, 190 stations, member units): loaded once for the whole run
    (tests/conftest.py), and again only after a transactional test has emptied the database."""
    if not County.objects.exists():
        call_command("loaddata", "fixtures/reference.json", verbosity=0)


def sign_in(client, user):
    """Signs ``user`` in on ``client`` (a Django test client); a user who needs a second factor also
    gives a code (a confirmed TOTP device verified in the session), as after the real two steps
    (tests/core/test_signin.py). The browser walk bench signs in the same way."""
    client.force_login(user)
    if second_factor_required(user) or allows(user, SECOND_FACTOR):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


class CastTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_reference()
        cls.zhaoyang = County.objects.get(code="530602")
        cls.ludian = County.objects.get(code="530621")
        cls.zy_station = PoliceStation.objects.get(code="53060201")
        cls.zy_station2 = PoliceStation.objects.get(code="53060202")
        cls.ld_station = PoliceStation.objects.get(code="53062101")
        cls.housing = MemberUnit.objects.get(code="housing")
        cls.health = MemberUnit.objects.get(code="health")
        cls.alice = make_user("alice", roles.CLERK, station=cls.zy_station)
        cls.bob = make_user("bob", roles.CLERK, station=cls.ld_station)
        cls.carol = make_user("carol", roles.CLERK, station=cls.zy_station2)
        cls.dave = make_user("dave", roles.COUNTY_OFFICER, county=cls.zhaoyang)
        cls.erin = make_user("erin", roles.COUNTY_OFFICER, county=cls.ludian)
        cls.frank = make_user("frank", roles.CITY_READER)
        cls.grace = make_user("grace", roles.MEMBER_UNIT, member_unit=cls.housing)
        cls.heidi = make_user("heidi", roles.MEMBER_UNIT, member_unit=cls.health)
        cls.root = UserFactory(username="root", first_name="", superuser=True)

    def login(self, user, client=None):
        """Signs ``user`` in (on ``client``, the test's own by default); a user who needs a second
        factor also gives a code (a confirmed TOTP device verified in the session), as after the real
        two steps (tests/core/test_signin.py)."""
        sign_in(client or self.client, user)

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

    @staticmethod
    def correct_completed(application, *, requester, approver, household=None, people=None, completed_on=None,
                          reason="录入错误"):
        """A correction of a completed application, requested and approved through the services
        (``people``: {person or pk: {field: value}}). Returns the approved request."""
        from households import corrections

        request = corrections.correction_request(
            application=application, actor=requester, household=household, completed_on=completed_on,
            people={getattr(p, "pk", p): fields for p, fields in (people or {}).items()}, reason=reason,
        )
        return corrections.correction_move(correction=request, move="approve", actor=approver)
