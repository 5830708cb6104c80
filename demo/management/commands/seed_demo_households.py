"""A few hundred realistic demo households received at green channels in the recent past, in every
state, created through households.services (so each has its events). Idempotent.

Townships are taken from the public lists of each county's townships (乡镇); villages, streets,
people (``demo.people``) and household numbers are plainly generated.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo.people import IdNumbers, People
from households import services
from households.models import ApplicationEvent, CountyApprovalRule, Household, Person
from households.reference import REQUIRED_DOCUMENTS, SURVEY_ELIGIBLE_2012
from households.workdays import add_working_days
from nongzhuancheng import roles
from nongzhuancheng.models import County, PoliceStation, StaffAssignment

# Demo households are recognised by this 户号 prefix (the command does nothing if one exists).
DEMO_PREFIX = "YS"
DEFAULT_COUNT = 300

TOWNSHIPS = {
    "530602": ["凤凰街道", "龙泉街道", "太平街道", "旧圃镇", "永丰镇", "北闸镇", "靖安镇", "洒渔镇", "乐居镇",
               "苏家院镇", "盘河镇", "布嘎回族乡", "守望回族乡", "小龙洞回族彝族乡"],
    "530621": ["文屏镇", "龙头山镇", "水磨镇", "小寨镇", "江底镇", "火德红镇", "龙树镇", "梭山镇", "桃源回族乡",
               "茨院回族乡"],
    "530622": ["白鹤滩镇", "大寨镇", "药山镇", "老店镇", "蒙姑镇", "金塘镇", "茂租镇", "东坪镇", "炉房镇"],
    "530623": ["盐井镇", "普洱镇", "豆沙镇", "中和镇", "柿子镇", "庙坝镇", "兴隆乡"],
    "530624": ["翠华镇", "玉碗镇", "吉利镇", "天星镇", "木杆镇", "悦乐镇", "寿山镇", "高桥镇"],
    "530625": ["溪洛渡镇", "桧溪镇", "黄华镇", "茂林镇", "大兴镇", "莲峰镇", "务基镇", "团结乡"],
    "530626": ["中城镇", "南岸镇", "新滩镇", "会仪镇", "板栗镇"],
    "530627": ["乌峰镇", "南台镇", "旧府镇", "泼机镇", "黑树镇", "母享镇", "大湾镇", "以勒镇", "芒部镇",
               "雨河镇", "罗坎镇", "牛场镇", "五德镇", "坡头镇", "塘房镇"],
    "530628": ["角奎镇", "发界镇", "洛泽河镇", "牛街镇", "小草坝镇", "龙安镇", "海子镇", "两河镇",
               "奎香苗族彝族乡"],
    "530629": ["扎西镇", "旧城镇", "罗布镇", "麟凤镇", "长安镇", "庙沟镇", "水田镇", "双河苗族彝族乡"],
    "530630": ["向家坝镇", "云富街道", "太平镇", "两碗镇"],
}
VILLAGE_WORDS = ["塘房", "青杠", "大坪", "新街", "松林", "沙坝", "河坝", "白岩", "龙井", "石门", "凉水", "核桃",
                 "箐口", "中寨", "大堰", "田坝", "坪上", "岩脚", "瓦窑", "水井"]
ROADS = ["建设路", "人民路", "新华街", "龙泉路", "环城路", "迎宾路", "南大街", "北门街", "滨河路", "团结路"]

RETURN_NOTES = ["缺少户口簿原件，请补正。", "城镇居住证明不全，请补交租赁合同。", "转户类别证明缺失，请补交移民证明。"]
REJECT_NOTES = ["经核查申请人已是城镇户口，不予办理。", "提供的城镇居住证明不实，不予办理。",
                "申请人不在本辖区居住，请到原户籍地派出所办理。"]
WITHDRAW_NOTES = ["申请人担心失去承包地，主动撤回。", "申请人担心影响水库移民后期扶持补助，暂缓转户。",
                  "申请人对计划生育过渡政策有顾虑，主动撤回。"]

# share of households by their story (the rest are completed)
STORIES = [("completed", 52), ("received", 12), ("returned", 7), ("returned_completed", 6),
           ("rejected", 7), ("withdrawn", 7), ("overdue", 6), ("awaiting", 3)]
# the demo's county approval setting: collective-support people (集中供养) need the county's approval
APPROVAL_CATEGORIES = ["collective_support"]


class Command(BaseCommand):
    help = "Create a few hundred demo households and applications in every state (skips if they exist)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
        parser.add_argument("--seed", type=int, default=2012)

    def handle(self, *args, count=DEFAULT_COUNT, seed=2012, **options):
        if Household.objects.filter(number__startswith=DEMO_PREFIX).exists():
            self.stdout.write("Demo households already exist: nothing to do.")
            return
        if not County.objects.exists():
            raise CommandError("Load fixtures/reference.json first.")
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.people = People(self.rng, today=self.today, id_numbers=IdNumbers(
            Person.objects.filter(holds_claim=True).values_list("id_number", flat=True).iterator()))
        self.admin = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("id").first()
        self.clerks = {
            a.station_id: a.user for a in StaffAssignment.objects.filter(role=roles.CLERK).select_related("user")
        }
        stations = self._stations()
        if self.admin is None and not self.clerks:
            raise CommandError("No user can receive applications: run seed_demo_users first.")
        if self.admin is not None and not CountyApprovalRule.objects.exists():
            for county in County.objects.all():
                services.approval_rules_set(actor=self.admin, county=county, categories=APPROVAL_CATEGORIES)
        made = {}
        with transaction.atomic():
            for n in range(count):
                station = stations[n % len(stations)]
                story = self.rng.choices([s for s, _w in STORIES], [w for _s, w in STORIES])[0]
                for _attempt in range(3):
                    try:
                        with transaction.atomic():
                            self._household(n, station, story)
                        break
                    except ValidationError:  # an ID number already claimed elsewhere: draw again
                        continue
                made[story] = made.get(story, 0) + 1
        summary = ", ".join(f"{k} {v}" for k, v in sorted(made.items()))
        self.stdout.write(f"{count} demo households created ({summary}).")

    # ------------------------------------------------------------------ places

    def _stations(self):
        """Stations of several counties: every demo clerk's station, then a spread over the counties
        weighted by their 2020 population."""
        by_county = {}
        for st in PoliceStation.objects.select_related("county").order_by("code"):
            by_county.setdefault(st.county.code, []).append(st)
        chosen = [st for code in by_county for st in by_county[code] if st.pk in self.clerks]
        chosen = chosen * 6  # the demo clerks see plenty of their own
        for county in County.objects.all():
            share = max(1, county.population_2020 // 60_000)
            pool = by_county.get(county.code, [])[:8]
            chosen += [self.rng.choice(pool) for _ in range(share)] if pool else []
        self.rng.shuffle(chosen)
        return chosen

    def _actor(self, station):
        return self.clerks.get(station.pk) or self.admin

    # ------------------------------------------------------------------ people

    def _members(self, county, ethnicity):
        size = self.rng.choices([2, 3, 4, 5, 6], [20, 30, 30, 14, 6])[0]
        return self.people.family(county, size=size, ethnicity=ethnicity)

    def _categories(self, members):
        weights = dict(SURVEY_ELIGIBLE_2012)
        base = self.rng.choices(list(weights), list(weights.values()))[0]
        for m in members:
            age = (self.today - m["birth_date"]).days // 365
            category = base
            if m["education"] in ("20", "30") and 20 <= age <= 35 and self.rng.random() < 0.6:
                category = "graduate"
            elif m["sex"] == "M" and 22 <= age <= 40 and m["relation"] == "head" and self.rng.random() < 0.1:
                category = "veteran"
            elif base == "migrant_worker" and 16 <= age <= 35 and self.rng.random() < 0.5:
                category = "new_gen_worker"
            elif m["relation"] == "parent" and self.rng.random() < 0.3:
                category = "kin_in_town"
            m["category"] = category

    # ------------------------------------------------------------------ applications

    def _household(self, n, station, story):
        rng = self.rng
        county = station.county
        ethnicity = self.people.ethnicity()
        members = self._members(county, ethnicity)
        self._categories(members)
        if story == "awaiting":  # a completion the county approves (APPROVAL_CATEGORIES)
            for m in members:
                m["category"] = APPROVAL_CATEGORIES[0]
        township = rng.choice(TOWNSHIPS.get(county.code, ["城关镇"]))
        village = rng.choice(VILLAGE_WORDS) + "村"
        seat = TOWNSHIPS.get(county.code, ["城关镇"])[0]
        destination = f"{county.name}{seat}{rng.choice(ROADS)}{rng.randint(1, 260)}号"
        for m in members:
            m["destination_address"] = destination
        household = {
            "number": f"{DEMO_PREFIX}{county.code}{n:05d}",
            "kind": "agricultural",
            "head_name": members[0]["name"],
            "township": township,
            "village": village,
            "address": f"{county.name}{township}{village}{rng.randint(1, 12)}组{rng.randint(1, 80)}号",
        }
        actor = self._actor(station)
        if story == "overdue":
            received = self.today - datetime.timedelta(days=rng.randint(12, 40))
        elif story in ("received", "returned"):
            received = self.today - datetime.timedelta(days=rng.randint(0, 3))
        else:
            received = self.today - datetime.timedelta(days=rng.randint(5, 120))
        documents = list(REQUIRED_DOCUMENTS)
        if story in ("returned", "returned_completed", "overdue") or (story == "received" and rng.random() < 0.5):
            documents = documents[: rng.randint(2, 4)]
        app = services.application_create(
            actor=actor, household=household, members=members, documents=documents, station=station,
            received_on=received, note="",
        )
        times = [received]
        if story in ("completed", "awaiting"):  # a collective-support family waits for the county
            on = min(self.today, add_working_days(received, rng.randint(0, 5)))
            services.application_complete(application=app, actor=actor, on=on)
            times.append(on)
        elif story == "returned":
            services.application_return(application=app, actor=actor, note=rng.choice(RETURN_NOTES))
            times.append(min(self.today, received + datetime.timedelta(days=1)))
        elif story == "returned_completed":
            back = min(self.today, received + datetime.timedelta(days=rng.randint(3, 10)))
            services.application_return(application=app, actor=actor, note=rng.choice(RETURN_NOTES))
            services.application_resubmit(application=app, actor=actor, documents=REQUIRED_DOCUMENTS, on=back,
                                          note="已补齐材料。")
            on = min(self.today, add_working_days(back, rng.randint(0, 3)))
            services.application_complete(application=app, actor=actor, on=on)
            times += [min(self.today, received + datetime.timedelta(days=1)), back, on]
        elif story == "rejected":
            services.application_reject(application=app, actor=actor, note=rng.choice(REJECT_NOTES))
            times.append(min(self.today, received + datetime.timedelta(days=rng.randint(1, 4))))
        elif story == "withdrawn":
            services.application_withdraw(application=app, actor=actor, note=rng.choice(WITHDRAW_NOTES))
            times.append(min(self.today, received + datetime.timedelta(days=rng.randint(1, 10))))
        elif story == "overdue" and rng.random() < 0.4:
            services.application_return(application=app, actor=actor, note=rng.choice(RETURN_NOTES))
            times.append(received + datetime.timedelta(days=1))
        # the events happened on those days, in office hours
        tz = timezone.get_current_timezone()
        events = list(ApplicationEvent.objects.filter(application=app).order_by("id"))
        for i, (event, day) in enumerate(zip(events, times, strict=True)):
            event.at = datetime.datetime.combine(day, datetime.time(9 + i, rng.randint(0, 59)), tzinfo=tz)
        ApplicationEvent.objects.bulk_update(events, ["at"])
        return app
