"""The city office's supervision work: assessment (目标责任考核), publicity, funding, problem feedback.

Everything here belongs to one holder, a county or a member unit (成员单位). A county office sees its
own county's rows, a member unit its own rows, the city office (city reader, administrator) all of
them; ``HeldRecord.scope_for_user`` says so once for every model.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nongzhuancheng.models import County, MemberUnit
from nongzhuancheng.roles import ADMIN as ADMIN_ROLE
from nongzhuancheng.roles import CITY_READER, COUNTY_OFFICER, MEMBER_UNIT
from nongzhuancheng.scoping import (
    ASSESSMENT_EDIT,
    ASSESSMENT_PUBLISH,
    INSPECTION_EDIT,
    OVERSIGHT_RECORD,
    PROBLEM_ANSWER,
    PROBLEM_RAISE,
    ScopedQuerySet,
)
from nongzhuancheng.workflow import Move, Workflow

CITY_OFFICE = frozenset({CITY_READER, ADMIN_ROLE})


class Group(models.TextChoices):
    """The two assessment groups of the report: the 11 counties, and the member units."""

    COUNTY = "county", _("县区组")
    MEMBER_UNIT = "member_unit", _("成员单位组")


def holder_filter(assignment, county_path: str = "county", unit_path: str = "member_unit") -> Q | None:
    """The rows of the user's own place: all (None) for the city office, else their county or unit."""
    if assignment.role in CITY_OFFICE:
        return None
    if assignment.role == COUNTY_OFFICER and assignment.county_id:
        return Q(**{f"{county_path}_id": assignment.county_id})
    if assignment.role == MEMBER_UNIT and assignment.member_unit_id:
        return Q(**{f"{unit_path}_id": assignment.member_unit_id})
    return Q(pk__in=[])


class HeldRecord(models.Model):
    """A row of one county or one member unit (exactly one of the two)."""

    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("县区"))
    member_unit = models.ForeignKey(MemberUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("成员单位"))

    objects = ScopedQuerySet.as_manager()
    scope_county = "county"

    class Meta:
        abstract = True

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        q = holder_filter(assignment)
        return queryset if q is None else queryset.filter(q)

    @property
    def holder(self):
        return self.county if self.county_id else self.member_unit

    @property
    def group(self) -> str:
        return Group.COUNTY if self.county_id else Group.MEMBER_UNIT

    def clean(self):
        if bool(self.county_id) == bool(self.member_unit_id):
            raise ValidationError(_("请选择一个县区或一个成员单位（二者选一）。"))


def one_holder(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        name=name,
        condition=Q(county__isnull=False, member_unit__isnull=True) | Q(county__isnull=True, member_unit__isnull=False),
    )


# Assessment -----------------------------------------------------------------------------------

class Rule(models.TextChoices):
    """How an item is scored: from the data (one rule each, oversight/scoring.py) or by hand."""

    TARGET_COMPLETION = "target_completion", _("自动：目标任务完成率")
    LINKED_COUNTIES = "linked_counties", _("自动：挂钩县区完成率")
    RIGHTS_DELIVERY = "rights_delivery", _("自动：五项保障落实率")
    FUNDING = "funding", _("自动：资金到位率")
    PUBLICITY = "publicity", _("自动：宣传活动场次")
    COORDINATION = "coordination", _("自动：问题按时答复率")
    MANUAL = "manual", _("人工评分")


class Grade(models.TextChoices):
    REWARD = "reward", _("奖励")
    PASS = "pass", _("合格")
    CRITICISM = "criticism", _("通报批评")
    ACCOUNTABILITY = "accountability", _("问责")


class AssessmentScheme(models.Model):
    """The city office's scheme of one year for one group: items, weights, rules, grade thresholds."""

    year = models.PositiveSmallIntegerField(_("年度"))
    group = models.CharField(_("考核组别"), max_length=12, choices=Group.choices)
    title = models.CharField(_("考核办法"), max_length=120, blank=True)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    as_of = models.DateField(_("考核数据截止日期"))
    reward_min = models.DecimalField(_("奖励分数线"), max_digits=5, decimal_places=2, default=Decimal("90"))
    pass_min = models.DecimalField(_("合格分数线"), max_digits=5, decimal_places=2, default=Decimal("70"))
    criticism_min = models.DecimalField(
        _("通报批评分数线"), max_digits=5, decimal_places=2, default=Decimal("60"),
        help_text=_("低于此分数予以问责。"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "group"]
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        constraints = [models.UniqueConstraint(fields=["year", "group"], name="one_scheme_per_year_and_group")]

    def __str__(self):
        return f"{self.year}年{self.get_group_display()}{_('考核方案')}"

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        return queryset  # a scheme is public to every post: it says how each holder is scored

    def clean(self):
        if not (self.reward_min >= self.pass_min >= self.criticism_min):
            raise ValidationError(_("分数线应为：奖励 ≥ 合格 ≥ 通报批评。"))

    def grade_of(self, total: Decimal) -> str:
        if total >= self.reward_min:
            return Grade.REWARD
        if total >= self.pass_min:
            return Grade.PASS
        if total >= self.criticism_min:
            return Grade.CRITICISM
        return Grade.ACCOUNTABILITY


class SchemeItem(models.Model):
    """One item of a scheme (对照目标任务、组织领导、责任落实、权益保障、资金保障、宣传培训、协调推进 …)."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="items",
                               verbose_name=_("考核方案"))
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    label = models.CharField(_("考核项目"), max_length=40)
    weight = models.DecimalField(_("分值"), max_digits=5, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    rule = models.CharField(_("评分方式"), max_length=20, choices=Rule.choices)
    norm = models.PositiveIntegerField(
        _("满分标准"), null=True, blank=True,
        help_text=_("宣传活动场次：达到此场次得满分。"),
    )

    class Meta:
        ordering = ["scheme", "order", "id"]
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")

    def __str__(self):
        return f"{self.label}（{self.weight}）"

    def clean(self):
        if self.rule == Rule.PUBLICITY and not self.norm:
            raise ValidationError({"norm": _("宣传活动场次评分须设定满分标准。")})
        if self.rule == Rule.LINKED_COUNTIES and self.scheme_id and self.scheme.group == Group.COUNTY:
            raise ValidationError({"rule": _("挂钩县区评分只适用于成员单位组。")})


class Assessment(HeldRecord):
    """The assessment of one county or member unit under one scheme; its scores live in revisions."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.PROTECT, related_name="assessments",
                               verbose_name=_("考核方案"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["scheme", "county__ordering", "member_unit__code"]
        verbose_name = _("考核")
        verbose_name_plural = _("考核")
        constraints = [
            one_holder("assessment_one_holder"),
            models.UniqueConstraint(fields=["scheme", "county"], condition=Q(county__isnull=False),
                                    name="assessment_one_per_county"),
            models.UniqueConstraint(fields=["scheme", "member_unit"], condition=Q(member_unit__isnull=False),
                                    name="assessment_one_per_unit"),
        ]

    def __str__(self):
        return f"{self.scheme.year}年{self.holder}{_('考核')}"

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        q = holder_filter(assignment)
        if q is None:
            return queryset
        return queryset.filter(q, revisions__state=AssessmentRevision.State.PUBLISHED).distinct()


class PublishedRevisionError(ValidationError):
    """A published assessment revision never changes (a correction is a new revision)."""


class AssessmentRevision(models.Model):
    """One revision of an assessment's scores: draft → reviewed → published, then frozen for ever."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEWED = "reviewed", _("已审核")
        PUBLISHED = "published", _("已公布")

    WORKFLOW = Workflow(model_label="oversight.AssessmentRevision", state_field="state", states=State, moves=[
        Move("review", frozenset({State.DRAFT}), State.REVIEWED, _("审核通过"), action=ASSESSMENT_EDIT),
        Move("return", frozenset({State.REVIEWED}), State.DRAFT, _("退回修改"), action=ASSESSMENT_EDIT,
             note_label=_("退回理由"), note_required=_("退回修改时请写明理由。")),
        Move("publish", frozenset({State.REVIEWED}), State.PUBLISHED, _("公布"), action=ASSESSMENT_PUBLISH,
             final=True),
    ])

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="revisions",
                                   verbose_name=_("考核"))
    number = models.PositiveSmallIntegerField(_("版本"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("更正的版本"))
    reason = models.CharField(_("更正理由"), max_length=200, blank=True)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, default=Decimal("0"))
    grade = models.CharField(_("等次"), max_length=16, choices=Grade.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "number"]
        verbose_name = _("考核版本")
        verbose_name_plural = _("考核版本")
        constraints = [models.UniqueConstraint(fields=["assessment", "number"], name="one_revision_number")]

    def __str__(self):
        return f"{self.assessment}（{_('第%(n)s版') % {'n': self.number}}）"

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        q = holder_filter(assignment, "assessment__county", "assessment__member_unit")
        if q is None:
            return queryset
        return queryset.filter(q, state=cls.State.PUBLISHED)

    def _refuse_if_published(self):
        """A published revision never changes, through any path (services, admin, a direct save)."""
        if self.pk and type(self).objects.filter(pk=self.pk, state=self.State.PUBLISHED).exists():
            raise PublishedRevisionError(_("已公布的考核结果不能修改，请另建更正版本。"), code="published")

    def save(self, *args, **kwargs):
        self._refuse_if_published()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_published()
        return super().delete(*args, **kwargs)


def evidence_path(instance, filename: str) -> str:
    import os

    ext = os.path.splitext(filename)[1].lower()
    revision = instance.revision
    return f"assessment/{revision.assessment.scheme.year}/{revision.assessment_id}-{revision.number}-{instance.item_id}{ext}"


class Score(models.Model):
    """The score of one item in one revision: computed (with what was measured) or entered by hand."""

    revision = models.ForeignKey(AssessmentRevision, on_delete=models.CASCADE, related_name="scores",
                                 verbose_name=_("考核版本"))
    item = models.ForeignKey(SchemeItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("考核项目"))
    measured = models.DecimalField(_("测得比率"), max_digits=9, decimal_places=6, null=True, blank=True)
    basis = models.CharField(_("计算依据"), max_length=200, blank=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2, default=Decimal("0"),
                                validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    comment = models.TextField(_("评分说明"), blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to=evidence_path, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("评分人"))
    entered_at = models.DateTimeField(_("评分时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["revision", "item__order", "item_id"]
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        constraints = [models.UniqueConstraint(fields=["revision", "item"], name="one_score_per_item")]

    def __str__(self):
        return f"{self.item.label}：{self.score}"

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        q = holder_filter(assignment, "revision__assessment__county", "revision__assessment__member_unit")
        if q is None:
            return queryset
        return queryset.filter(q, revision__state=AssessmentRevision.State.PUBLISHED)

    def save(self, *args, **kwargs):
        if AssessmentRevision.objects.filter(pk=self.revision_id).exclude(state=AssessmentRevision.State.DRAFT).exists():
            raise PublishedRevisionError(_("只有草稿可以修改得分。"), code="not_draft")
        super().save(*args, **kwargs)


class AssessmentEvent(models.Model):
    """Who did what to a revision, and when: each score entered and each move."""

    revision = models.ForeignKey(AssessmentRevision, on_delete=models.CASCADE, related_name="events",
                                 verbose_name=_("考核版本"))
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=10, blank=True)
    to_state = models.CharField(_("新状态"), max_length=10, blank=True)
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["revision", "at", "id"]
        verbose_name = _("考核记录")
        verbose_name_plural = _("考核记录")

    def __str__(self):
        return f"{self.revision} {self.action}"

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        q = holder_filter(assignment, "revision__assessment__county", "revision__assessment__member_unit")
        if q is None:
            return queryset
        return queryset.filter(q, revision__state=AssessmentRevision.State.PUBLISHED)


# Publicity and funding ------------------------------------------------------------------------

class PublicityRecord(HeldRecord):
    """Publicity work of one county or member unit on one day (宣传引导)."""

    held_on = models.DateField(_("日期"))
    media_campaigns = models.PositiveIntegerField(_("媒体宣传（次）"), default=0)
    onsite_events = models.PositiveIntegerField(_("现场宣传活动（场次）"), default=0)
    leaflets = models.PositiveIntegerField(_("发放宣传资料（份）"), default=0)
    description = models.CharField(_("内容"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("登记人"))

    class Meta:
        ordering = ["-held_on", "id"]
        verbose_name = _("宣传记录")
        verbose_name_plural = _("宣传记录")
        constraints = [one_holder("publicity_one_holder")]
        indexes = [models.Index(fields=["held_on"], name="publicity_held_on")]

    def __str__(self):
        return f"{self.holder} {self.held_on}"


class FundingKind(models.TextChoices):
    HOUSING = "housing", _("城镇住房（公租房）")
    PUBLIC_SERVICES = "public_services", _("城镇公共服务设施")
    EMPLOYMENT = "employment", _("就业创业培训")
    EDUCATION = "education", _("城镇学校改扩建")
    PENSION = "pension", _("养老保险")
    MEDICAL = "medical", _("医疗卫生")


class OutputUnit(models.TextChoices):
    NONE = "", _("无")
    FLATS = "flats", _("套")
    PLACES = "places", _("个学位")
    TRAINEES = "trainees", _("人次")


class FundingProject(HeldRecord):
    """A project that pays for a guarantee (资金保障) in a county: its plan; spending is in its entries."""

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("保障类别"), max_length=20, choices=FundingKind.choices)
    name = models.CharField(_("项目名称"), max_length=100)
    planned_amount = models.DecimalField(_("计划投资（元）"), max_digits=14, decimal_places=2,
                                         validators=[MinValueValidator(Decimal("0"))])
    output_unit = models.CharField(_("建设内容单位"), max_length=10, choices=OutputUnit.choices, blank=True)
    planned_output = models.PositiveIntegerField(_("计划数量"), default=0)

    class Meta:
        ordering = ["year", "county__ordering", "member_unit__code", "kind", "id"]
        verbose_name = _("资金保障项目")
        verbose_name_plural = _("资金保障项目")
        constraints = [one_holder("funding_one_holder")]

    def __str__(self):
        return f"{self.holder}{self.name}"


class FundingEntry(models.Model):
    """Money spent on a project by a date, and what it built or provided (套公租房, 个学位, 人次培训)."""

    project = models.ForeignKey(FundingProject, on_delete=models.CASCADE, related_name="entries",
                                verbose_name=_("资金保障项目"))
    spent_on = models.DateField(_("日期"))
    amount = models.DecimalField(_("到位资金（元）"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0"))])
    output = models.PositiveIntegerField(_("完成数量"), default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "spent_on", "id"]
        verbose_name = _("资金到位记录")
        verbose_name_plural = _("资金到位记录")

    def __str__(self):
        return f"{self.project} {self.spent_on} {self.amount}"

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        q = holder_filter(assignment, "project__county", "project__member_unit")
        return queryset if q is None else queryset.filter(q)


# Problem feedback -----------------------------------------------------------------------------

class Problem(HeldRecord):
    """A problem a county or member unit raises with the city office (问题反馈), answered in time."""

    class State(models.TextChoices):
        RAISED = "raised", _("已反馈")
        ASSIGNED = "assigned", _("已交办")
        ANSWERED = "answered", _("已答复")
        CLOSED = "closed", _("已办结")

    WORKFLOW = Workflow(model_label="oversight.Problem", state_field="state", states=State, moves=[
        Move("assign", frozenset({State.RAISED}), State.ASSIGNED, _("交办"), action=PROBLEM_ANSWER),
        Move("answer", frozenset({State.RAISED, State.ASSIGNED}), State.ANSWERED, _("答复"), action=PROBLEM_ANSWER,
             note_label=_("答复意见"), note_required=_("请填写答复意见。")),
        Move("reopen", frozenset({State.ANSWERED}), State.ASSIGNED, _("答复不满意，重新办理"), action=PROBLEM_RAISE,
             note_label=_("不满意的理由"), note_required=_("请写明不满意的理由。")),
        Move("close", frozenset({State.ANSWERED}), State.CLOSED, _("办结"), action=PROBLEM_ANSWER, final=True),
    ])
    OPEN = frozenset({State.RAISED, State.ASSIGNED})

    title = models.CharField(_("问题"), max_length=120)
    description = models.TextField(_("具体情况"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.RAISED)
    raised_on = models.DateField(_("反馈日期"))
    due_on = models.DateField(_("答复时限"))
    assigned_to = models.ForeignKey(MemberUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("承办成员单位"))
    answer = models.TextField(_("答复意见"), blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("反馈人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = _("问题反馈")
        verbose_name_plural = _("问题反馈")
        constraints = [one_holder("problem_one_holder")]
        indexes = [models.Index(fields=["state", "due_on"], name="problem_state_due")]

    def __str__(self):
        return self.title

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        q = holder_filter(assignment)
        if q is None:
            return queryset
        if assignment.role == MEMBER_UNIT:
            q |= Q(assigned_to_id=assignment.member_unit_id)
        return queryset.filter(q)

    @property
    def answered_in_time(self) -> bool | None:
        if self.answered_on is None:
            return None
        return self.answered_on <= self.due_on


class MoveEvent(models.Model):
    """One move of a workflow of this app: which move, from, to, who, when, note."""

    move = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=10, blank=True)
    to_state = models.CharField(_("新状态"), max_length=10)
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class ProblemEvent(MoveEvent):
    """Each move of a problem: who, when, from, to, note."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events", verbose_name=_("问题反馈"))

    class Meta:
        ordering = ["problem", "at", "id"]
        verbose_name = _("问题办理记录")
        verbose_name_plural = _("问题办理记录")

    def __str__(self):
        return f"{self.problem} {self.move}"

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        return queryset.filter(problem__in=Problem.objects.for_user(user))


# Inspections and rectification ----------------------------------------------------------------

class Inspection(models.Model):
    """A supervision inspection (督促检查): the leadership group's round of the 11 counties every two
    months, or the office's follow-up of a county or member unit at any time."""

    class Kind(models.TextChoices):
        ROUND = "round", _("领导组每两个月督促检查")
        FOLLOW_UP = "follow_up", _("领导组办公室跟踪督查")

    kind = models.CharField(_("检查类别"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("检查名称"), max_length=120)
    started_on = models.DateField(_("检查日期"))
    team = models.CharField(_("检查组"), max_length=200, blank=True)
    summary = models.TextField(_("检查情况"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("登记人"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("督促检查")
        verbose_name_plural = _("督促检查")

    def __str__(self):
        return self.title

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        q = holder_filter(assignment, "findings__county", "findings__member_unit")
        return queryset if q is None else queryset.filter(q).distinct()


class Finding(HeldRecord):
    """What an inspection found at one county or member unit, and its rectification (整改)."""

    class State(models.TextChoices):
        REQUIRED = "required", _("待整改")
        REPORTED = "reported", _("整改情况已报送")
        ACCEPTED = "accepted", _("整改已验收")

    WORKFLOW = Workflow(model_label="oversight.Finding", state_field="state", states=State, moves=[
        Move("report", frozenset({State.REQUIRED}), State.REPORTED, _("报送整改情况"), action=OVERSIGHT_RECORD,
             note_label=_("整改措施和结果"), note_required=_("请写明整改措施和结果。")),
        Move("return", frozenset({State.REPORTED}), State.REQUIRED, _("退回继续整改"), action=INSPECTION_EDIT,
             note_label=_("退回理由"), note_required=_("退回时请写明理由。")),
        Move("accept", frozenset({State.REPORTED}), State.ACCEPTED, _("验收"), action=INSPECTION_EDIT, final=True),
    ])

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings",
                                   verbose_name=_("督促检查"))
    finding = models.TextField(_("发现的问题"))
    requirement = models.TextField(_("整改要求"))
    due_on = models.DateField(_("整改时限"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.REQUIRED)
    report = models.TextField(_("整改情况"), blank=True)
    reported_on = models.DateField(_("报送日期"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("检查发现的问题")
        verbose_name_plural = _("检查发现的问题")
        constraints = [one_holder("finding_one_holder")]

    def __str__(self):
        return f"{self.holder}：{self.finding[:30]}"


class FindingEvent(MoveEvent):
    """Each move of a rectification: who, when, from, to, note."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events", verbose_name=_("检查发现的问题"))

    class Meta:
        ordering = ["finding", "at", "id"]
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")

    def __str__(self):
        return f"{self.finding} {self.move}"

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        q = holder_filter(assignment, "finding__county", "finding__member_unit")
        return queryset if q is None else queryset.filter(q)


# The work timetable ---------------------------------------------------------------------------

class Milestone(models.Model):
    """One time requirement of the year's work timetable (工作制度及时间安排, 昭城统组〔2012〕1号):
    开展调查研究、落实机构人员、制定政策措施 … by a date, for every county and member unit."""

    year = models.PositiveSmallIntegerField(_("年度"))
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    title = models.CharField(_("工作事项"), max_length=60)
    due_on = models.DateField(_("完成时限"))
    document_number = models.CharField(_("文号"), max_length=60, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["year", "order", "due_on"]
        verbose_name = _("工作时间安排")
        verbose_name_plural = _("工作时间安排")

    def __str__(self):
        return f"{self.year} {self.title}"

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        return queryset  # the timetable applies to every post


class MilestoneDone(HeldRecord):
    """A county or member unit met a time requirement (on a date)."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="done",
                                  verbose_name=_("工作时间安排"))
    done_on = models.DateField(_("完成日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["milestone", "done_on"]
        verbose_name = _("工作事项完成情况")
        verbose_name_plural = _("工作事项完成情况")
        constraints = [
            one_holder("milestone_done_one_holder"),
            models.UniqueConstraint(fields=["milestone", "county"], condition=Q(county__isnull=False),
                                    name="milestone_done_once_per_county"),
            models.UniqueConstraint(fields=["milestone", "member_unit"], condition=Q(member_unit__isnull=False),
                                    name="milestone_done_once_per_unit"),
        ]

    def __str__(self):
        return f"{self.holder} {self.milestone.title}"
