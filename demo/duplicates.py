"""Planted probable duplicates, for the duplicate scan's test and benchmark: for chosen people, a
second record of "the same person" under another ID number, one kind of likeness each (the four
bases of ``quality.models.DuplicatePair.Basis``). Rows are written in bulk beside the original (in
its application), holding a claim; ``plant`` returns the pairs it made. ILLUSTRATIVE data."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from typing import Any

from households.ids import make
from households.models import Person
from households.names import name_key
from nongzhuancheng import bulk

BASES = ("same_name_birth", "old_new_number", "near_number", "sounds_alike")
# characters that sound like another (toneless pinyin), for a name that sounds the same
HOMOPHONES = {"王": "汪", "李": "黎", "张": "章", "刘": "留", "陈": "辰", "杨": "阳", "赵": "召", "黄": "皇",
              "周": "舟", "吴": "武", "徐": "许", "胡": "湖", "朱": "珠", "罗": "萝", "何": "禾", "郭": "锅",
              "高": "羔", "邓": "登", "彭": "蓬", "曾": "增", "谢": "泻", "唐": "堂", "熊": "雄", "龙": "笼",
              "马": "玛", "测": "策", "明": "名", "伟": "玮", "强": "墙", "英": "鹰", "芳": "方",
              "丽": "力", "军": "君", "平": "萍", "红": "虹"}
OLD_AREA = {"530602": "532101"}  # 昭阳区 was 昭通县 (5321xx) before 2001


def _sounds_alike(name: str) -> str | None:
    for i, ch in enumerate(name):
        other = HOMOPHONES.get(ch)
        if other and len(other) == 1 and other != ch:
            candidate = name[:i] + other + name[i + 1:]
            if name_key(candidate) == name_key(name):
                return candidate
    return None


def _other_area(area: str) -> str:
    if area in OLD_AREA:
        return OLD_AREA[area]
    for new, old in OLD_AREA.items():
        if area == old:
            return new
    return "532101" if area != "532101" else "530602"


def _twin(person: Any, basis: str, rng: random.Random) -> tuple[str, str, datetime.date] | None:
    """(name, ID number, birth date) of the second record, or None if this person cannot have one."""
    number = person.id_number
    area, birth, seq = number[:6], person.birth_date, int(number[14:17])
    if basis == "same_name_birth":
        return person.name, make(area, birth, (seq + 2 * rng.randint(100, 240)) % 1000), birth
    if basis == "old_new_number":
        return person.name, make(_other_area(area), birth, seq), birth
    if basis == "near_number":  # the day of birth one off, same sequence: the day digit and the check
        day = birth + datetime.timedelta(days=1 if birth.day % 10 != 9 else -1)
        if day.month != birth.month or (day.day // 10) != (birth.day // 10):
            return None
        twin = make(area, day, seq)
        if sum(x != y for x, y in zip(twin, number, strict=True)) > 2:
            return None
        return person.name, twin, day
    if basis == "sounds_alike":
        name = _sounds_alike(person.name)
        if name is None:
            return None
        return name, make(area, birth, (seq + 2 * rng.randint(100, 240)) % 1000), birth
    raise ValueError(basis)


def plant(people: Sequence[Any], rng: random.Random) -> list[tuple[int, int, str]]:
    """A second record for each of ``people`` (Person rows), the basis going round BASES. Returns
    (original id, new id, basis) for each record planted (a person whose twin cannot be made, or whose
    new number is taken, is skipped)."""
    wanted = []
    for i, person in enumerate(people):
        basis = BASES[i % len(BASES)]
        twin = _twin(person, basis, rng)
        if twin is not None:
            wanted.append((person, basis, twin))
    taken = set(Person.objects.filter(id_number__in=[t[2][1] for t in wanted]).values_list("id_number", flat=True))
    rows, made, seen = [], [], set()
    for person, basis, (name, number, birth) in wanted:
        if number in taken or number in seen:
            continue
        seen.add(number)
        twin = Person(
            application_id=person.application_id, household_id=person.household_id, name=name, id_number=number,
            sex=person.sex, birth_date=birth, ethnicity=person.ethnicity, education=person.education,
            marital_status=person.marital_status, relation="other", phone="", occupation=person.occupation,
            category=person.category, destination_address=person.destination_address, holds_claim=True,
            county_id=person.county_id, station_id=person.station_id, completed_on=None, name_key="",
        )
        rows.append(twin)
        made.append((person, twin, basis))
    bulk.insert(Person, rows)
    return [(p.pk, t.pk, basis) for p, t, basis in made]
