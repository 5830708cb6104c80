"""Demo data for 2012 (and the benchmark's later years): targets, pools and completed transfers.

Everything here is deterministic. The city-wide figures are the report's own (579,476 persons by
2012-10-20, 500,000 city target raised from 350,000 on 2012-06-03, provincial task 130,000 passed on
2012-06-12); the split to counties (by 2020 census population), the counties' deviations, the daily
curve, the categories, names and addresses are ILLUSTRATIVE.

Rows are written in bulk by ``nongzhuancheng.bulk`` (COPY on PostgreSQL). People come from
``demo.people`` (names that fit the sex, ages that fit the relation to the head, ID numbers never given
twice and skipping numbers already claimed); application numbers from
``households.numbers.application_number``.
"""

import contextlib
import datetime
import json
import math
import random
from collections import Counter
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from households import rollup
from households.models import ApplicationEvent, Household, Person, TransferApplication
from households.numbers import application_number
from households.reference import REQUIRED_DOCUMENTS, SURVEY_ELIGIBLE_2012
from households.workdays import add_working_days
from nongzhuancheng import bulk, progress
from nongzhuancheng.models import County, MemberUnit, PoliceStation
from quotas.models import Level, ResponsibilityDocument, SurveyPool, Target, TargetRevision
from quotas.services import target_set

from .people import IdNumbers, People

D = datetime.date
REPORT_TOTAL = 579_476          # by 2012-10-20
REPORT_DAY = D(2012, 10, 20)
RAISE_DAY = D(2012, 6, 3)        # the city raised its target from 350,000 to 500,000
PROVINCE_MET_DAY = D(2012, 6, 12)

# Illustrative: how far each county runs ahead of (>1) or behind (<1) its population share.
DEVIATION = {
    "530602": 1.22, "530621": 0.95, "530622": 1.05, "530623": 0.80, "530624": 0.62, "530625": 1.00,
    "530626": 0.66, "530627": 1.12, "530628": 1.02, "530629": 0.90, "530630": 0.60,
}
TOWNSHIPS = ["城关镇", "中心镇", "新街镇", "盐井镇", "旧圃镇", "北闸镇", "永丰镇", "凤凰街道", "龙泉街道", "太平街道"]
VILLAGES = ["塘房村", "大河村", "小龙洞村", "团结村", "新华村", "沙坝村", "青岗村", "岩头村", "坪地村", "河坝社区"]
STREETS = ["龙泉路", "珠泉路", "海楼路", "昭阳大道", "建设路", "民族街", "南顺城街", "北门街"]

def split(total, weights):
    """Split ``total`` in proportion to ``weights`` by largest remainder: the parts sum exactly."""
    weights = list(weights)
    s = sum(weights)
    if total == 0 or s == 0:
        return [0] * len(weights)
    raw = [total * w / s for w in weights]
    parts = [math.floor(x) for x in raw]
    short = total - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[:short]:
        parts[i] += 1
    return parts


@dataclass(frozen=True)
class Scale:
    name: str
    factor: int  # divide every figure by this

    def n(self, value):
        return value // self.factor

    @property
    def label(self):
        return "" if self.factor == 1 else f"（示例数据，缩小{self.factor}倍）"


FULL = Scale("full", 1)
SMALL = Scale("small", 100)


def daily_curve_2012(*, by_report_day, after):
    """{date: persons completed} for 2012: slow January–May, a surge after the 6-03 meeting, the
    provincial 130,000 (scaled) passed on 6-12, ``by_report_day`` in all by 10-20, ``after`` more by 12-31."""
    f = by_report_day / REPORT_TOTAL
    before_meeting = round(92_000 * f)
    meeting_to_11 = round(36_500 * f)
    june_12 = round(3_000 * f)
    rest = by_report_day - before_meeting - meeting_to_11 - june_12

    def days(a, b):
        return [a + datetime.timedelta(days=i) for i in range((b - a).days + 1)]

    curve = {}

    def spread(total, span, weight):
        for day, n in zip(span, split(total, [weight(d, i) for i, d in enumerate(span)]), strict=True):
            curve[day] = curve.get(day, 0) + n

    def weekday(day):
        return 0.35 if day.weekday() >= 5 else 1.0

    spread(before_meeting, days(D(2012, 1, 1), D(2012, 6, 2)), lambda d, i: weekday(d) * (1 + i / 40))
    spread(meeting_to_11, days(RAISE_DAY, D(2012, 6, 11)), lambda d, i: 1 + i / 4)
    spread(june_12, [PROVINCE_MET_DAY], lambda d, i: 1)
    spread(rest, days(D(2012, 6, 13), REPORT_DAY), lambda d, i: weekday(d) * (1.2 + 0.25 * math.sin(i / 9)))
    spread(after, days(D(2012, 10, 21), D(2012, 12, 31)), lambda d, i: weekday(d) * (1 - i / 120))
    return curve


def flat_curve(year, total):
    """{date: persons} for a plain later year (the benchmark's 2013–2016)."""
    span = [D(year, 1, 1) + datetime.timedelta(days=i) for i in range((D(year, 12, 31) - D(year, 1, 1)).days + 1)]
    return dict(zip(span, split(total, [0.35 if d.weekday() >= 5 else 1.0 for d in span]), strict=True))


@contextlib.contextmanager
def explicit_timestamps(*models):
    """Let bulk inserts carry their own created/updated times (auto_now fields switched off)."""
    saved = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add


# The columns written by generate_transfers, in the order its rows give them (bulk.layout adds the rest).
HOUSEHOLD_FIELDS = ("id", "county_id", "station_id", "number", "kind", "head_name", "township", "village", "address",
                    "annual_income", "income_source", "created_at", "updated_at")
APPLICATION_FIELDS = ("id", "number", "household_id", "county_id", "station_id", "status", "received_on", "due_on",
                      "completed_on", "documents", "note", "created_at", "updated_at")
EVENT_FIELDS = ("id", "application_id", "from_status", "to_status", "at")
PERSON_FIELDS = ("id", "application_id", "household_id", "name", "id_number", "sex", "birth_date", "ethnicity",
                 "education", "marital_status", "relation", "occupation", "employment", "phone", "category",
                 "destination_address", "holds_claim", "county_id", "station_id", "completed_on")


def generate_transfers(*, curve, ids, seed="2012", stdout=None, households_seq=None, progress=None, keys=None):
    """Create completed transfers following ``curve`` ({date: persons}), split to counties by
    population × DEVIATION, to stations, categories and households, one day's batch at a time.
    Returns the persons created. ``progress`` (an object with ``update(n)``) is told the persons of
    each batch written; ``keys`` (a Counter), when given, gets the summary-table keys of the persons
    written (``households.rollup.completion_key``), for ``rollup_apply``.

    The rows are plain tuples in the database's form (``bulk.copy_rows``), not model instances: the
    same values ``bulk.insert`` would write for the instances (dates and times adapted by the
    connection, the other columns their defaults, ``bulk.layout``), without the cost of building
    half a million objects."""
    counties = list(County.objects.order_by("code"))
    stations = {}
    for s in PoliceStation.objects.order_by("code"):
        stations.setdefault(s.county_id, []).append(s)
    categories = list(SURVEY_ELIGIBLE_2012)
    category_weights = [SURVEY_ELIGIBLE_2012[c] for c in categories]
    due_cache = {}
    seq = households_seq if households_seq is not None else [Household.objects.count()]
    tz = timezone.get_current_timezone()
    ops = connection.ops
    adapt_date, adapt_time, adapt_decimal = ops.adapt_datefield_value, ops.adapt_datetimefield_value, ops.adapt_decimalfield_value
    adapted_days = {}  # date: its database form (received, due and completion days repeat a lot)

    def db_day(value):
        if value not in adapted_days:
            adapted_days[value] = adapt_date(value)
        return adapted_days[value]

    documents = json.dumps(list(REQUIRED_DOCUMENTS), ensure_ascii=False)
    layouts = {model: bulk.layout(model, fields) for model, fields in (
        (Household, HOUSEHOLD_FIELDS), (TransferApplication, APPLICATION_FIELDS), (ApplicationEvent, EVENT_FIELDS),
        (Person, PERSON_FIELDS))}
    created = 0
    for day in sorted(curve):
        total = curve[day]
        if not total:
            continue
        rng = random.Random(f"{seed}-{day.isoformat()}")
        wobble = [DEVIATION.get(c.code, 1.0) * (1 + 0.12 * math.sin(day.toordinal() / 17 + i)) for i, c in enumerate(counties)]
        per_county = split(total, [c.population_2020 * w for c, w in zip(counties, wobble, strict=True)])
        people = People(rng, today=day, id_numbers=ids)
        stamp = adapt_time(datetime.datetime.combine(day, datetime.time(16, 0), tzinfo=tz))
        completed_on = db_day(day)
        received_at_of = {}
        # one entry a household: (household values, application values, person values) without the ids
        drawn = []
        for county, n in zip(counties, per_county, strict=True):
            while n > 0:
                size = min(rng.choice((1, 1, 2, 2, 3, 3, 3, 4, 4, 5)), n)
                n -= size
                seq[0] += 1
                station = rng.choice(stations[county.pk])
                received = day - datetime.timedelta(days=rng.randint(1, 9))
                if received not in due_cache:
                    due_cache[received] = add_working_days(received, 10)
                if received not in received_at_of:
                    received_at_of[received] = adapt_time(
                        datetime.datetime.combine(received, datetime.time(9, 30), tzinfo=tz))
                received_at = received_at_of[received]
                township = rng.choice(TOWNSHIPS)
                village = rng.choice(VILLAGES)
                members = people.family(county, size=size)
                income, source = people.household_income(size)
                household = (county.pk, station.pk, f"D{day.year % 100:02d}{seq[0]:08d}", "agricultural",
                             members[0]["name"], township, village, f"{township}{village}{rng.randint(1, 300)}号",
                             None if income is None else adapt_decimal(income), source, received_at, stamp)
                application = (county, received, received_at, (
                    county.pk, station.pk, "completed", db_day(received), db_day(due_cache[received]), completed_on,
                    documents, "", received_at, stamp))
                category = rng.choices(categories, category_weights)[0]
                street = rng.choice(STREETS)
                persons = []
                for m in members:
                    persons.append((
                        m["name"], m["id_number"], m["sex"], adapt_date(m["birth_date"]), m["ethnicity"],
                        m["education"], m["marital_status"], m["relation"], m["occupation"], m["employment"],
                        m["phone"], category, f"{county.name}{street}{rng.randint(1, 400)}号", True,
                        county.pk, station.pk, completed_on,
                    ))
                    if keys is not None:
                        keys[rollup.completion_key(day, county.pk, station.pk, category, m["sex"], m["birth_date"])] += 1
                drawn.append((household, application, persons))
        count = sum(len(persons) for _h, _a, persons in drawn)
        household_ids = bulk.reserve_id_range(Household._meta.db_table, len(drawn))
        _write(Household, layouts, household_ids, [household for household, _a, _p in drawn])
        app_ids = bulk.reserve_id_range(TransferApplication._meta.db_table, len(drawn))
        _write(TransferApplication, layouts, app_ids, [
            (application_number(county_code=county.code, received_on=received, serial=app_id), household_id, *values)
            for app_id, household_id, (_h, (county, received, _at, values), _p) in zip(
                app_ids, household_ids, drawn, strict=True)])
        events = [event for app_id, (_h, (_c, _r, received_at, _v), _p) in zip(app_ids, drawn, strict=True)
                  for event in ((app_id, "", "received", received_at), (app_id, "received", "completed", stamp))]
        _write(ApplicationEvent, layouts, bulk.reserve_id_range(ApplicationEvent._meta.db_table, len(events)), events)
        _write(Person, layouts, bulk.reserve_id_range(Person._meta.db_table, count), [
            (app_id, household_id, *person)
            for app_id, household_id, (_h, _a, persons) in zip(app_ids, household_ids, drawn, strict=True)
            for person in persons])
        created += count
        if progress is not None:
            progress.update(count)
        if stdout and day.day == 1:
            stdout.write(f"  {day}: {created:,} persons")
    return created


def _write(model, layouts, ids, rows):
    """Write ``rows`` (values of the model's fields in ``layouts``, after the id) with the ``ids``."""
    columns, rest = layouts[model]
    bulk.copy_rows(model._meta.db_table, columns, ((pk, *row, *rest) for pk, row in zip(ids, rows, strict=True)))


def seed_targets_2012(scale):
    """Targets, revisions, multi-year plans, member-unit targets, pools and documents."""
    label = scale.label
    counties = list(County.objects.order_by("code"))
    populations = [c.population_2020 for c in counties]
    target_set(actor=None, year=2012, level=Level.PROVINCE, amount=scale.n(130_000), effective_on=D(2012, 1, 1),
               note="省下达昭通市2012年农转城任务（参考线）" + label)
    first = (scale.n(350_000), D(2012, 2, 20), "昭政办发〔2012〕18号", "年初计划（生效日期为示例）")
    raised = (scale.n(500_000), RAISE_DAY, "", "2012年6月3日全市推进会决定提高至50万人")
    county_amounts = {}
    for amount, on, doc, note in (first, raised):
        target_set(actor=None, year=2012, level=Level.CITY, amount=amount, effective_on=on, document_number=doc,
                   note=note + label)
        for county, part in zip(counties, split(amount, populations), strict=True):
            county_amounts[county.pk] = part
            target_set(actor=None, year=2012, level=Level.COUNTY, county=county, amount=part, effective_on=on,
                       document_number=doc, note="示例：按2020年人口普查人口比例分解" + label)
    for unit in MemberUnit.objects.prefetch_related("linked_counties"):
        amount = sum(county_amounts.get(c.pk, 0) for c in unit.linked_counties.all())
        if amount:
            target_set(actor=None, year=2012, level=Level.MEMBER_UNIT, member_unit=unit, amount=amount,
                       effective_on=RAISE_DAY, note="示例：挂钩县区目标任务之和" + label)
    for year in range(2013, 2021):
        amount = 200_000 if year <= 2015 else 100_000
        target_set(actor=None, year=year, level=Level.CITY, amount=scale.n(amount), effective_on=D(year, 1, 1),
                   note=("2013—2015年每年20万人（常态化）" if year <= 2015 else "2016—2020年年均约10万人") + label)
    pools = []
    for category, eligible in SURVEY_ELIGIBLE_2012.items():
        for county, part in zip(counties, split(scale.n(eligible), populations), strict=True):
            pools.append(SurveyPool(survey_year=2012, county=county, category=category, eligible=part,
                                    note="示例：按2020年人口比例拆分全市摸底数" + label))
    SurveyPool.objects.bulk_create(pools)
    ResponsibilityDocument.objects.bulk_create(
        [ResponsibilityDocument(year=2012, county=c, signed_on=D(2012, 2, 28), document_number="",
                                title="2012年双向目标任务考核责任书（示例）") for c in counties]
        + [ResponsibilityDocument(year=2012, member_unit=u, signed_on=D(2012, 2, 28), document_number="",
                                  title="2012年双向目标任务考核责任书（示例）") for u in MemberUnit.objects.all()]
    )


def seed_2012(*, scale=FULL, stdout=None, by_report_day=None, after=None, progress_out=None):
    """The whole demo year. Returns the persons created (0 if 2012 is already there).

    ``by_report_day`` / ``after`` override the persons by 10-20 and after it (the benchmark loads
    1.55 million into the one year). ``progress_out`` (a stream) shows a bar of the persons written
    (``nongzhuancheng.progress``), then a line for the summary tables."""
    if Target.objects.filter(year=2012, level=Level.CITY).exists() or TargetRevision.objects.filter(
        target__year=2012
    ).exists():
        return 0
    existing = Person.objects.filter(completed_on__gte=D(2012, 1, 1), completed_on__lte=REPORT_DAY).count()
    by_report_day = (scale.n(REPORT_TOTAL) if by_report_day is None else by_report_day) - existing
    after = scale.n(45_000) if after is None else after
    curve = daily_curve_2012(by_report_day=by_report_day, after=after)
    ids = IdNumbers(Person.objects.filter(holds_claim=True).values_list("id_number", flat=True).iterator())
    if connection.vendor == "sqlite":  # the indexes of 600,000 rows take fewer reads with a larger page cache
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size = -131072")  # 128 MB, for this connection only
    with transaction.atomic(), explicit_timestamps(Household, TransferApplication, ApplicationEvent):
        seed_targets_2012(scale)
        keys = Counter()
        with progress.bar(progress_out, total=sum(curve.values()), desc="2012 transfers", unit="persons") as shown:
            created = generate_transfers(curve=curve, ids=ids, seed="2012", stdout=stdout, progress=shown, keys=keys)
        # The summary tables get the persons written, counted as they were made (as an import does):
        # rebuilding them from the rows groups by the age at completion, which SQLite works out in a
        # Python function per row (134 s for the full year; this: a few seconds).
        with progress.timed(progress_out, "summary tables (rollup)"):
            rollup.rollup_apply(keys)
    with progress.timed(progress_out, "planner statistics"):
        refresh_statistics()
    return created


def refresh_statistics():
    """After a bulk load: fresh planner statistics. PostgreSQL also gets a visibility map so that the
    progress counts can use index-only scans at once (VACUUM only outside a transaction). SQLite
    gets ``ANALYZE`` (sqlite_stat1), without which its planner takes every index as equally selective."""
    tables = [m._meta.db_table for m in (Person, TransferApplication, Household, ApplicationEvent)]
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("ANALYZE")
            return
        if connection.vendor != "postgresql":
            return
        for table in tables:
            cur.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM ANALYZE'} {connection.ops.quote_name(table)}")
