"""A few hundred realistic demo households received at green channels in the recent past, in every
state, created through households.services (so each has its events). Idempotent.

Townships are taken from the public lists of each county's townships (乡镇); villages, streets,
people and household numbers are plainly generated. Ethnicity follows the 2010 census mix of the
city (Han majority; Hui 3.5%, Miao 3.3%, Yi 3.1%), weighted up a little so that each appears.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from households import ids, services
from households.models import ApplicationEvent, Household
from households.reference import REQUIRED_DOCUMENTS, SURVEY_ELIGIBLE_2012
from households.workdays import add_working_days
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

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "罗", "何",
            "郭", "高", "邓", "彭", "曾", "吕", "谢", "付", "唐", "邹", "熊", "肖", "龙", "姚", "蒋", "卢",
            "范", "余", "潘", "韩", "袁", "田", "雷", "陶"]
SURNAMES_BY_ETHNICITY = {"03": ["马", "纳", "沙", "丁", "穆", "海"], "06": ["杨", "王", "陶", "张", "熊", "李"],
                         "07": ["安", "禄", "陇", "龙", "阿", "吉"]}
MALE_CHARS = "明华强伟军勇刚平兵杰涛斌波辉鹏超林文国建志德福贵成荣发海云川洪顺江学永金春富祥正开忠"
FEMALE_CHARS = "秀英兰芳丽梅琴霞红燕玲萍娟敏艳桂芬珍凤莲菊群花云琼香翠仙美"
ETHNICITIES = [("01", 84), ("03", 6), ("06", 5), ("07", 5)]
OCCUPATIONS_ADULT = ["务农", "务工", "个体经营", "建筑工人", "餐饮服务", "运输", "家政服务", "商贩"]
RETURN_NOTES = ["缺少户口簿原件，请补正。", "城镇居住证明不全，请补交租赁合同。", "转户类别证明缺失，请补交移民证明。"]
REJECT_NOTES = ["经核查申请人已是城镇户口，不予办理。", "提供的城镇居住证明不实，不予办理。",
                "申请人不在本辖区居住，请到原户籍地派出所办理。"]
WITHDRAW_NOTES = ["申请人担心失去承包地，主动撤回。", "申请人担心影响水库移民后期扶持补助，暂缓转户。",
                  "申请人对计划生育过渡政策有顾虑，主动撤回。"]

# share of households by their story (the rest are completed)
STORIES = [("completed", 55), ("received", 12), ("returned", 7), ("returned_completed", 6),
           ("rejected", 7), ("withdrawn", 7), ("overdue", 6)]


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
        self.used = set()
        self.admin = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("id").first()
        self.clerks = {
            a.station_id: a.user for a in StaffAssignment.objects.filter(role="clerk").select_related("user")
        }
        stations = self._stations()
        if self.admin is None and not self.clerks:
            raise CommandError("No user can receive applications: run seed_demo_users first.")
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

    def _given(self, male):
        chars = MALE_CHARS if male else FEMALE_CHARS
        if self.rng.random() < 0.25:
            return self.rng.choice(chars)
        return self.rng.choice(chars) + self.rng.choice(chars)

    def _birth(self, age):
        start = self.today - datetime.timedelta(days=int(age * 365.25) + self.rng.randint(0, 364))
        return start

    def _id_number(self, county, birth):
        codes = [county.code]
        if birth.year < 1985:  # issued before 2001: the old 5321xx code, usually
            codes = [c for c in county.all_codes if c.startswith("5321")] * 3 + codes
        area = self.rng.choice(codes)
        return area

    def _person(self, county, ethnicity, surname, age, male, relation):
        birth = self._birth(age)
        area = self._id_number(county, birth)
        while True:
            seq = self.rng.randrange(1, 499) * 2 + (1 if male else 0)  # 002–997, odd for men
            number = ids.make(area, birth, seq)
            if number not in self.used:
                self.used.add(number)
                break
        if age < 6:
            education = ""
        elif age < 13:
            education = "80"
        elif age < 16:
            education = "70"
        elif age < 19:
            education = self.rng.choice(["60", "40", "70"])
        elif birth.year < 1960:
            education = self.rng.choices(["80", "90", "70"], [6, 3, 1])[0]
        elif birth.year < 1980:
            education = self.rng.choices(["70", "80", "60"], [6, 3, 1])[0]
        else:
            education = self.rng.choices(["70", "60", "40", "30", "20"], [4, 2, 2, 2, 1])[0]
        if relation in ("head", "spouse", "child_in_law"):
            marital = "20" if relation != "head" or self.rng.random() < 0.9 else self.rng.choice(["30", "40"])
        elif relation == "parent":
            marital = self.rng.choice(["20", "30"])
        else:
            marital = "10" if age < 22 or self.rng.random() < 0.7 else "20"
        if age < 16:
            occupation = "学生" if age >= 6 else ""
        elif age >= 65:
            occupation = "无"
        else:
            occupation = self.rng.choice(OCCUPATIONS_ADULT)
        return {
            "name": surname + self._given(male),
            "id_number": number,
            "sex": "M" if male else "F",
            "birth_date": birth,
            "ethnicity": ethnicity,
            "education": education,
            "marital_status": marital,
            "relation": relation,
            "occupation": occupation,
            "phone": f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}" if 18 <= age < 70 else "",
        }

    def _members(self, county, ethnicity):
        rng = self.rng
        surnames = SURNAMES_BY_ETHNICITY.get(ethnicity, SURNAMES)
        surname = rng.choice(surnames)
        head_age = rng.randint(26, 68)
        head_male = rng.random() < 0.85
        members = [self._person(county, ethnicity, surname, head_age, head_male, "head")]
        if rng.random() < 0.85:
            spouse_age = max(20, head_age + rng.randint(-4, 3) * (1 if head_male else -1))
            members.append(self._person(county, ethnicity, rng.choice(SURNAMES), spouse_age, not head_male, "spouse"))
        child_age = head_age - rng.randint(22, 30)
        for _ in range(rng.choice([1, 2, 2, 3])):
            if child_age < 0:
                break
            members.append(self._person(county, ethnicity, surname, child_age, rng.random() < 0.52, "child"))
            child_age -= rng.randint(1, 4)
        eldest = members[2] if len(members) > 2 else None
        if eldest and eldest["relation"] == "child" and head_age - 24 >= 24 and rng.random() < 0.4:
            elder_age = (self.today - eldest["birth_date"]).days // 365
            if elder_age >= 23:
                members.append(self._person(county, ethnicity, rng.choice(SURNAMES), elder_age - 1,
                                            eldest["sex"] == "F", "child_in_law"))
                if elder_age >= 26:
                    members.append(self._person(county, ethnicity, surname if eldest["sex"] == "M" else
                                                rng.choice(SURNAMES), rng.randint(1, elder_age - 22),
                                                rng.random() < 0.5, "grandchild"))
        if head_age <= 45 and rng.random() < 0.3:
            members.append(self._person(county, ethnicity, surname, head_age + rng.randint(24, 30),
                                        rng.random() < 0.4, "parent"))
        if len(members) < 2:
            members.append(self._person(county, ethnicity, surname, max(1, head_age - 25), rng.random() < 0.5, "child"))
        return members[:6]

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
        ethnicity = rng.choices([e for e, _w in ETHNICITIES], [w for _e, w in ETHNICITIES])[0]
        members = self._members(county, ethnicity)
        self._categories(members)
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
        if story == "completed":
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
