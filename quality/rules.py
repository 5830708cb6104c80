"""The data-quality rules: one table, each rule a code, a severity, a message and a predicate.

A predicate narrows a queryset of people (or of applications, for a rule about the application) to
the rows that break the rule; it is plain ORM, so the same predicate checks one application at entry
(``Person.objects.filter(application_id=…)``) and the whole city in the nightly scan (one SQL
statement a rule, ``quality.services.findings_sync``), on PostgreSQL and SQLite alike.

Severity: ``error`` refuses an entry (the record cannot be right), ``warning`` lets the clerk keep it
with a reason (it is unlikely, not impossible). Ages are counted on the application's receipt date.

Thresholds (the product's judgement, written down here and in the README):

* education — 研究生 before 22, 大学本科 before 20, 大学专科 before 19 (the youngest usual graduates);
  研究生 at 70 or more (in 2012: born by 1942, before postgraduate study was common) — warnings;
* a discharged soldier (农村籍退役士兵) under 18: conscripts are 18 or more — an error;
* a head of household under 16 (an orphaned minor can head a register) — a warning;
* a child (子女) older than the head or the head's spouse in the same household (a step-parent can be
  younger, so) — a warning;
* a spouse under the legal marriage age (22 for men, 20 for women) — a warning (customary marriages
  registered later exist);
* a completion dated before the receipt — an error;
* a completed application whose members' category needs a proof (every category but 其它) without the
  category proof ticked (an import or old data: completing through the service requires it) — an error;
* a household's annual income far out of range: more than 500,000 yuan, or more than 100,000 yuan a
  member (Zhaotong's rural households earned about 4,500 yuan a head in 2012; a typing slip of a few
  zeros is the usual cause) — a warning, found once a household (on its head).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractDay, ExtractMonth, ExtractYear
from django.utils.translation import gettext_lazy as _

from households.models import Person, TransferApplication
from households.reference import Category, Document, Education, Relation, Sex

ERROR = "error"
WARNING = "warning"
SEVERITY_LABELS = {ERROR: _("错误"), WARNING: _("提示")}

PERSON = "person"
APPLICATION = "application"

# Each category's proof (the one checklist item 转户类别证明 stands for them all); 其它 needs none.
CATEGORY_PROOF: dict[str, Any] = {
    Category.RESERVOIR_MIGRANT: _("移民证明"),
    Category.SMALL_TOWN: _("小集镇建设吸纳证明"),
    Category.MIGRANT_WORKER: _("务工经商证明（劳动合同、营业执照）"),
    Category.GRADUATE: _("毕业证"),
    Category.VETERAN: _("退伍证"),
    Category.NEW_GEN_WORKER: _("务工证明"),
    Category.LAND_EXPROPRIATED: _("征地证明"),
    Category.URBAN_VILLAGE: _("城中村居民证明"),
    Category.COLLECTIVE_SUPPORT: _("供养证明"),
    Category.KIN_IN_TOWN: _("亲属关系和居住证明"),
}

EDUCATION_MIN_AGE = {Education.POSTGRADUATE: 22, Education.BACHELOR: 20, Education.COLLEGE: 19}
POSTGRADUATE_MAX_AGE = 70
VETERAN_MIN_AGE = 18
HEAD_MIN_AGE = 16
INCOME_MAX = 500_000  # yuan a year, a household
INCOME_MAX_A_MEMBER = 100_000  # yuan a year, a member of the household
MARRIAGE_AGE = {Sex.MALE: 22, Sex.FEMALE: 20}


def age_at(day: str) -> Any:
    """Full years between the person's birth date and the date field ``day`` (SQL, portable)."""
    return (ExtractYear(day) - ExtractYear("birth_date")
            - Case(When(Q(**{f"{day}__month__lt": ExtractMonth("birth_date")})
                        | Q(**{f"{day}__month": ExtractMonth("birth_date"), f"{day}__day__lt": ExtractDay("birth_date")}),
                        then=Value(1)), default=Value(0), output_field=IntegerField()))


def _aged(people: QuerySet) -> QuerySet:
    return people.annotate(q_age=age_at("application__received_on"))


def _education_age(people: QuerySet) -> QuerySet:
    too_young = Q(pk__in=[])
    for education, age in EDUCATION_MIN_AGE.items():
        too_young |= Q(education=education, q_age__lt=age)
    return _aged(people).filter(too_young)


def _postgraduate_aged(people: QuerySet) -> QuerySet:
    return _aged(people).filter(education=Education.POSTGRADUATE, q_age__gte=POSTGRADUATE_MAX_AGE)


def _veteran_young(people: QuerySet) -> QuerySet:
    return _aged(people).filter(category=Category.VETERAN, q_age__lt=VETERAN_MIN_AGE)


def _head_young(people: QuerySet) -> QuerySet:
    return _aged(people).filter(relation=Relation.HEAD, q_age__lt=HEAD_MIN_AGE)


def _child_older(people: QuerySet) -> QuerySet:
    younger_parent = Person.objects.filter(
        household_id=OuterRef("household_id"), holds_claim=True, relation__in=[Relation.HEAD, Relation.SPOUSE],
        birth_date__gt=OuterRef("birth_date"),
    )
    return people.filter(relation=Relation.CHILD).filter(Exists(younger_parent))


def _spouse_young(people: QuerySet) -> QuerySet:
    under = Q(pk__in=[])
    for sex, age in MARRIAGE_AGE.items():
        under |= Q(sex=sex, q_age__lt=age)
    return _aged(people).filter(relation=Relation.SPOUSE).filter(under)


def _completed_before_received(applications: QuerySet) -> QuerySet:
    return applications.filter(completed_on__isnull=False, completed_on__lt=F("received_on"))


def _proof_missing(people: QuerySet) -> QuerySet:
    ticked = f'"{Document.CATEGORY_PROOF.value}"'  # the list as JSON text: ["…", "category_proof", …]
    return (people.filter(application__status=TransferApplication.Status.COMPLETED, category__in=list(CATEGORY_PROOF))
            .annotate(q_documents=Cast("application__documents", TextField()))
            .exclude(q_documents__contains=ticked))


def _income_out_of_range(people: QuerySet) -> QuerySet:
    members = (Person.objects.filter(household_id=OuterRef("household_id"), holds_claim=True)
               .order_by().values("household_id").annotate(n=Count("pk")).values("n"))
    return (people.filter(relation=Relation.HEAD, household__annual_income__isnull=False)
            .annotate(q_members=Subquery(members, output_field=IntegerField()))
            .filter(Q(household__annual_income__gt=INCOME_MAX)
                    | Q(household__annual_income__gt=F("q_members") * INCOME_MAX_A_MEMBER)))


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    title: Any  # lazy gettext: the rule in a few words (the queue's counts)
    message: Any  # lazy gettext; "%(name)s" is the person's name (a rule about people)
    predicate: Callable[[QuerySet], QuerySet]
    level: str = PERSON  # PERSON: narrows Person rows; APPLICATION: narrows TransferApplication rows

    @property
    def model(self) -> Any:
        return Person if self.level == PERSON else TransferApplication

    def matching(self, rows: QuerySet | None = None) -> QuerySet:
        """The rows that break the rule, among ``rows`` (default: every person holding a claim, or
        every application that is received, returned or completed)."""
        if rows is None:
            rows = (Person.objects.filter(holds_claim=True) if self.level == PERSON
                    else TransferApplication.objects.filter(status__in=TransferApplication.CLAIMING))
        return self.predicate(rows)

    def text(self, name: str = "") -> str:
        return str(self.message) % {"name": name}


RULES: list[Rule] = [
    Rule("education_age", WARNING, _("文化程度与年龄不符"),
         _("%(name)s：文化程度与年龄不符（研究生不满22岁、本科不满20岁或专科不满19岁）。"),
         _education_age),
    Rule("postgraduate_aged", WARNING, _("高龄研究生"),
         _("%(name)s：70岁以上而文化程度为研究生，请核对。"), _postgraduate_aged),
    Rule("veteran_under_18", ERROR, _("未满18岁的退役士兵"),
         _("%(name)s：转户类别为农村籍退役士兵，但不满18岁。"), _veteran_young),
    Rule("head_under_16", WARNING, _("未满16岁的户主"),
         _("%(name)s：户主不满16岁，请核对。"), _head_young),
    Rule("child_older_than_parent", WARNING, _("子女比父母年长"),
         _("%(name)s：子女比户主或其配偶年长，请核对出生日期或与户主关系。"),
         _child_older),
    Rule("spouse_under_marriage_age", WARNING, _("配偶未达法定婚龄"),
         _("%(name)s：配偶未达法定婚龄（男22岁、女20岁）。"), _spouse_young),
    Rule("completed_before_received", ERROR, _("办结早于受理"),
         _("办结日期早于受理日期。"), _completed_before_received,
         level=APPLICATION),
    Rule("category_proof_missing", ERROR, _("缺转户类别证明"),
         _("%(name)s：已办结，但未勾选转户类别证明材料。"), _proof_missing),
    Rule("income_out_of_range", WARNING, _("家庭年收入异常"),
         _("%(name)s户：家庭年收入超过50万元或人均超过10万元，请核对金额（是否多输了零）。"),
         _income_out_of_range),
]
BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def rule_title(code: str) -> str:
    rule = BY_CODE.get(code)
    return str(rule.title) if rule else code
