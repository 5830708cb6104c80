"""The five retentions (五项保留) and five guarantees (五项保障) of every transferred person.

Model decisions
---------------
* Every record belongs to one transferred **person**: each person who transfers gets five
  ``Retention`` rows and five ``GuaranteeCase`` rows when the application is completed, so that
  each person's page shows all ten. Rights that belong to the household in law (farmland, forest,
  homestead, collective dividends) are therefore recorded on each member; the land unit records
  the household's certificate on each of them. Counts are per person.
* Guarantees that the household receives once (a public-rental flat) are ``requested`` for the
  head of household (or, when the head does not transfer, the first member) and ``not_needed``
  for the other members; pension and employment follow working age, education is opened for each
  school-age child (6-15 at the completion date), medical insurance for everyone.
* Responsibility: each kind has one responsible member-unit domain (``KIND_DOMAIN``). A member-unit
  user sees and works its own kinds **city-wide** (linked counties, 挂钩县区, are about targets and
  assessment, not about which cases a bureau works). A county officer sees and works every kind
  of its county; a clerk sees (read only) those of its station's applications; the city reader
  reads everything.
* A state changes only through ``entitlements.services``, by a move of the model's ``WORKFLOW``
  table (``nongzhuancheng.workflow``; ``TRANSITIONS`` is derived from it), and every change writes
  an event row (who, when, from, to, details). Who may move a record is the policy's
  ``ENTITLEMENT_WORK`` action applied to the same scope: ``objects.for_user(user, ENTITLEMENT_WORK)``.
* County and station are copied from the application, so that scoping and counting need no join.
"""


from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nongzhuancheng import case_kinds
from nongzhuancheng.models import County, MemberUnit, PoliceStation
from nongzhuancheng.roles import ADMIN, CITY_READER, CLERK, COUNTY_OFFICER, MEMBER_UNIT
from nongzhuancheng.scoping import ENTITLEMENT_WORK, ScopedQuerySet, assignment_of
from nongzhuancheng.workflow import Move, Workflow

Domain = MemberUnit.Domain
TRANSITION_YEARS = 5


class RetentionKind(models.TextChoices):
    FARMLAND = "farmland", _("土地承包经营权")
    FOREST = "forest", _("林地承包权和林木所有权")
    HOMESTEAD = "homestead", _("宅基地及农房使用权")
    FAMILY_PLANNING = "family_planning", _("原户籍地计划生育政策")
    COLLECTIVE_DIVIDEND = "collective_dividend", _("集体经济组织资产收益分红权")


class GuaranteeKind(models.TextChoices):
    HOUSING = "housing", _("城镇住房")
    PENSION = "pension", _("养老保险")
    MEDICAL = "medical", _("医疗保险")
    EMPLOYMENT = "employment", _("就业")
    EDUCATION = "education", _("教育")


# The member-unit domain responsible for each kind (the core's table: nongzhuancheng.case_kinds).
KIND_DOMAIN = {
    **{RetentionKind(kind): Domain(domain) for kind, domain in case_kinds.RETENTION_DOMAIN.items()},
    **{GuaranteeKind(kind): Domain(domain) for kind, domain in case_kinds.GUARANTEE_DOMAIN.items()},
}


def kinds_of_domain(domain, kinds):
    return [k for k in kinds if KIND_DOMAIN[k] == domain]


def transition_end(completed_on):
    """End of the five-year family-planning transition: the same day five years on
    (a 29 February completion ends on 28 February)."""
    try:
        return completed_on.replace(year=completed_on.year + TRANSITION_YEARS)
    except ValueError:
        return completed_on.replace(year=completed_on.year + TRANSITION_YEARS, day=28)


def age_on(birth_date, day):
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class EntitlementScopeMixin:
    """Scoping by kind for member units, by place for the others (see the module docstring).

    The same rule answers what a user may see (``for_user(user)``) and what a user may move
    (``for_user(user, ENTITLEMENT_WORK)``: the policy leaves clerks and the city reader nothing)."""

    scope_county = "county"
    scope_station: str | None = "station"
    scope_kind = "kind"
    KINDS: tuple = ()

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        role = assignment.role
        if role == MEMBER_UNIT:
            return queryset.filter(**{f"{cls.scope_kind}__in": cls.kinds_in_scope(user)})
        if role in (CITY_READER, ADMIN):
            return queryset.all()
        if role == COUNTY_OFFICER:
            return queryset.filter(**{cls.scope_county: assignment.county_id})
        if role == CLERK:  # a table without stations (the summary tables): nothing
            if cls.scope_station is None:
                return queryset.none()
            return queryset.filter(**{cls.scope_station: assignment.station_id})
        return queryset.none()

    @classmethod
    def scoped_by_kind(cls, user) -> bool:
        """Whether the user sees these records by kind (a member unit) rather than by place."""
        assignment = assignment_of(user)
        return (assignment is not None and assignment.role == MEMBER_UNIT
                and not getattr(user, "is_superuser", False))

    @classmethod
    def kinds_in_scope(cls, user) -> list:
        """The kinds of these records the user sees: a member unit's own, every kind for the others."""
        if user is not None and cls.scoped_by_kind(user):
            return kinds_of_domain(assignment_of(user).member_unit.domain, cls.KINDS)
        return list(cls.KINDS)


class Retention(EntitlementScopeMixin, models.Model):
    """One of the five rights a transferred person keeps from the countryside."""

    class State(models.TextChoices):
        KEPT = "kept", _("保留")
        CIRCULATED = "circulated", _("依法流转")
        GIVEN_UP = "given_up", _("自愿有偿退出")

    Kind = RetentionKind
    KINDS = tuple(RetentionKind)
    # The kinds that may be circulated or given up (the other kinds are only kept).
    CIRCULABLE = {RetentionKind.FARMLAND, RetentionKind.FOREST, RetentionKind.HOMESTEAD}
    SURRENDERABLE = CIRCULABLE | {RetentionKind.COLLECTIVE_DIVIDEND}
    # The move table: every move of a retention, written once. entitlements.services performs them
    # (through nongzhuancheng.workflow.transition); the person page, the API and the tests read it.
    # Recording particulars (area, certificate, ...) changes no state and is not a move.
    WORKFLOW = Workflow(model_label="entitlements.Retention", state_field="state", states=State, moves=[
        Move("circulate", frozenset({State.KEPT}), State.CIRCULATED, _("依法流转"), action=ENTITLEMENT_WORK,
             applies_to=lambda r: r.kind in Retention.CIRCULABLE),
        Move("give_up", frozenset({State.KEPT, State.CIRCULATED}), State.GIVEN_UP, _("自愿有偿退出"),
             action=ENTITLEMENT_WORK, final=True, applies_to=lambda r: r.kind in Retention.SURRENDERABLE),
        Move("restore", frozenset({State.CIRCULATED}), State.KEPT, _("流转终止，恢复保留"),
             action=ENTITLEMENT_WORK, note_label=_("流转终止的原因"), note_required=_("请写明流转终止的原因。")),
    ])
    TRANSITIONS = WORKFLOW.transitions  # {state: {states it may move to}}; a kind may allow fewer

    person = models.ForeignKey(
        "households.Person", on_delete=models.CASCADE, related_name="retentions", verbose_name=_("转户人员")
    )
    application = models.ForeignKey(
        "households.TransferApplication", on_delete=models.CASCADE, related_name="+", verbose_name=_("转户申请")
    )
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("原户籍县区"))
    station = models.ForeignKey(PoliceStation, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理派出所"))
    kind = models.CharField(_("保留事项"), max_length=24, choices=RetentionKind.choices)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.KEPT)
    opened_on = models.DateField(_("登记日期"))
    changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    # What the right is (filled by the responsible unit)
    area_mu = models.DecimalField(_("面积（亩）"), max_digits=10, decimal_places=2, null=True, blank=True)
    certificate_no = models.CharField(_("证书编号"), max_length=40, blank=True)
    organisation = models.CharField(_("集体经济组织"), max_length=80, blank=True)
    share = models.DecimalField(_("股份（份）"), max_digits=10, decimal_places=2, null=True, blank=True)
    transition_ends_on = models.DateField(_("过渡期截止日期"), null=True, blank=True)
    # Circulation (流转) under a lawful contract
    counterparty = models.CharField(_("流转受让方"), max_length=80, blank=True)
    term_ends_on = models.DateField(_("流转期限至"), null=True, blank=True)
    price = models.DecimalField(_("流转价款（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    contract_no = models.CharField(_("流转合同编号"), max_length=40, blank=True)
    # Voluntary surrender with compensation (自愿有偿退出)
    compensation = models.DecimalField(_("补偿金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    agreement_no = models.CharField(_("退出协议编号"), max_length=40, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["person_id", "kind"]
        verbose_name = _("五项保留")
        verbose_name_plural = _("五项保留")
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="one_retention_per_person_kind")]
        indexes = [
            models.Index(fields=["county", "kind", "state"], name="ret_county_kind_state"),
            models.Index(fields=["kind", "transition_ends_on"], name="ret_kind_transition_end"),
        ]

    def __str__(self):
        return f"{self.person_id} {self.get_kind_display()}（{self.get_state_display()}）"

    @property
    def responsible_domain(self):
        return KIND_DOMAIN[self.kind]

    def allowed_moves(self):
        """The target states the move table allows from this retention's state, for its kind."""
        return sorted({m.target for m in self.WORKFLOW.moves_from(self.state, self)})


class GuaranteeCase(EntitlementScopeMixin, models.Model):
    """One of the five guarantees the town owes a transferred person, as a case with a state."""

    class State(models.TextChoices):
        NOT_NEEDED = "not_needed", _("无需办理")
        REQUESTED = "requested", _("已申请")
        IN_PROGRESS = "in_progress", _("办理中")
        DELIVERED = "delivered", _("已落实")
        REFUSED = "refused", _("不予落实")

    Kind = GuaranteeKind
    KINDS = tuple(GuaranteeKind)
    # The move table: every move of a guarantee case, written once; one service performs them
    # (entitlements.services.guarantee_move, through nongzhuancheng.workflow.transition). A move's
    # note (note_label) is the text the case keeps: the refusal's reason. ``reopen`` is the
    # system's move when a corrected person record makes a case needed again (or no longer).
    WORKFLOW = Workflow(model_label="entitlements.GuaranteeCase", state_field="state", states=State, moves=[
        Move("request", frozenset({State.NOT_NEEDED, State.REFUSED}), State.REQUESTED, _("申请办理"),
             action=ENTITLEMENT_WORK),
        Move("start", frozenset({State.REQUESTED}), State.IN_PROGRESS, _("开始办理"), action=ENTITLEMENT_WORK),
        Move("deliver", frozenset({State.REQUESTED, State.IN_PROGRESS}), State.DELIVERED, _("落实"),
             action=ENTITLEMENT_WORK, final=True),
        Move("refuse", frozenset({State.REQUESTED, State.IN_PROGRESS}), State.REFUSED, _("不予落实"),
             action=ENTITLEMENT_WORK, note_label=_("不予落实理由"), note_required=_("不予落实时必须写明理由。")),
        Move("not_needed", frozenset({State.REQUESTED}), State.NOT_NEEDED, _("无需办理"), action=ENTITLEMENT_WORK,
             final=True),
        # the system's moves (no action: no user makes them): a correction re-decides an untouched case
        Move("redecide_needed", frozenset({State.NOT_NEEDED}), State.REQUESTED, _("重新判断：需要办理")),
        Move("redecide_not_needed", frozenset({State.REQUESTED}), State.NOT_NEEDED, _("重新判断：无需办理")),
    ])
    TRANSITIONS = WORKFLOW.transitions  # {state: {states it may move to}}, derived from the table
    OPEN = {State.REQUESTED, State.IN_PROGRESS}

    person = models.ForeignKey(
        "households.Person", on_delete=models.CASCADE, related_name="guarantees", verbose_name=_("转户人员")
    )
    application = models.ForeignKey(
        "households.TransferApplication", on_delete=models.CASCADE, related_name="+", verbose_name=_("转户申请")
    )
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("原户籍县区"))
    station = models.ForeignKey(PoliceStation, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理派出所"))
    kind = models.CharField(_("保障事项"), max_length=12, choices=GuaranteeKind.choices)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices)
    opened_on = models.DateField(_("建档日期"))
    requested_on = models.DateField(_("申请日期"), null=True, blank=True)
    started_on = models.DateField(_("开始办理日期"), null=True, blank=True)
    delivered_on = models.DateField(_("落实日期"), null=True, blank=True)
    refused_on = models.DateField(_("不予落实日期"), null=True, blank=True)
    days_to_deliver = models.PositiveIntegerField(_("落实用时（天）"), null=True, blank=True)
    refusal_reason = models.TextField(_("不予落实理由"), blank=True)
    # Flat reference, pension / medical scheme, training course or job, school — whatever the kind needs.
    reference = models.CharField(_("落实内容"), max_length=120, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["person_id", "kind"]
        verbose_name = _("五项保障")
        verbose_name_plural = _("五项保障")
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="one_guarantee_per_person_kind"),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(refusal_reason=""), name="refused_guarantee_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["county", "kind", "state"], name="gua_county_kind_state"),
            models.Index(fields=["kind", "state", "requested_on"], name="gua_kind_state_requested"),
            models.Index(fields=["state", "requested_on"], name="gua_state_requested"),
        ]

    def __str__(self):
        return f"{self.person_id} {self.get_kind_display()}（{self.get_state_display()}）"

    @property
    def responsible_domain(self):
        return KIND_DOMAIN[self.kind]

    @property
    def is_open(self):
        return self.state in self.OPEN

    def allowed_moves(self):
        """The target states the move table allows from this case's state."""
        return sorted(self.TRANSITIONS[self.state])

    def days_waited(self, today=None):
        if not self.requested_on:
            return None
        return ((today or timezone.localdate()) - self.requested_on).days


class EventBase(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    on = models.DateField(_("生效日期"))
    from_state = models.CharField(_("原状态"), max_length=12, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    record_model = None  # the model whose states the event moves

    @property
    def from_label(self):
        return state_label(self.record_model, self.from_state) if self.from_state else ""

    @property
    def to_label(self):
        return state_label(self.record_model, self.to_state)

    @property
    def details_display(self):
        """[(label, value)] of the details, with the record's field names as their labels."""
        out = []
        for key, value in (self.details or {}).items():
            try:
                label = self.record_model._meta.get_field(key).verbose_name
            except FieldDoesNotExist:
                label = key
            if isinstance(value, list) and len(value) == 2:
                value = f"{value[0] or '—'} → {value[1] or '—'}"
            out.append((label, value))
        return out


class RetentionEvent(EventBase):
    """One recorded change of a retention: opened, circulated, given up, back to kept, details recorded."""

    retention = models.ForeignKey(Retention, on_delete=models.CASCADE, related_name="events", verbose_name=_("五项保留"))
    record_model = Retention

    objects = ScopedQuerySet.as_manager()

    class Meta(EventBase.Meta):
        verbose_name = _("保留事项记录")
        verbose_name_plural = _("保留事项记录")

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        return queryset.filter(retention__in=Retention.objects.for_user(user))


class GuaranteeEvent(EventBase):
    """One move of a guarantee case: who, when, from, to, details."""

    case = models.ForeignKey(GuaranteeCase, on_delete=models.CASCADE, related_name="events", verbose_name=_("五项保障"))
    record_model = GuaranteeCase

    objects = ScopedQuerySet.as_manager()

    class Meta(EventBase.Meta):
        verbose_name = _("保障事项记录")
        verbose_name_plural = _("保障事项记录")

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        return queryset.filter(case__in=GuaranteeCase.objects.for_user(user))


def state_label(model, value):
    try:
        return model.State(value).label
    except ValueError:
        return value


from .rollup_models import *  # noqa: E402,F401,F403  (summary tables of the records)
