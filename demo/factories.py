"""factory_boy factories: the one way tests, demo data and benchmarks make rows and service input.

* ``CountyFactory`` / ``PoliceStationFactory`` look up the reference rows by code (they create a
  plain one only when the code is not loaded).
* ``UserFactory`` makes a user, and with ``post=<role>`` (``post__station=…``, ``post__county=…``,
  ``post__member_unit=…``) the post (StaffAssignment) that scoping reads.
* ``HouseholdFactory``, ``TransferApplicationFactory`` and ``PersonFactory`` write rows directly,
  without the services (as the bulk demo year and imports do); application numbers come from
  ``households.numbers.application_number``.
* ``PersonDataFactory`` / ``HouseholdDataFactory`` are the dicts ``households.services`` takes.

Resident ID numbers are checksum-correct (``households.ids.make``); names come from
``demo.people``.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory, Password

from households.ids import make
from households.models import Household, Person, TransferApplication
from households.numbers import application_number
from households.reference import REQUIRED_DOCUMENTS, Employment, IncomeSource
from households.workdays import add_working_days
from nongzhuancheng.models import County, PoliceStation, StaffAssignment

from .people import IdNumbers, People

PASSWORD = "pw-for-tests-1"
DEFAULT_BIRTH = datetime.date(1985, 3, 14)
# ID numbers of rows made by PersonFactory: unique for the whole process.
_ID_NUMBERS = IdNumbers()
INCOMES = ("3600", "8000", "12500", "30000", "64000", "5000", "")


def _people(n: int) -> People:
    """The name generator for the n-th row (the same names for the same sequence)."""
    return People(random.Random(n))


def numbered_id(*, area: str, serial: int, male: bool, birth: datetime.date | None = None) -> str:
    """The n-th ID number of a factory: sequence ``2n (+1 for men) mod 1000``. A birth date given is
    kept exactly; without one the date moves on a day every 500 people, so that any number of
    people per sex stay unique."""
    if birth is None:
        birth = DEFAULT_BIRTH + datetime.timedelta(days=serial // 500)
    return make(area, birth, (serial * 2 + (1 if male else 0)) % 1000)


class CountyFactory(DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = "530602"
    name = factory.Sequence(lambda n: f"示例县{n}")
    host_office = County.HostOffice.choices[0][0]


class PoliceStationFactory(DjangoModelFactory):
    class Meta:
        model = PoliceStation
        django_get_or_create = ("code",)

    code = "53060201"
    county = factory.SubFactory(CountyFactory, code=factory.LazyAttribute(lambda o: o.factory_parent.code[:6]))
    name = factory.Sequence(lambda n: f"示例派出所{n}")


class UserFactory(DjangoModelFactory):
    """A user; ``post=<role>`` with ``post__station`` / ``post__county`` / ``post__member_unit``
    gives the user a post."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyAttribute(lambda o: o.username)
    password = Password(PASSWORD)

    class Params:
        superuser = factory.Trait(is_superuser=True, is_staff=True)

    @factory.post_generation
    def post(self, create: bool, role: str | None, **place: Any) -> None:
        if role and create:
            StaffAssignment.objects.create(user=self, role=role, **place)


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    station = factory.SubFactory(PoliceStationFactory)
    county = factory.SelfAttribute("station.county")
    number = factory.Sequence(lambda n: f"F{n:06d}")
    kind = "agricultural"
    head_name = factory.Sequence(lambda n: _people(n).name(male=True))
    township = "北闸镇"
    village = "塘房村"
    address = factory.LazyAttribute(lambda o: f"{o.township}{o.village}{o.number[-3:]}号")
    # every band and source in turn (a seventh of the households without an income)
    annual_income = factory.Sequence(lambda n: None if n % 7 == 6 else Decimal(INCOMES[n % 7]))
    income_source = factory.Sequence(lambda n: IncomeSource.values[n % len(IncomeSource.values)])


class TransferApplicationFactory(DjangoModelFactory):
    """An application written directly (no events, no signals); its number is set once it has an id."""

    class Meta:
        model = TransferApplication
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    county = factory.SelfAttribute("household.county")
    station = factory.SelfAttribute("household.station")
    status = TransferApplication.Status.RECEIVED
    received_on = factory.LazyFunction(datetime.date.today)
    due_on = factory.LazyAttribute(
        lambda o: add_working_days(o.received_on, settings.NZC_TIME_LIMIT_WORKING_DAYS)
    )
    completed_on = None
    documents = factory.LazyFunction(lambda: list(REQUIRED_DOCUMENTS))

    class Params:
        completed = factory.Trait(
            status=TransferApplication.Status.COMPLETED,
            completed_on=factory.SelfAttribute("received_on"),
        )

    @factory.post_generation
    def numbered(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and not self.number:
            self.number = application_number(county_code=self.county.code, received_on=self.received_on,
                                             serial=self.pk)
            TransferApplication.objects.filter(pk=self.pk).update(number=self.number)


class PersonFactory(DjangoModelFactory):
    """A member written directly; ``male`` and ``born`` choose the ID number (unique in the process)."""

    class Meta:
        model = Person

    class Params:
        male = True
        born = DEFAULT_BIRTH
        area = factory.LazyAttribute(lambda o: o.county.code)
        claim = factory.LazyAttribute(lambda o: _ID_NUMBERS.make(o.area, o.born, o.male))

    application = factory.SubFactory(TransferApplicationFactory)
    household = factory.SelfAttribute("application.household")
    county = factory.SelfAttribute("application.county")
    station = factory.SelfAttribute("application.station")
    completed_on = factory.SelfAttribute("application.completed_on")
    name = factory.LazyAttributeSequence(lambda o, n: _people(n).name(male=o.male))
    id_number = factory.LazyAttribute(lambda o: o.claim[0])
    birth_date = factory.LazyAttribute(lambda o: o.claim[1])
    sex = factory.LazyAttribute(lambda o: "M" if o.male else "F")
    relation = "head"
    category = "urban_village"
    employment = factory.Sequence(lambda n: Employment.values[n % len(Employment.values)])
    destination_address = "昭阳区凤凰街道龙泉路1号"


class PersonDataFactory(factory.DictFactory):
    """A member as ``application_create`` takes it: ``area``, ``birth`` (kept exactly), ``male`` and
    ``serial`` choose the ID number (see ``numbered_id``)."""

    class Params:
        area = "530602"
        birth = None
        male = True
        serial = factory.Sequence(lambda n: n + 1)

    name = factory.LazyAttribute(lambda o: _people(o.serial).name(male=o.male))
    id_number = factory.LazyAttribute(lambda o: numbered_id(area=o.area, serial=o.serial, male=o.male, birth=o.birth))
    ethnicity = "01"
    education = "70"
    marital_status = "20"
    relation = "head"
    category = "migrant_worker"
    destination_address = "昭阳区凤凰街道龙泉路1号"


class HouseholdDataFactory(factory.DictFactory):
    """A household as ``application_create`` takes it."""

    class Params:
        serial = factory.Sequence(lambda n: n + 1)

    number = factory.LazyAttribute(lambda o: f"H{o.serial:06d}")
    kind = "agricultural"
    head_name = factory.LazyAttribute(lambda o: _people(o.serial).name(male=True))
    township = "北闸镇"
    village = "塘房村"
    address = factory.LazyAttribute(lambda o: f"北闸镇塘房村{o.serial}号")
