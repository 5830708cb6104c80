"""The demo supervision year 2012: publicity, funding and problems carrying the report's totals.

The report (2012-10-24) gives city totals by 2012-10-20 only: 521 media campaigns, 3,462 on-site
events and 1.26 million leaflets (一(六)); 30,000 public-rental flats started, ¥447 M for urban
public facilities, ¥5.6 M for job training and ¥130 M for school expansion (一(七)). Here they are
split across the 11 counties in proportion to their population, by largest remainder so that the
parts add up exactly; the split, the dates, the amount spent on the flats and the planned amounts
are illustrative. The problems raised are the report's own four (二(一)–(四)).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from nongzhuancheng.models import County, MemberUnit
from oversight import inspections, services
from oversight.models import FundingKind, Group, Milestone, OutputUnit, PublicityRecord

D = datetime.date
YEAR = 2012
AS_OF = D(2012, 10, 20)

PUBLICITY = {"media_campaigns": 521, "onsite_events": 3462, "leaflets": 1_260_000}
PUBLICITY_DAYS = [D(2012, 2, 20), D(2012, 5, 20), D(2012, 8, 20), D(2012, 10, 15)]

# (kind, project name, spent by 2012-10-20 in yuan, output unit, output); the flats' amount is illustrative
FUNDING = [
    (FundingKind.HOUSING, "公租房建设", 900_000_000, OutputUnit.FLATS, 30_000),
    (FundingKind.PUBLIC_SERVICES, "城镇公共服务设施建设", 447_000_000, OutputUnit.NONE, 0),
    (FundingKind.EMPLOYMENT, "转户人口就业创业培训", 5_600_000, OutputUnit.NONE, 0),
    (FundingKind.EDUCATION, "城镇学校改扩建", 130_000_000, OutputUnit.NONE, 0),
]
FUNDING_DAYS = [(D(2012, 6, 30), 2), (D(2012, 9, 30), 3)]  # spent in two instalments, 2 : 3
PLANNED_FACTOR = Decimal("1.25")  # illustrative: a quarter of the plan still to be spent by 10-20

# The report's problems (二): (raised by county code or member unit code, raised on, title, description)
PROBLEMS = [
    ("530622", D(2012, 8, 6), "城镇建设规模小，配套政策不到位",
     "大部份城镇建设规模小，难以承载和满足转户人群的需求；省级配套政策不到位，部门实施细则未出台，"
     "“农村五项保留、城市五项保障”政策的权益难以得到保障。"),
    ("530627", D(2012, 9, 3), "部分干部群众认识有偏颇，转户人群有顾虑",
     "部分转户人群担心政策变，持等待观望态度，库区移民担心失去原有扶持政策；有的希望值过高。"),
    ("family_planning", D(2012, 9, 24), "计划生育5年过渡期对农转城工作有影响",
     "许多只生育一胎和未结婚的年轻农民怕5年过渡期后政策变了，不愿转为城镇居民。"),
    ("530621", D(2012, 10, 8), "体制机制不够顺，工作对接有一定难度",
     "县区领导小组办公室设置不统一（8个设在农村人力资源开发办，3个设在公安局），至今无正式人员编制，"
     "办公室人员均为临时借用。"),
]


# The timetable's time requirements (一(五)); the dates are illustrative
MILESTONES = [
    ("开展调查研究", D(2012, 2, 29)), ("落实机构人员", D(2012, 3, 15)), ("制定政策措施", D(2012, 3, 31)),
    ("制定文件表册", D(2012, 4, 15)), ("开展业务培训", D(2012, 4, 30)), ("公开办理事项", D(2012, 5, 15)),
    ("设立办理窗口", D(2012, 5, 31)), ("落实转户任务", D(2012, 12, 31)),
]
# Rounds of inspection every two months (一(八)); dates illustrative
ROUNDS = [D(2012, 4, 10), D(2012, 6, 11), D(2012, 8, 10), D(2012, 10, 10)]


def split(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` by largest remainder: the parts add up to ``total``."""
    whole = sum(weights)
    if not whole:
        weights, whole = [1] * len(weights), len(weights)
    exact = [total * w for w in weights]
    parts = [e // whole for e in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] % whole), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _holder(code: str) -> dict[str, Any]:
    county = County.objects.filter(code=code).first()
    if county is not None:
        return {"county": county}
    return {"member_unit": MemberUnit.objects.get(code=code)}


@transaction.atomic
def seed_2012(*, actor: Any, assessments: bool = True) -> dict[str, int]:
    """Publicity, funding, problems and the two assessment schemes of 2012 (nothing if already there)."""
    if PublicityRecord.objects.filter(held_on__year=YEAR).exists():
        return {}
    counties = list(County.objects.all())
    weights = [c.population_2020 for c in counties]
    made = {"publicity": 0, "funding": 0, "problems": 0, "assessments": 0}

    shares = {name: split(total, weights) for name, total in PUBLICITY.items()}
    for i, county in enumerate(counties):
        by_day = {name: split(shares[name][i], [1] * len(PUBLICITY_DAYS)) for name in PUBLICITY}
        for j, day in enumerate(PUBLICITY_DAYS):
            services.publicity_record(actor=actor, county=county, held_on=day, description="农转城政策宣传",
                                      **{name: by_day[name][j] for name in PUBLICITY})
            made["publicity"] += 1

    for kind, name, spent, unit, output in FUNDING:
        amounts = split(spent, weights)
        outputs = split(output, weights)
        for county, amount, units in zip(counties, amounts, outputs, strict=True):
            planned = (Decimal(amount) * PLANNED_FACTOR).quantize(Decimal(1))
            project = services.funding_project_create(
                actor=actor, county=county, year=YEAR, kind=kind, name=name, planned_amount=planned,
                output_unit=unit, planned_output=int(units * PLANNED_FACTOR))
            instalments = split(amount, [w for _, w in FUNDING_DAYS])
            unit_parts = split(units, [w for _, w in FUNDING_DAYS])
            for (day, _w), part, done in zip(FUNDING_DAYS, instalments, unit_parts, strict=True):
                services.funding_entry_add(actor=actor, project=project, spent_on=day, amount=part, output=done)
            made["funding"] += 1

    raised = []
    for code, on, title, description in PROBLEMS:
        raised.append(services.problem_raise(actor=actor, title=title, description=description, raised_on=on,
                                             **_holder(code)))
    made["problems"] = len(raised)
    housing = MemberUnit.objects.filter(code="housing").first()
    first, second, third = raised[0], raised[1], raised[2]
    services.problem_move(problem=first, move="assign", actor=actor, assigned_to=housing, on=D(2012, 8, 7))
    services.problem_move(problem=first, move="answer", actor=actor, on=D(2012, 8, 17),
                          note="市住建局牵头，公租房建设优先安排转户贫困人群；向省政府汇报，敦促出台配套实施细则。")
    services.problem_move(problem=first, move="close", actor=actor, on=D(2012, 8, 24))
    services.problem_move(problem=second, move="answer", actor=actor, on=D(2012, 9, 14),
                          note="继续开展释疑解惑，重点宣传“兼有两个身份、享有五项保留、提供五项保障”的政策。")
    services.problem_move(problem=third, move="assign", actor=actor, on=D(2012, 9, 25),
                          assigned_to=MemberUnit.objects.filter(code="family_planning").first())

    made["milestones"] = 0
    for order, (title, due_on) in enumerate(MILESTONES, start=1):
        milestone = Milestone.objects.create(year=YEAR, order=order, title=title, due_on=due_on,
                                             document_number="昭城统组〔2012〕1号")
        made["milestones"] += 1
        if due_on > AS_OF:
            continue
        for i, county in enumerate(counties):
            late = (i + order) % 7 == 0  # a few counties late, illustrative
            inspections.milestone_done(actor=actor, milestone=milestone, county=county,
                                       done_on=due_on + datetime.timedelta(days=10 if late else -3))
    made["inspections"] = 0
    for n, day in enumerate(ROUNDS, start=1):
        inspection = inspections.inspection_record(
            actor=actor, kind="round", title=f"2012年第{n}轮农转城工作督促检查", started_on=day,
            team="市城乡统筹协调领导组检查组")
        made["inspections"] += 1
        if n == len(ROUNDS):
            for code, text in (("530602", "部分派出所绿色通道未公示办理工作日和咨询电话"),
                               ("530627", "转户群众权益保障台账不完整")):
                inspections.finding_add(actor=actor, inspection=inspection, finding=text,
                                        requirement="限期整改并报送整改情况", due_on=day + datetime.timedelta(days=20),
                                        **_holder(code))

    if assessments:
        for group in Group.values:
            scheme = services.scheme_create(actor=actor, year=YEAR, group=group, as_of=AS_OF,
                                            title="农转城工作目标责任考核", document_number="昭政办发〔2012〕18号")
            made["assessments"] += len(services.assessment_start_all(scheme=scheme, actor=actor))
    return made
