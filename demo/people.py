"""Realistic people for demo data, tests and benchmarks: one generator of names, ages, families and
resident ID numbers.

Given names are drawn from characters common for the person's sex; surnames follow the household's
ethnicity (Hui, Miao and Yi families favour their own common surnames). Birth dates are drawn in
household order and fit the relation to the head (a spouse near the head's age, children born 18–40
years after the head, a parent as many years before), and the head is the first member. ID numbers are checksum-correct (``households.ids.make``), carry the county's pre-2001 5321xx
area code for most people born before 1985, agree with the person's sex and birth date, have spread
sequence codes and are never given twice by one generator. Every draw comes from the ``random.Random`` passed in, so a seed gives
the same people again. Everything here is ILLUSTRATIVE: the people belong to no one.
"""

from __future__ import annotations

import datetime
import random
import zlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from households.ids import make

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "罗", "何",
            "郭", "高", "邓", "彭", "曾", "吕", "谢", "付", "唐", "邹", "熊", "肖", "龙", "姚", "蒋", "卢",
            "范", "余", "潘", "韩", "袁", "田", "雷", "陶"]
SURNAMES_BY_ETHNICITY = {"03": ["马", "纳", "沙", "丁", "穆", "海"], "06": ["杨", "王", "陶", "张", "熊", "李"],
                         "07": ["安", "禄", "陇", "龙", "阿", "吉"]}
MALE_CHARS = "明华强伟军勇刚平兵杰涛斌波辉鹏超林文国建志德福贵成荣发海云川洪顺江学永金春富祥正开忠"
FEMALE_CHARS = "秀英兰芳丽梅琴霞红燕玲萍娟敏艳桂芬珍凤莲菊群花云琼香翠仙美"
# The 2010 census mix of the city (Han majority; Hui 3.5%, Miao 3.3%, Yi 3.1%), weighted up a little
# so that each appears in a few hundred households.
ETHNICITIES = [("01", 84), ("03", 6), ("06", 5), ("07", 5)]
# Children are born this many years after the head of the household (parents as many before).
CHILD_GAP = (18, 40)
OCCUPATIONS_ADULT = ["务农", "务工", "个体经营", "建筑工人", "餐饮服务", "运输", "家政服务", "商贩"]
# Employment by age (households.reference.Employment codes and weights)
EMPLOYMENT_WORKING = (("farming", "employed", "self_employed", "flexible", "unemployed"), (35, 30, 10, 15, 10))
EMPLOYMENT_OLD = (("farming", "retired", "unable", "flexible"), (45, 10, 40, 5))
INCOME_SOURCES = (("crops", "livestock", "migrant_work", "local_work", "business", "property", "transfers", "other"),
                  (22, 10, 30, 15, 10, 3, 7, 3))


class IdNumbers:
    """Resident ID numbers that are never given twice: for each area code, birth date and sex the
    next free sequence, skipping numbers already ``taken``. The 3-digit sequence code (the 15th–17th
    digits) runs through 002–995 in a spread order that differs per area and day (a step of
    ``STEP`` around ``PER_DAY`` places from a start drawn from the area and date), as numbers given
    out by many registration offices look; its last digit is odd for men and even for women (996–999
    are left to centenarians). When a day's ``PER_DAY`` numbers of one sex are used up the birth date
    moves on a day (``make`` returns the date it used)."""

    PER_DAY = 497   # sequence places per area, day and sex: 2×1 … 2×497 (+1 for men)
    STEP = 211      # coprime to PER_DAY: k = 1 … PER_DAY visits every place once

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken = set(taken)
        self.next_index: dict[tuple[str, datetime.date, bool], int] = {}

    @classmethod
    def sequence(cls, area: str, birth: datetime.date, male: bool, k: int) -> int:
        """The k-th (1 … PER_DAY) sequence code of an area, day and sex."""
        start = zlib.crc32(f"{area}{birth:%Y%m%d}".encode()) % cls.PER_DAY
        place = 1 + (start + (k - 1) * cls.STEP) % cls.PER_DAY
        return 2 * place + (1 if male else 0)

    def make(self, area: str, birth: datetime.date, male: bool) -> tuple[str, datetime.date]:
        while True:
            k = self.next_index.get((area, birth, male), 1)
            if k > self.PER_DAY:
                birth += datetime.timedelta(days=1)
                continue
            self.next_index[(area, birth, male)] = k + 1
            number = make(area, birth, self.sequence(area, birth, male, k))
            if number not in self.taken:  # (numbers made here differ by construction)
                return number, birth


class People:
    """Draws people and households; ``today`` is the day ages are counted at (a transfer's day)."""

    def __init__(self, rng: random.Random, *, today: datetime.date | None = None,
                 id_numbers: IdNumbers | None = None) -> None:
        self.rng = rng
        self.today = today or datetime.date.today()
        self.ids = id_numbers if id_numbers is not None else IdNumbers()
        # employment and income draw from their own generator, seeded from (not drawing from) ``rng``,
        # so that the names, ages and numbers of a seed stay what they were before these fields
        self.extra = random.Random(hash(rng.getstate()[1][:16]))

    # ---------------------------------------------------------------- one person

    def ethnicity(self) -> str:
        return self.rng.choices([e for e, _w in ETHNICITIES], [w for _e, w in ETHNICITIES])[0]

    def surname(self, ethnicity: str = "01") -> str:
        return self.rng.choice(SURNAMES_BY_ETHNICITY.get(ethnicity, SURNAMES))

    def given(self, male: bool) -> str:
        chars = MALE_CHARS if male else FEMALE_CHARS
        if self.rng.random() < 0.25:
            return self.rng.choice(chars)
        return self.rng.choice(chars) + self.rng.choice(chars)

    def name(self, male: bool, surname: str | None = None, ethnicity: str = "01") -> str:
        return (surname or self.surname(ethnicity)) + self.given(male)

    def birth(self, age: int) -> datetime.date:
        """A birth date that makes the person ``age`` years old on ``today``."""
        return self.today - datetime.timedelta(days=int(age * 365.25) + self.rng.randint(0, 364))

    def area(self, county: Any, birth: datetime.date) -> str:
        """The area code of the ID number: numbers issued before 2001 (people born before 1985,
        mostly) keep the old 5321xx code of the county."""
        codes = [county.code]
        if birth.year < 1985:
            codes = [c for c in county.all_codes if c.startswith("5321")] * 3 + codes
        return self.rng.choice(codes)

    def id_number(self, county: Any, birth: datetime.date, male: bool) -> tuple[str, datetime.date]:
        return self.ids.make(self.area(county, birth), birth, male)

    def education(self, age: int, birth: datetime.date) -> str:
        rng = self.rng
        if age < 6:
            return ""
        if age < 13:
            return "80"
        if age < 16:
            return "70"
        if age < 19:
            return rng.choice(["60", "40", "70"])
        if birth.year < 1960:
            return rng.choices(["80", "90", "70"], [6, 3, 1])[0]
        if birth.year < 1980:
            return rng.choices(["70", "80", "60"], [6, 3, 1])[0]
        return rng.choices(["70", "60", "40", "30", "20"], [4, 2, 2, 2, 1])[0]

    def marital_status(self, relation: str, age: int) -> str:
        rng = self.rng
        if relation in ("head", "spouse", "child_in_law"):
            return "20" if relation != "head" or rng.random() < 0.9 else rng.choice(["30", "40"])
        if relation == "parent":
            return rng.choice(["20", "30"])
        return "10" if age < 22 or rng.random() < 0.7 else "20"

    def occupation(self, age: int) -> str:
        if age < 16:
            return "学生" if age >= 6 else ""
        if age >= 65:
            return "无"
        return self.rng.choice(OCCUPATIONS_ADULT)

    def employment(self, age: int) -> str:
        """A plausible employment status for the age (blank for small children)."""
        if age < 6:
            return ""
        if age < 18 or (age < 23 and self.extra.random() < 0.4):
            return "student"
        codes, weights = EMPLOYMENT_WORKING if age < 60 else EMPLOYMENT_OLD
        return self.extra.choices(codes, weights)[0]

    def household_income(self, size: int) -> tuple[Decimal | None, str]:
        """(annual income in yuan, main source) of a household of ``size``; about 1 in 12 left blank."""
        rng = self.extra
        if rng.random() < 0.08:
            return None, ""
        per_head = rng.lognormvariate(8.6, 0.7)  # median about 5,400 yuan a head (2012)
        amount = Decimal(int(per_head * (1 + 0.7 * (size - 1))) // 100 * 100)
        return amount, rng.choices(*INCOME_SOURCES)[0]

    def phone(self, age: int) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}" if 18 <= age < 70 else ""

    def age_on_today(self, birth: datetime.date) -> int:
        today = self.today
        return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))

    def person(self, county: Any, *, age: int | None = None, born: datetime.date | None = None, male: bool,
               relation: str, surname: str | None = None, ethnicity: str = "01") -> dict[str, Any]:
        """One member as ``households.services.application_create`` takes it: born on ``born``, or
        ``age`` years old on ``today``."""
        birth = born if born is not None else self.birth(age or 0)
        number, birth = self.id_number(county, birth, male)
        age = self.age_on_today(birth)
        return {
            "name": self.name(male, surname, ethnicity),
            "id_number": number,
            "sex": "M" if male else "F",
            "birth_date": birth,
            "ethnicity": ethnicity,
            "education": self.education(age, birth),
            "marital_status": self.marital_status(relation, age),
            "relation": relation,
            "occupation": self.occupation(age),
            "employment": self.employment(age),
            "phone": self.phone(age),
        }

    # ---------------------------------------------------------------- a household

    def family(self, county: Any, *, size: int, ethnicity: str | None = None) -> list[dict[str, Any]]:
        """``size`` members of one household (1–6), their birth dates drawn in household order: the
        head (an adult), a spouse within a few years of the head, children born 18–40 years after the
        head (``CHILD_GAP``), a child's spouse and a grandchild when the eldest child is old enough,
        and a parent of the head (born 18–40 years before) when the children run out. The head comes
        first; the household's ``head_name`` is that member's name."""
        rng = self.rng
        today = self.today
        ethnicity = ethnicity or self.ethnicity()
        surname = self.surname(ethnicity)
        head_male = rng.random() < 0.85

        def years(n: float) -> datetime.timedelta:
            return datetime.timedelta(days=round(n * 365.25))

        def within_year() -> datetime.timedelta:
            return datetime.timedelta(days=rng.randint(0, 300))

        members: list[dict[str, Any]] = []

        def add(born: datetime.date, male: bool, relation: str, own_surname: bool = True) -> dict[str, Any]:
            member = self.person(county, born=born, male=male, relation=relation, ethnicity=ethnicity,
                                 surname=surname if own_surname else self.surname(ethnicity))
            members.append(member)
            return member

        head = add(self.birth(rng.randint(26, 68) if size > 1 else rng.randint(20, 75)), head_male, "head")
        head_born = head["birth_date"]
        adult = today - years(20)
        if size >= 2:
            shift = rng.randint(-4, 3) * (1 if head_male else -1)
            add(min(adult, head_born - years(shift) + within_year()), not head_male, "spouse", own_surname=False)
        lo, hi = CHILD_GAP
        latest = today - datetime.timedelta(days=30)  # nobody is born after the day of the transfer
        child_born = head_born + years(rng.randint(lo + 4, lo + 12)) + within_year()
        children = rng.choice([1, 2, 2, 3])
        eldest = None
        while len(members) < size and children and child_born <= min(latest, head_born + years(hi)):
            child = add(child_born, rng.random() < 0.52, "child")
            eldest = eldest or child
            child_born = child["birth_date"] + years(rng.randint(1, 4)) + within_year()
            children -= 1
        if eldest and len(members) < size and self.age_on_today(eldest["birth_date"]) >= 23:
            add(eldest["birth_date"] + years(1), eldest["sex"] == "F", "child_in_law", own_surname=False)
            eldest_age = self.age_on_today(eldest["birth_date"])
            if len(members) < size and eldest_age >= 26:
                born = eldest["birth_date"] + years(rng.randint(22, eldest_age - 1)) + within_year()
                add(min(born, latest), rng.random() < 0.5, "grandchild", own_surname=eldest["sex"] == "M")
        parent_born = head_born - years(rng.randint(lo + 6, lo + 12)) - within_year()
        while len(members) < size and self.age_on_today(parent_born) <= 92:
            add(parent_born, rng.random() < 0.4, "parent")
            parent_born = min(max(parent_born + years(rng.randint(-3, 3)), head_born - years(hi - 1)),
                              head_born - years(lo + 1))
        while len(members) < size:  # one more child, born at least 18 years after the head
            born = max(head_born + years(lo + 0.1), min(latest, head_born + years(rng.randint(lo + 4, lo + 12))))
            add(born, rng.random() < 0.52, "child")
        return members
