"""A generated population of transferred people for the statistics tests: two counties, three
stations, completions in 2012 and 2013, people still waiting, every income band and source, every
employment, and guarantee and retention cases in every state (and none)."""

import datetime
import random
from decimal import Decimal

from demo.factories import HouseholdFactory, PersonFactory, TransferApplicationFactory
from entitlements.models import GuaranteeCase, GuaranteeKind, Retention, RetentionKind
from households import rollup
from households.reference import Category, Education, Employment, Ethnicity, IncomeSource

INCOMES = [None, Decimal("0"), Decimal("4999.99"), Decimal("5000"), Decimal("9999"), Decimal("10000"),
           Decimal("19999.50"), Decimal("20000"), Decimal("49999"), Decimal("50000"), Decimal("120000")]
TOWNSHIPS = ["北闸镇", "永丰镇", "守望乡"]


def build(stations, *, households=60, seed=15):
    """Households with 1–4 members at ``stations``; returns the people made."""
    rng = random.Random(seed)
    people = []
    for i in range(households):
        station = rng.choice(stations)
        done = rng.random()
        if done < 0.7:
            completed_on = datetime.date(2012, rng.randint(1, 12), rng.randint(1, 28))
        elif done < 0.85:
            completed_on = datetime.date(2013, rng.randint(1, 12), rng.randint(1, 28))
        else:
            completed_on = None
        household = HouseholdFactory(station=station, county=station.county, township=rng.choice(TOWNSHIPS),
                                     annual_income=INCOMES[i % len(INCOMES)],
                                     income_source=rng.choice([*IncomeSource.values, ""]))
        received = (completed_on or datetime.date(2013, 3, 1)) - datetime.timedelta(days=5)
        app = TransferApplicationFactory(
            household=household, received_on=received,
            status="completed" if completed_on else "received", completed_on=completed_on)
        for _m in range(rng.randint(1, 4)):
            age = rng.choice([2, 10, 17, 18, 30, 34, 35, 50, 59, 60, 75])
            born = (completed_on or received) - datetime.timedelta(days=int(age * 365.25) + rng.randint(-3, 3))
            people.append(PersonFactory(
                application=app, male=rng.random() < 0.5, born=born,
                ethnicity=rng.choice([Ethnicity.HAN, Ethnicity.HAN, Ethnicity.HUI, Ethnicity.YI, Ethnicity.MIAO]),
                education=rng.choice([*Education.values, ""]),
                employment=rng.choice([*Employment.values, ""]),
                category=rng.choice(Category.values),
            ))
    _cases(people, rng)
    rollup.rollup_rebuild()
    return people


def _cases(people, rng):
    guarantees, retentions = [], []
    for p in people:
        if p.completed_on is None:
            continue
        for kind in GuaranteeKind:
            if rng.random() < 0.25:
                continue  # no case of this kind
            state = rng.choice(GuaranteeCase.State.values)
            guarantees.append(GuaranteeCase(
                person=p, application_id=p.application_id, county_id=p.county_id, station_id=p.station_id,
                kind=kind, state=state, opened_on=p.completed_on,
                refusal_reason="不符合条件" if state == "refused" else ""))
        for kind in RetentionKind:
            if rng.random() < 0.3:
                continue
            retentions.append(Retention(
                person=p, application_id=p.application_id, county_id=p.county_id, station_id=p.station_id,
                kind=kind, state=rng.choice(Retention.State.values), opened_on=p.completed_on))
    GuaranteeCase.objects.bulk_create(guarantees)
    Retention.objects.bulk_create(retentions)


# ---------------------------------------------------------------- independent definitions

def age_band(birth, day):
    """Age in whole years on the completion day, banded (written again here, on purpose)."""
    age = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        age -= 1
    if age < 18:
        return "0-17"
    if age < 35:
        return "18-34"
    if age < 60:
        return "35-59"
    return "60+"


def income_band(amount):
    if amount is None:
        return "none"
    for upper, band in ((5000, "0-5k"), (10000, "5k-10k"), (20000, "10k-20k"), (50000, "20k-50k")):
        if amount < upper:
            return band
    return "50k+"


def codes_of(person, cases, *, region):
    """{dimension key: code} of one person, from its plain field values."""
    out = {
        "sex": person.sex,
        "age_band": age_band(person.birth_date, person.completed_on),
        "ethnicity": person.ethnicity,
        "education": person.education or "none",
        "income_band": income_band(person.household.annual_income),
        "income_source": person.household.income_source or "none",
        "employment": person.employment or "none",
        "category": person.category,
        "region": {"county": str(person.county_id), "station": str(person.station_id),
                   "township": person.household.township}[region],
    }
    for kind in GuaranteeKind:
        out[f"guarantee_{kind.value}"] = cases.get(("g", person.pk, kind.value), "none")
    for kind in RetentionKind:
        out[f"retention_{kind.value}"] = cases.get(("r", person.pk, kind.value), "none")
    return out


def all_cases():
    out = {("g", p, k): s for p, k, s in GuaranteeCase.objects.values_list("person_id", "kind", "state")}
    out.update({("r", p, k): s for p, k, s in Retention.objects.values_list("person_id", "kind", "state")})
    return out
