"""Data-quality findings (a rule of ``quality.rules`` that a record breaks) and probable duplicates
(two people with different ID numbers who are probably one person)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nongzhuancheng import roles
from nongzhuancheng.models import County, PoliceStation
from nongzhuancheng.scoping import DUPLICATE_DECIDE, ScopedQuerySet
from nongzhuancheng.workflow import Move, Workflow


def _place_scope(queryset, assignment, *, counties, stations):
    """Either side's place: a county office sees the rows with one of ``counties`` its own, a clerk
    those with one of ``stations`` its own, the city office everything; a member unit nothing (the
    records are no case of its kind)."""
    role = assignment.role
    if role == roles.MEMBER_UNIT:
        return queryset.none()
    if role in roles.CITY_WIDE:
        return queryset.all()
    if role == roles.CLERK:
        condition = Q(pk__in=[])
        for field in stations:
            condition |= Q(**{field: assignment.station_id})
        return queryset.filter(condition)
    if role == roles.COUNTY_OFFICER:
        condition = Q(pk__in=[])
        for field in counties:
            condition |= Q(**{field: assignment.county_id})
        return queryset.filter(condition)
    return queryset.none()


class Finding(models.Model):
    """A record that breaks a rule: found at entry (then let stand with a reason, or refused) or by
    the nightly scan; ``resolved_at`` is set when the record no longer breaks it (fixed)."""

    rule = models.CharField(_("规则"), max_length=40)
    severity = models.CharField(_("级别"), max_length=8)
    person = models.ForeignKey("households.Person", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("转户人员"))
    application = models.ForeignKey("households.TransferApplication", on_delete=models.CASCADE,
                                    related_name="+", verbose_name=_("转户申请"))
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("户"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("原户籍县区"))
    station = models.ForeignKey(PoliceStation, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理派出所"))
    found_at = models.DateTimeField(_("发现时间"))
    resolved_at = models.DateTimeField(_("消除时间"), null=True, blank=True)
    override_reason = models.TextField(_("确认理由"), blank=True, default="", db_default="")
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("确认人"))

    objects = ScopedQuerySet.as_manager()
    scope_county = "county"
    scope_station = "station"

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        return _place_scope(queryset, assignment, counties=["county"], stations=["station"])

    class Meta:
        verbose_name = _("数据质量问题")
        verbose_name_plural = _("数据质量问题")
        constraints = [
            models.UniqueConstraint(fields=["rule", "person"], condition=Q(resolved_at__isnull=True, person__isnull=False),
                                    name="one_open_finding_per_rule_person"),
            models.UniqueConstraint(fields=["rule", "application"],
                                    condition=Q(resolved_at__isnull=True, person__isnull=True),
                                    name="one_open_finding_per_rule_application"),
        ]
        indexes = [
            models.Index(fields=["county", "rule"], name="finding_county_rule", condition=Q(resolved_at__isnull=True)),
            models.Index(fields=["application"], name="finding_open_application",
                         condition=Q(resolved_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.rule} #{self.application_id}"


class DuplicatePair(models.Model):
    """Two people (``person_a`` the lower id) who are probably one: the county office decides."""

    class State(models.TextChoices):
        OPEN = "open", _("待认定")
        SAME = "same", _("同一人")
        DISTINCT = "distinct", _("不同人")

    WORKFLOW = Workflow(model_label="quality.DuplicatePair", state_field="state", states=State, moves=[
        Move("same", frozenset({State.OPEN}), State.SAME, _("认定为同一人"), action=DUPLICATE_DECIDE,
             note_label=_("认定依据"), note_required=_("认定为同一人时请写明依据。"), final=True),
        Move("distinct", frozenset({State.OPEN}), State.DISTINCT, _("认定为不同人"), action=DUPLICATE_DECIDE,
             final=True),
    ])

    class Basis(models.TextChoices):
        SAME_NAME_BIRTH = "same_name_birth", _("同县区同姓名同出生日期")
        OLD_NEW_NUMBER = "old_new_number", _("新旧身份号码（出生日期和顺序码相同，行政区划代码不同）")
        NEAR_NUMBER = "near_number", _("姓名相同、身份号码相差一两位")
        SOUNDS_ALIKE = "sounds_alike", _("姓名同音、出生日期相同")

    person_a = models.ForeignKey("households.Person", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("记录甲"))
    person_b = models.ForeignKey("households.Person", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("记录乙"))
    basis = models.CharField(_("疑似依据"), max_length=20, choices=Basis.choices)
    county_a = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("甲县区"))
    county_b = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("乙县区"))
    station_a = models.ForeignKey(PoliceStation, on_delete=models.PROTECT, related_name="+", verbose_name=_("甲派出所"))
    station_b = models.ForeignKey(PoliceStation, on_delete=models.PROTECT, related_name="+", verbose_name=_("乙派出所"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    found_at = models.DateTimeField(_("发现时间"))
    # set by the scan when the pair no longer matches (a record fixed, withdrawn or rejected)
    resolved_at = models.DateTimeField(_("消除时间"), null=True, blank=True)
    kept = models.ForeignKey("households.Person", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("保留的记录"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("认定人"))
    decided_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_county = "county_a"
    scope_station = "station_a"

    class Meta:
        verbose_name = _("疑似重复人员")
        verbose_name_plural = _("疑似重复人员")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="one_pair_per_two_people"),
            models.CheckConstraint(condition=Q(person_a__lt=models.F("person_b")), name="pair_in_id_order"),
        ]
        indexes = [
            models.Index(fields=["county_a", "state"], name="pair_county_a_state"),
            models.Index(fields=["county_b", "state"], name="pair_county_b_state"),
            models.Index(fields=["person_b"], name="pair_person_b"),
        ]

    def __str__(self):
        return f"{self.person_a_id}~{self.person_b_id}"

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        """A pair is in the scope of either record's county office and station."""
        return _place_scope(queryset, assignment, counties=["county_a", "county_b"], stations=["station_a", "station_b"])


class ScanCandidate(models.Model):
    """Working table of the duplicate scan: the pairs one scan found (emptied at its start)."""

    a = models.BigIntegerField()
    b = models.BigIntegerField()
    basis = models.CharField(max_length=20)

    class Meta:
        indexes = [models.Index(fields=["a", "b"], name="scan_candidate_pair")]
