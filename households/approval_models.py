"""What the county office decides: which completions need its approval (``CountyApprovalRule``) and
the corrections of completed applications (``CorrectionRequest``, with its move table)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nongzhuancheng.models import County
from nongzhuancheng.scoping import CORRECTION_DECIDE, CORRECTION_REQUEST, ScopedQuerySet
from nongzhuancheng.workflow import Move, Workflow

from .attachment_models import private_storage
from .reference import Category

__all__ = ["CorrectionRequest", "CountyApprovalRule"]


class CountyApprovalRule(models.Model):
    """County × category: completing an application with a member of this category needs the county
    office's approval after the station's check (e.g. 集中供养 collective-support people)."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+", verbose_name=_("县区"))
    category = models.CharField(_("转户类别"), max_length=24, choices=Category.choices)
    requires_approval = models.BooleanField(_("办结须县级审批"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("设定人"))
    updated_at = models.DateTimeField(_("设定时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_county = "county"

    class Meta:
        verbose_name = _("县级审批设定")
        verbose_name_plural = _("县级审批设定")
        ordering = ["county", "category"]
        constraints = [models.UniqueConstraint(fields=["county", "category"], name="approval_rule_unique")]

    def __str__(self):
        return f"{self.county} {self.get_category_display()}"


class CorrectionRequest(models.Model):
    """A correction of a completed application's household, members or completion date, asked for
    with a reason (and a scan as evidence), approved or refused by the county office.

    ``changes`` is the diff, by section: ``{"application": {field: [before, after]}, "household":
    {field: [before, after]}, "people": {"<person id>": {field: [before, after]}}}`` (dates as ISO
    text). It holds whole ID numbers, to apply them: every surface shows them masked."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("待审核")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")
        WITHDRAWN = "withdrawn", _("已撤回")

    WORKFLOW = Workflow(model_label="households.CorrectionRequest", state_field="state", states=State, moves=[
        Move("approve", frozenset({State.REQUESTED}), State.APPROVED, _("批准更正"), action=CORRECTION_DECIDE,
             final=True),
        Move("refuse", frozenset({State.REQUESTED}), State.REFUSED, _("不予更正"), action=CORRECTION_DECIDE,
             note_label=_("不予更正的理由"), note_required=_("不予更正时请写明理由。"), final=True),
        Move("withdraw", frozenset({State.REQUESTED}), State.WITHDRAWN, _("撤回更正申请"),
             action=CORRECTION_REQUEST, final=True),
    ])

    application = models.ForeignKey("households.TransferApplication", on_delete=models.CASCADE,
                                     related_name="corrections", verbose_name=_("转户申请"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.REQUESTED)
    changes = models.JSONField(_("更正内容"), default=dict)
    reason = models.TextField(_("更正理由"))
    evidence = models.FileField(_("证明材料"), upload_to="corrections/%Y/%m/", storage=private_storage, blank=True)
    evidence_type = models.CharField(_("文件类型"), max_length=40, blank=True)
    evidence_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_county = "application__county"
    scope_station = "application__station"
    scope_people = ("application_id", "application_id")

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        """As its application: by place, and for a member unit only where it has a case (need to know)."""
        from .models import NeedToKnowMixin

        return NeedToKnowMixin.scope_for_user.__func__(cls, queryset, user, assignment)

    class Meta:
        verbose_name = _("更正申请")
        verbose_name_plural = _("更正申请")
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "id"], name="correction_state_id")]

    def __str__(self):
        return f"{self.application} #{self.pk}"

    @property
    def changes_id_number(self) -> bool:
        return any("id_number" in fields for fields in (self.changes.get("people") or {}).values())
