"""Households, the people in them who transfer, transfer applications and their events."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from nongzhuancheng import case_kinds, roles
from nongzhuancheng.masking import mask
from nongzhuancheng.models import County, PoliceStation
from nongzhuancheng.scoping import APPLICATION_MOVE, COMPLETION_APPROVE, DUPLICATE_DECIDE, ScopedQuerySet
from nongzhuancheng.workflow import Move, Workflow

from .reference import (
    Category,
    Education,
    Employment,
    Ethnicity,
    HouseholdKind,
    IncomeSource,
    MaritalStatus,
    Relation,
    Sex,
)


def member_unit_people(assignment, column="pk"):
    """Subqueries of ``column`` of Person (its pk, household_id or application_id) for the people a
    member unit may see: those with a case of its kind (a guarantee it must deliver, a retention
    it records). The entitlements models are looked up by name, never imported (households does
    not import entitlements)."""
    from django.apps import apps

    domain = assignment.member_unit.domain if assignment.member_unit_id else ""
    guarantees, retentions = case_kinds.guarantee_kinds_of(domain), case_kinds.retention_kinds_of(domain)
    path = {"pk": "person_id", "household_id": "person__household_id", "application_id": "application_id"}[column]
    people = []
    if guarantees:
        cases = apps.get_model("entitlements", "GuaranteeCase").objects
        people.append(cases.filter(kind__in=guarantees).exclude(state=case_kinds.GUARANTEE_NOT_NEEDED).values(path))
    if retentions:
        people.append(apps.get_model("entitlements", "Retention").objects.filter(kind__in=retentions).values(path))
    return people


class NeedToKnowMixin:
    """Place scoping for everyone but a member unit, which sees only the rows of people who have a
    case of its kind. ``scope_people`` = (this model's field, the Person column it equals)."""

    scope_people = ("pk", "pk")

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        if assignment.role == roles.MEMBER_UNIT and not getattr(user, "is_superuser", False):
            field, column = cls.scope_people
            condition = Q(pk__in=[])
            for people in member_unit_people(assignment, column):
                condition |= Q(**{f"{field}__in": people})
            return queryset.filter(condition)
        return queryset.scope_by_place(assignment)


class Household(NeedToKnowMixin, models.Model):
    """A rural household (户) as its register (户口簿) shows it."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="households", verbose_name=_("原户籍县区"))
    station = models.ForeignKey(
        PoliceStation, on_delete=models.PROTECT, related_name="households", verbose_name=_("受理派出所")
    )
    number = models.CharField(_("户号"), max_length=20)
    kind = models.CharField(_("户别"), max_length=20, choices=HouseholdKind.choices, default=HouseholdKind.AGRICULTURAL)
    head_name = models.CharField(_("户主姓名"), max_length=40)
    township = models.CharField(_("乡镇"), max_length=40)
    village = models.CharField(_("村（社区）"), max_length=40)
    address = models.CharField(_("住址"), max_length=120)
    # the band is derived, never stored: households.income.income_band(_expression)
    annual_income = models.DecimalField(_("家庭年收入（元）"), max_digits=12, decimal_places=2, null=True, blank=True,
                                        validators=[MinValueValidator(0)])
    income_source = models.CharField(_("主要收入来源"), max_length=16, choices=IncomeSource.choices, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ScopedQuerySet.as_manager()
    scope_county = "county"
    scope_station = "station"
    scope_people = ("pk", "household_id")

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        constraints = [models.UniqueConstraint(fields=["station", "number"], name="household_number_unique_in_station")]
        indexes = [  # the search box's name prefix (LIKE '张伟%' on PostgreSQL whatever the collation)
            models.Index(fields=["head_name"], name="household_head_name_prefix", opclasses=["varchar_pattern_ops"]),
            # a county's search (scoping.place_filter): one range of the index, whatever the estimates
            models.Index(fields=["county", "head_name"], name="household_county_head_prefix",
                         opclasses=["int8_ops", "varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.head_name}户（{self.number}）"


class TransferApplication(NeedToKnowMixin, models.Model):
    """One household's application to transfer some or all of its members (农转城申请)."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("受理")
        RETURNED = "returned", _("退回补正")
        COMPLETED = "completed", _("办结")
        REJECTED = "rejected", _("不予办理")
        WITHDRAWN = "withdrawn", _("撤回")
        AWAITING_APPROVAL = "awaiting", _("待县级审批")

    # The move table: every move of an application, written once. households.services performs
    # them (through nongzhuancheng.workflow.transition); pages, the API and the admin offer them.
    WORKFLOW = Workflow(model_label="households.TransferApplication", state_field="status", states=Status, moves=[
        Move("complete", frozenset({Status.RECEIVED}), Status.COMPLETED, _("办结"),
             action=APPLICATION_MOVE, final=True, applies_to=lambda app: not needs_county_approval(app)),
        Move("return", frozenset({Status.RECEIVED}), Status.RETURNED, _("退回补正"),
             action=APPLICATION_MOVE, note_label=_("需补正的材料"),
             note_required=_("退回补正时请写明需补正的材料。")),
        Move("resubmit", frozenset({Status.RETURNED}), Status.RECEIVED, _("补正后重新受理"),
             action=APPLICATION_MOVE),
        Move("reject", frozenset({Status.RECEIVED, Status.RETURNED}), Status.REJECTED, _("不予办理"),
             action=APPLICATION_MOVE, note_label=_("不予办理的理由"),
             note_required=_("不予办理时必须写明理由。"), final=True),
        Move("withdraw", frozenset({Status.RECEIVED, Status.RETURNED}), Status.WITHDRAWN, _("撤回"),
             action=APPLICATION_MOVE, final=True),
        # County approval (CountyApprovalRule): where the county asks for it, the station's 办结 waits
        # for the county office, which approves (the transfer completes then) or sends it back.
        Move("submit_approval", frozenset({Status.RECEIVED}), Status.AWAITING_APPROVAL, _("办结（报县级审批）"),
             action=APPLICATION_MOVE, applies_to=lambda app: needs_county_approval(app)),
        Move("approve", frozenset({Status.AWAITING_APPROVAL}), Status.COMPLETED, _("县级审批通过"),
             action=COMPLETION_APPROVE, final=True),
        Move("send_back", frozenset({Status.AWAITING_APPROVAL}), Status.RECEIVED, _("县级审批退回"),
             action=COMPLETION_APPROVE, note_label=_("退回的理由"), note_required=_("审批退回时请写明理由。")),
        # the county office's adjudication of a probable duplicate (quality): the other record stands
        Move("withdraw_duplicate", frozenset({Status.RECEIVED, Status.RETURNED, Status.AWAITING_APPROVAL,
                                              Status.COMPLETED}), Status.WITHDRAWN,
             _("作为重复记录撤回"), action=DUPLICATE_DECIDE, note_label=_("重复的依据"),
             note_required=_("作为重复记录撤回时请写明依据。"), final=True),
    ])
    TRANSITIONS = WORKFLOW.transitions  # {status: {statuses it may move to}}, derived from the table
    # An application in one of these states holds its members' ID numbers (no second application).
    CLAIMING = {Status.RECEIVED, Status.RETURNED, Status.AWAITING_APPROVAL, Status.COMPLETED}
    OPEN = {Status.RECEIVED, Status.RETURNED}
    # Not yet completed nor ended: the time limit runs (the county's waiting time counts too).
    PENDING = {Status.RECEIVED, Status.RETURNED, Status.AWAITING_APPROVAL}

    number = models.CharField(_("申请编号"), max_length=24, unique=True, null=True, blank=True)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="applications", verbose_name=_("户")
    )
    # indexed by (county, id) and (station, id) in Meta
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("原户籍县区"),
                               db_index=False)
    station = models.ForeignKey(PoliceStation, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理派出所"),
                                db_index=False)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    received_on = models.DateField(_("受理日期"))
    due_on = models.DateField(_("办结时限"))
    completed_on = models.DateField(_("办结日期"), null=True, blank=True)
    documents = models.JSONField(_("已核验材料"), default=list, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("受理人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ScopedQuerySet.as_manager()
    scope_county = "county"
    scope_station = "station"
    scope_people = ("pk", "application_id")

    class Meta:
        verbose_name = _("转户申请")
        verbose_name_plural = _("转户申请")
        indexes = [
            # a county's or a station's list, newest first: its first page (and every keyset page) is
            # one range of these, whatever the size of the county (the primary key walked backwards
            # reads past the other counties' rows: a hundred times more for the smallest)
            models.Index(fields=["county", "id"], name="app_county_id"),
            models.Index(fields=["station", "id"], name="app_station_id"),
            models.Index(fields=["county", "status", "id"], name="app_county_status_id"),
            models.Index(fields=["station", "status", "id"], name="app_station_status_id"),
            models.Index(fields=["status", "due_on"], name="app_status_due"),
            # the list pages' sorts: a keyset page on (column, id) is one range of these
            models.Index(fields=["received_on", "id"], name="app_received_id"),
            models.Index(fields=["due_on", "id"], name="app_due_id"),
        ]

    def __str__(self):
        return self.number or f"#{self.pk}"

    @property
    def is_open(self):
        return self.status in self.OPEN

    @property
    def missing_documents(self):
        from .reference import REQUIRED_DOCUMENTS

        return [d for d in REQUIRED_DOCUMENTS if d not in (self.documents or [])]

    def allowed_moves(self):
        """The target statuses the move table allows from this application's status."""
        return sorted(self.TRANSITIONS[self.status])


def needs_county_approval(app):
    """Whether completing ``app`` needs the county office's approval: its county asks for it for the
    category of one of its members (``CountyApprovalRule``)."""
    cached = getattr(app, "_nzc_needs_approval", None)  # the move table asks twice per page
    if cached is not None:
        return cached
    from .approval_models import CountyApprovalRule

    app._nzc_needs_approval = CountyApprovalRule.objects.filter(
        county_id=app.county_id, requires_approval=True,
        category__in=Person.objects.filter(application_id=app.pk).values("category"),
    ).exists()
    return app._nzc_needs_approval


class Person(NeedToKnowMixin, models.Model):
    """A member of the household who transfers with this application."""

    application = models.ForeignKey(
        TransferApplication, on_delete=models.CASCADE, related_name="members", verbose_name=_("转户申请")
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("户"))
    name = models.CharField(_("姓名"), max_length=40)
    id_number = models.CharField(_("公民身份号码"), max_length=18, db_index=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=2, choices=Ethnicity.choices, default=Ethnicity.HAN)
    education = models.CharField(_("文化程度"), max_length=2, choices=Education.choices, blank=True)
    marital_status = models.CharField(_("婚姻状况"), max_length=2, choices=MaritalStatus.choices, blank=True)
    relation = models.CharField(_("与户主关系"), max_length=20, choices=Relation.choices, default=Relation.HEAD)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    occupation = models.CharField(_("职业"), max_length=40, blank=True)
    employment = models.CharField(_("就业状况"), max_length=16, choices=Employment.choices, blank=True)
    category = models.CharField(_("转户类别"), max_length=24, choices=Category.choices)
    destination_address = models.CharField(_("迁入城镇地址"), max_length=120)
    # Written only by households.services: True while the application is received, returned or
    # completed. The partial unique constraint below makes a second claim on an ID number fail
    # in the database, even when two clerks submit at the same moment.
    holds_claim = models.BooleanField(_("占用身份号码"), default=True, editable=False)
    # Denormalised from the application so that counting is one indexed table scan.
    # indexed by (county, id) and (station, id) in Meta
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("原户籍县区"),
                               db_index=False)
    station = models.ForeignKey(PoliceStation, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理派出所"),
                                db_index=False)
    completed_on = models.DateField(_("办结日期"), null=True, blank=True, editable=False)
    # How the name sounds (households.names.name_key), kept by save(); the duplicate scan's blocking key
    name_key = models.CharField(_("姓名拼音"), max_length=80, blank=True, default="", db_default="", editable=False)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_county = "county"
    scope_station = "station"
    scope_people = ("pk", "pk")

    class Meta:
        verbose_name = _("转户人员")
        verbose_name_plural = _("转户人员")
        constraints = [
            models.UniqueConstraint(fields=["id_number"], condition=Q(holds_claim=True), name="one_claim_per_id_number"),
        ]
        indexes = [
            # the people list of a county or a station, newest first (as app_county_id)
            models.Index(fields=["county", "id"], name="person_county_id"),
            models.Index(fields=["station", "id"], name="person_station_id"),
            models.Index(fields=["completed_on", "county", "category"], name="person_completed_county_cat"),
            models.Index(fields=["county", "completed_on"], name="person_county_completed"),
            models.Index(fields=["station", "completed_on"], name="person_station_completed"),
            models.Index(fields=["name"], name="person_name_prefix", opclasses=["varchar_pattern_ops"]),
            # a county's search (scoping.place_filter): one range of the index, whatever the estimates
            # (with the two above, a misjudged prefix made the planner AND in the county's 450,000 rows)
            models.Index(fields=["county", "name"], name="person_county_name_prefix",
                         opclasses=["int8_ops", "varchar_pattern_ops"]),
            # the probable-duplicate scan's blocking keys (quality.duplicates)
            models.Index(fields=["county", "birth_date", "name"], name="person_county_birth_name"),
            models.Index(fields=["birth_date", "name_key"], name="person_birth_name_key"),
        ]

    def __str__(self):
        return f"{self.name}（{self.masked_id}）"

    def save(self, *args, **kwargs):
        from .names import name_key

        key = name_key(self.name)
        if key != self.name_key:
            self.name_key = key
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    @property
    def masked_id(self):
        return mask(self.id_number)


class ApplicationEvent(NeedToKnowMixin, models.Model):
    """One move of an application's status: who, when, from, to, note."""

    application = models.ForeignKey(
        TransferApplication, on_delete=models.CASCADE, related_name="events", verbose_name=_("转户申请")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12)
    note = models.TextField(_("说明"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_county = "application__county"
    scope_station = "application__station"
    scope_people = ("application_id", "application_id")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self):
        return f"{self.application} {self.from_status}→{self.to_status}"

from .approval_models import *  # noqa: E402,F401,F403  (county approval rules, correction requests)
from .attachment_models import *  # noqa: E402,F401,F403  (scans of the documents checked at the window)
from .export_models import *  # noqa: E402,F401,F403  (background exports)
from .import_models import *  # noqa: E402,F401,F403  (spreadsheet import jobs)
from .rollup_models import *  # noqa: E402,F401,F403  (summary tables of completed transfers)
