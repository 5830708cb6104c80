"""Ten-day bulletins (旬报): one record per period, scope and revision.

A bulletin's figures are frozen as JSON when it is rendered, so the HTML page, the PDF and any later
comparison read the same numbers. An issued bulletin never changes: a re-issue is a new revision.

Issue number (2012年第N期): N is the period's index within the year (1–36; 2012年10月中旬 is 第29期),
so the number is known before issuing, is the same for the city and the county bulletins of one period,
and stays the same across revisions.

A bulletin's state moves only by ``Bulletin.WORKFLOW`` (queued → rendering → issued or failed, failed
→ rendering again), all of them moves of the system made by ``reports.services.bulletin_move``. A
re-issue is not a move: it is a new revision row, created queued.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from nongzhuancheng.periods import Period
from nongzhuancheng.roles import CITY_WIDE
from nongzhuancheng.scoping import ScopedQuerySet
from nongzhuancheng.workflow import Move, Workflow

CITY_SCOPE = "city"


class BulletinQuerySet(ScopedQuerySet):
    def for_period(self, period):
        return self.filter(year=period.year, month=period.month, part=period.part)


class Bulletin(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RENDERING = "rendering", _("生成中")
        ISSUED = "issued", _("已印发")
        FAILED = "failed", _("生成失败")

    # Every move is the system's (a worker's): no policy action, no actor.
    WORKFLOW = Workflow(model_label="reports.Bulletin", state_field="state", states=State, moves=[
        # a first run; or a run started again after a worker stopped mid-way (the task is
        # delivered again: acks_late), which finds the bulletin still rendering
        Move("start", frozenset({State.QUEUED, State.RENDERING}), State.RENDERING, _("开始生成")),
        Move("retry", frozenset({State.FAILED}), State.RENDERING, _("重新生成")),
        Move("issue", frozenset({State.RENDERING}), State.ISSUED, _("印发"), final=True),
        Move("fail", frozenset({State.RENDERING}), State.FAILED, _("生成失败")),
    ])

    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    part = models.PositiveSmallIntegerField(_("旬"), choices=[(1, _("上旬")), (2, _("中旬")), (3, _("下旬"))])
    issue_number = models.PositiveSmallIntegerField(_("期号"))
    # "city" for the city bulletin, the county's code for a county bulletin (non-null, so the
    # unique constraint holds on every database).
    scope = models.CharField(_("范围"), max_length=8, default=CITY_SCOPE)
    county = models.ForeignKey(
        "nongzhuancheng.County", null=True, blank=True, on_delete=models.PROTECT,
        related_name="bulletins", verbose_name=_("县区"),
    )
    revision = models.PositiveSmallIntegerField(_("版次"), default=1)
    preview = models.BooleanField(_("预览（本旬未结束）"), default=False)
    as_of = models.DateField(_("统计截至"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    error = models.TextField(_("失败原因"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    figures = models.JSONField(_("冻结数据"), default=dict, blank=True)
    pdf = models.FileField(_("PDF 文件"), upload_to="bulletins/%Y/", blank=True)
    pdf_size = models.PositiveIntegerField(_("PDF 大小（字节）"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("申请人"),
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    render_seconds = models.FloatField(_("生成耗时（秒）"), null=True, blank=True)
    # written by the worker while it renders: a bulletin rendering without one for a while is dead
    heartbeat_at = models.DateTimeField(_("最近一次心跳"), null=True, blank=True)

    objects = BulletinQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-month", "-part", "scope", "-revision"]
        verbose_name = _("旬报")
        verbose_name_plural = _("旬报")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "part", "scope", "revision"], name="bulletin_one_per_period_scope_revision"
            ),
        ]
        indexes = [models.Index(fields=["county", "year", "month", "part"], name="bulletin_county_period")]

    def __str__(self):
        return f"{self.title} ({self.period.label}{self.scope_label}{self.revision_label})"

    @property
    def period(self):
        return Period(self.year, self.month, self.part)

    @property
    def title(self):
        return gettext("%(year)s年第%(number)s期") % {"year": self.year, "number": self.issue_number}

    @property
    def scope_label(self):
        return self.county.name if self.county_id else gettext("全市")

    @property
    def revision_label(self):
        return gettext(" 第%(revision)s版") % {"revision": self.revision} if self.revision > 1 else ""

    @property
    def issue_date(self):
        """The date the bulletin bears (its period's issue date; a preview's day), None until made."""
        import datetime

        issued_on = (self.figures or {}).get("issued_on")
        return datetime.date.fromisoformat(issued_on) if issued_on else None

    @property
    def is_issued(self):
        return self.state == self.State.ISSUED

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        """City-wide roles see every bulletin; county-bound roles the city ones and their county's."""
        if assignment.role in CITY_WIDE:
            return queryset
        if assignment.county_id:
            return queryset.filter(models.Q(county__isnull=True) | models.Q(county_id=assignment.county_id))
        return queryset.filter(county__isnull=True)
