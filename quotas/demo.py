"""Demo data for 2012 (and the benchmark's later years): targets, pools and completed transfers.

Everything here is deterministic. The city-wide figures are the report's own (579,476 persons by
2012-10-20, 500,000 city target raised from 350,000 on 2012-06-03, provincial task 130,000 passed on
2012-06-12); the split to counties (by 2020 census population), the counties' deviations, the daily
curve, the categories, names and addresses are ILLUSTRATIVE.

Rows are written in bulk: ``bulk_create`` in batches, or COPY on PostgreSQL. ID numbers come from a
generator that is injective per county (birth date × sequence) and skips numbers already claimed.
"""

import contextlib
import datetime
import math
import random
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from households.models import ApplicationEvent, Household, Person, TransferApplication
from households.reference import REQUIRED_DOCUMENTS, SURVEY_ELIGIBLE_2012
from households.workdays import add_working_days
from nongzhuancheng.models import County, MemberUnit, PoliceStation

from .models import Level, ResponsibilityDocument, SurveyPool, Target, TargetRevision

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
SURNAMES = "王李张刘陈杨赵黄周吴徐孙朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤"
GIVEN = "国华明英秀兰建平志军红梅文芳玉林春海燕强丽娟云龙琴勇杰敏静磊涛超霞刚亮桂芬永福德成连贵发兴"
TOWNSHIPS = ["城关镇", "中心镇", "新街镇", "盐井镇", "旧圃镇", "北闸镇", "永丰镇", "凤凰街道", "龙泉街道", "太平街道"]
VILLAGES = ["塘房村", "大河村", "小龙洞村", "团结村", "新华村", "沙坝村", "青岗村", "岩头村", "坪地村", "河坝社区"]
STREETS = ["龙泉路", "珠泉路", "海楼路", "昭阳大道", "建设路", "民族街", "南顺城街", "北门街"]
ETHNICITIES = ["01"] * 90 + ["03"] * 4 + ["06"] * 3 + ["07"] * 3  # Han, Hui, Miao, Yi (2010 census shares)
EDUCATION = ["80"] * 30 + ["70"] * 40 + ["60"] * 12 + ["40"] * 8 + ["30"] * 6 + ["20"] * 3 + ["90"]
BIRTH_FROM = D(1940, 1, 1)
BIRTH_SPAN = 24_107  # days from 1940-01-01 (a prime, so the birth-date permutation is a bijection)


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


class IdNumbers:
    """Deterministic, collision-free resident ID numbers per county.

    The k-th person of a county gets birth date BIRTH_FROM + (k × 7919 mod BIRTH_SPAN) and sequence
    2 × (k div BIRTH_SPAN) + (k mod 2) + 400: injective in k. Numbers already claimed are skipped."""

    def __init__(self, taken=()):
        self.taken = set(taken)
        self.counters = {}

    def next(self, county, old_code):
        from households.ids import make

        while True:
            k = self.counters.get(county, 0)
            self.counters[county] = k + 1
            birth = BIRTH_FROM + datetime.timedelta(days=(k * 7919) % BIRTH_SPAN)
            seq = 400 + 2 * (k // BIRTH_SPAN) + (k % 2)
            if seq > 999:
                raise RuntimeError("ID number space of the county exhausted")
            area = old_code if old_code and birth.year < 1985 else county
            number = make(area, birth, seq)
            if number not in self.taken:
                return number, birth, "M" if seq % 2 else "F"


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


class Writer:
    """Inserts model instances in bulk: COPY on PostgreSQL (ids taken from the sequence first),
    bulk_create elsewhere."""

    def __init__(self, use_copy=None):
        self.use_copy = connection.vendor == "postgresql" if use_copy is None else use_copy

    def reserve_ids(self, model, objs):
        if not self.use_copy or not objs:
            return
        table = model._meta.db_table
        with connection.cursor() as cur:
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(objs)]
            )
            for obj, (pk,) in zip(objs, cur.fetchall(), strict=True):
                obj.pk = pk

    def insert(self, model, objs):
        if not objs:
            return
        if not self.use_copy:
            model.objects.bulk_create(objs, batch_size=2000)
            return
        fields = model._meta.concrete_fields
        cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with connection.cursor() as cur:
            with cur.cursor.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({cols}) FROM STDIN") as cp:
                for obj in objs:
                    cp.write_row([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields])


def generate_transfers(*, curve, ids, writer, seed="2012", stdout=None, households_seq=None):
    """Create completed transfers following ``curve`` ({date: persons}), split to counties by
    population × DEVIATION, to stations, categories and households. Returns the persons created."""
    counties = list(County.objects.order_by("code"))
    stations = {}
    for s in PoliceStation.objects.order_by("code"):
        stations.setdefault(s.county_id, []).append(s)
    categories = list(SURVEY_ELIGIBLE_2012)
    category_weights = [SURVEY_ELIGIBLE_2012[c] for c in categories]
    due_cache = {}
    seq = households_seq if households_seq is not None else [Household.objects.count()]
    tz = timezone.get_current_timezone()
    created = 0
    for day in sorted(curve):
        total = curve[day]
        if not total:
            continue
        rng = random.Random(f"{seed}-{day.isoformat()}")
        wobble = [DEVIATION.get(c.code, 1.0) * (1 + 0.12 * math.sin(day.toordinal() / 17 + i)) for i, c in enumerate(counties)]
        per_county = split(total, [c.population_2020 * w for c, w in zip(counties, wobble, strict=True)])
        households, apps, events, people = [], [], [], []
        for county, n in zip(counties, per_county, strict=True):
            old = county.old_codes.split(",")[0].strip() if county.old_codes else ""
            while n > 0:
                size = min(rng.choice((1, 1, 2, 2, 3, 3, 3, 4, 4, 5)), n)
                n -= size
                seq[0] += 1
                station = rng.choice(stations[county.pk])
                received = day - datetime.timedelta(days=rng.randint(1, 9))
                if received not in due_cache:
                    due_cache[received] = add_working_days(received, 10)
                stamp = datetime.datetime.combine(day, datetime.time(16, 0), tzinfo=tz)
                received_at = datetime.datetime.combine(received, datetime.time(9, 30), tzinfo=tz)
                surname = rng.choice(SURNAMES)
                township = rng.choice(TOWNSHIPS)
                village = rng.choice(VILLAGES)
                hh = Household(
                    county=county, station=station, number=f"D{day.year % 100:02d}{seq[0]:08d}",
                    kind="agricultural", head_name=surname + rng.choice(GIVEN) + rng.choice(GIVEN),
                    township=township, village=village, address=f"{township}{village}{rng.randint(1, 300)}号",
                    created_at=received_at, updated_at=stamp,
                )
                app = TransferApplication(
                    number=f"{county.code}{received:%Y%m%d}D{seq[0] % 10_000_000:07d}", household=hh, county=county,
                    station=station, status="completed", received_on=received, due_on=due_cache[received],
                    completed_on=day, documents=list(REQUIRED_DOCUMENTS), note="", created_at=received_at,
                    updated_at=stamp,
                )
                households.append(hh)
                apps.append(app)
                category = rng.choices(categories, category_weights)[0]
                street = rng.choice(STREETS)
                for i in range(size):
                    number, birth, sex = ids.next(county.code, old)
                    people.append(Person(
                        application=app, household=hh, name=(surname if i != 1 else rng.choice(SURNAMES))
                        + rng.choice(GIVEN) + rng.choice(GIVEN), id_number=number, sex=sex, birth_date=birth,
                        ethnicity=rng.choice(ETHNICITIES), education=rng.choice(EDUCATION),
                        marital_status="20" if birth.year < 1990 else "10",
                        relation="head" if i == 0 else ("spouse" if i == 1 else "child"),
                        category=category, destination_address=f"{county.name}{street}{rng.randint(1, 400)}号",
                        holds_claim=True, county=county, station=station, completed_on=day,
                    ))
        writer.reserve_ids(Household, households)
        writer.insert(Household, households)
        for app in apps:
            app.household_id = app.household.pk
        writer.reserve_ids(TransferApplication, apps)
        writer.insert(TransferApplication, apps)
        for app in apps:
            events.append(ApplicationEvent(application_id=app.pk, from_status="", to_status="received",
                                           at=app.created_at))
            events.append(ApplicationEvent(application_id=app.pk, from_status="received", to_status="completed",
                                           at=app.updated_at))
        for p in people:
            p.application_id, p.household_id = p.application.pk, p.household.pk
        writer.reserve_ids(ApplicationEvent, events)
        writer.insert(ApplicationEvent, events)
        writer.reserve_ids(Person, people)
        writer.insert(Person, people)
        created += len(people)
        if stdout and day.day == 1:
            stdout.write(f"  {day}: {created:,} persons")
    return created


def seed_targets_2012(scale):
    """Targets, revisions, multi-year plans, member-unit targets, pools and documents."""
    from .services import target_set

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


def seed_2012(*, scale=FULL, stdout=None, writer=None, by_report_day=None, after=None):
    """The whole demo year. Returns the persons created (0 if 2012 is already there).

    ``by_report_day`` / ``after`` override the persons by 10-20 and after it (the benchmark loads
    1.55 million into the one year)."""
    if Target.objects.filter(year=2012, level=Level.CITY).exists() or TargetRevision.objects.filter(
        target__year=2012
    ).exists():
        return 0
    writer = writer or Writer()
    existing = Person.objects.filter(completed_on__gte=D(2012, 1, 1), completed_on__lte=REPORT_DAY).count()
    by_report_day = (scale.n(REPORT_TOTAL) if by_report_day is None else by_report_day) - existing
    after = scale.n(45_000) if after is None else after
    curve = daily_curve_2012(by_report_day=by_report_day, after=after)
    ids = IdNumbers(Person.objects.filter(holds_claim=True).values_list("id_number", flat=True).iterator())
    with transaction.atomic(), explicit_timestamps(Household, TransferApplication, ApplicationEvent):
        seed_targets_2012(scale)
        created = generate_transfers(curve=curve, ids=ids, writer=writer, seed="2012", stdout=stdout)
    refresh_statistics()
    return created


def refresh_statistics():
    """After a bulk load on PostgreSQL: fresh planner statistics, and a visibility map so that the
    progress counts can use index-only scans at once (VACUUM only outside a transaction)."""
    if connection.vendor != "postgresql":
        return
    tables = [m._meta.db_table for m in (Person, TransferApplication, Household, ApplicationEvent)]
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM ANALYZE'} {connection.ops.quote_name(table)}")
