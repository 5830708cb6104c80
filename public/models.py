"""What applicants see without signing in: the service guide (edited by the city office, with its
revisions kept), the stations' desks, the progress lookup's log, notices to applicants and their
opt-outs, and the public's questions and complaints (咨询投诉)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from nongzhuancheng.models import County, PoliceStation
from nongzhuancheng.scoping import APPLICATION_RECEIVE, GRIEVANCE_ANSWER, ScopedQuerySet
from nongzhuancheng.workflow import Move, Workflow


class GuideEntry(models.Model):
    """One entry of the service guide: a paragraph of the policy, one right, one category of
    applicant and what proves it, one document to bring. The city office edits the text; every
    change is kept (who, when, what changed) by simple_history."""

    class Section(models.TextChoices):
        POLICY = "policy", _("政策要点")
        RETENTION = "retention", _("五项保留")
        GUARANTEE = "guarantee", _("五项保障")
        CATEGORY = "category", _("哪些人可以申请")
        DOCUMENT = "document", _("需带材料")
        PROCEDURE = "procedure", _("办理流程与时限")

    section = models.CharField(_("栏目"), max_length=12, choices=Section.choices)
    key = models.SlugField(_("标识"), max_length=40, unique=True,
                           help_text=_("程序引用此条目的名称，例如类别代码或材料代码，请勿修改"))
    title = models.CharField(_("标题"), max_length=80)
    body = models.TextField(_("正文"), help_text=_("空一行分段"))
    proof = models.TextField(_("证明材料"), blank=True, help_text=_("仅用于“哪些人可以申请”：用什么证明"))
    ordering = models.PositiveSmallIntegerField(_("排序"), default=0)
    published = models.BooleanField(_("公开"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["section", "ordering", "key"]
        verbose_name = _("办事指南条目")
        verbose_name_plural = _("办事指南条目")

    def __str__(self):
        return f"{self.get_section_display()}：{self.title}"

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


class StationDesk(models.Model):
    """Where and when a police station's green channel (转户绿色通道) receives applicants."""

    station = models.OneToOneField(PoliceStation, on_delete=models.CASCADE, related_name="desk", verbose_name=_("派出所"))
    address = models.CharField(_("办公地址"), max_length=120, blank=True)
    opening_hours = models.CharField(_("办公时间"), max_length=120, blank=True,
                                     help_text=_("留空则显示全市统一的办公时间"))
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_county = "station__county"
    scope_station = "station"

    class Meta:
        verbose_name = _("绿色通道窗口")
        verbose_name_plural = _("绿色通道窗口")

    def __str__(self):
        return str(self.station)


class LookupLog(models.Model):
    """One progress lookup: when, from which address (a keyed hash), which number was tried and
    what was answered. The ID digits typed are never stored."""

    class Result(models.TextChoices):
        FOUND = "found", _("已找到")
        NOT_FOUND = "not_found", _("未找到或不匹配")
        INVALID = "invalid", _("填写有误")
        LIMITED = "limited", _("超过次数限制")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    address_hash = models.CharField(_("来源地址（散列）"), max_length=16, db_index=True)
    number_tried = models.CharField(_("查询的申请编号"), max_length=40, db_index=True)
    result = models.CharField(_("结果"), max_length=12, choices=Result.choices)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("进度查询记录")
        verbose_name_plural = _("进度查询记录")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.number_tried} {self.get_result_display()}"


class NoticePreference(models.Model):
    """Whether the applicant of an application wants text-message notices, as recorded at the window."""

    application = models.OneToOneField(
        "households.TransferApplication", on_delete=models.CASCADE, related_name="notice_preference",
        verbose_name=_("转户申请"),
    )
    opted_out = models.BooleanField(_("不接收短信通知"), default=False)
    phone = models.CharField(_("接收通知的电话"), max_length=20, blank=True,
                             help_text=_("留空则发给户主（或第一位留有电话的成员）"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("登记人"),
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["recorded_at"])

    objects = ScopedQuerySet.as_manager()
    scope_county = "application__county"
    scope_station = "application__station"

    class Meta:
        verbose_name = _("通知意愿")
        verbose_name_plural = _("通知意愿")

    def __str__(self):
        return f"{self.application} {'×' if self.opted_out else '✓'}"


class Notice(models.Model):
    """One notice to an applicant about one event (an application returned or completed, a
    guarantee delivered): to whom, what, each attempt's result. One event, one notice."""

    class Kind(models.TextChoices):
        RETURNED = "returned", _("退回补正")
        COMPLETED = "completed", _("办结")
        GUARANTEE_DELIVERED = "guarantee_delivered", _("保障已落实")

    class Source(models.TextChoices):
        APPLICATION_EVENT = "application_event", _("办理记录")
        GUARANTEE_EVENT = "guarantee_event", _("保障事项记录")

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        RETRYING = "retrying", _("发送失败，等待重试")
        FAILED = "failed", _("发送失败")
        OPTED_OUT = "opted_out", _("申请人不接收")
        NO_RECIPIENT = "no_recipient", _("无联系电话")

    FINAL = {State.SENT, State.FAILED, State.OPTED_OUT, State.NO_RECIPIENT}
    # A notice is created in its first state (pending, or opted out / no recipient: never sent); the
    # sender's moves follow, all made by the system.
    _SENDING = frozenset({State.PENDING, State.RETRYING})
    WORKFLOW = Workflow(model_label="public.Notice", state_field="state", states=State, moves=[
        Move("send", _SENDING, State.SENT, _("已发送")),
        Move("retry", _SENDING, State.RETRYING, _("发送失败，等待重试")),
        Move("fail", _SENDING, State.FAILED, _("发送失败")),
        Move("opt_out", _SENDING, State.OPTED_OUT, _("申请人不接收")),
    ])

    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    source_id = models.BigIntegerField(_("来源记录"))
    kind = models.CharField(_("通知事项"), max_length=20, choices=Kind.choices)
    application = models.ForeignKey(
        "households.TransferApplication", on_delete=models.CASCADE, related_name="+", verbose_name=_("转户申请")
    )
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("原户籍县区"))
    station = models.ForeignKey(PoliceStation, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理派出所"))
    recipient = models.CharField(_("接收人电话"), max_length=20, blank=True)
    body = models.TextField(_("内容"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.TextField(_("最近一次错误"), blank=True)
    backend = models.CharField(_("发送方式"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_county = "county"
    scope_station = "station"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("申请人通知")
        verbose_name_plural = _("申请人通知")
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="one_notice_per_event")]
        indexes = [models.Index(fields=["state", "created_at"], name="notice_state_created")]

    def __str__(self):
        return f"{self.application} {self.get_kind_display()}（{self.get_state_display()}）"


class Grievance(models.Model):
    """A question or complaint (咨询投诉) from the public pages, answered by the county office."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("咨询")
        COMPLAINT = "complaint", _("投诉")

    class State(models.TextChoices):
        OPEN = "open", _("待答复")
        ANSWERED = "answered", _("已答复")

    WORKFLOW = Workflow(model_label="public.Grievance", state_field="state", states=State, moves=[
        # an answered grievance may be answered again: the county corrects its answer
        Move("answer", frozenset({State.OPEN, State.ANSWERED}), State.ANSWERED, _("答复"), action=GRIEVANCE_ANSWER),
    ])

    reference = models.CharField(_("查询码"), max_length=16, unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.CONSULTATION)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县区"))
    application = models.ForeignKey(
        "households.TransferApplication", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("转户申请"),
    )
    question = models.TextField(_("内容"))
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    due_on = models.DateField(_("答复时限"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.OPEN)
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("答复人"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_county = "county"
    scope_station = "application__station"

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("咨询投诉")
        verbose_name_plural = _("咨询投诉")
        indexes = [models.Index(fields=["county", "state", "due_on"], name="grievance_county_state_due")]

    def __str__(self):
        return f"{self.reference}（{self.get_kind_display()}）"

    def is_overdue(self, today=None) -> bool:
        return self.state == self.State.OPEN and (today or timezone.localdate()) > self.due_on


class Prefill(models.Model):
    """An application filled in online before the visit (网上预填): the household and its members as
    the applicant typed them, for the chosen station's clerk to check and receive. Deleted data: the
    typed details are cleared once received or expired (only the code and the outcome stay)."""

    class State(models.TextChoices):
        WAITING = "waiting", _("待受理")
        RECEIVED = "received", _("已受理")
        EXPIRED = "expired", _("已过期")

    # A clerk receives it at the window (public.services.prefill_receive); the daily purge lets the
    # unclaimed ones expire (prefill_purge_expired). Both clear the typed details.
    WORKFLOW = Workflow(model_label="public.Prefill", state_field="state", states=State, moves=[
        Move("receive", frozenset({State.WAITING}), State.RECEIVED, _("受理"), action=APPLICATION_RECEIVE,
             applies_to=lambda prefill: prefill.expires_on >= timezone.localdate()),
        Move("expire", frozenset({State.WAITING}), State.EXPIRED, _("已过期")),
    ])

    code = models.CharField(_("预填码"), max_length=12, unique=True)
    station = models.ForeignKey(PoliceStation, on_delete=models.PROTECT, related_name="+", verbose_name=_("预约派出所"))
    household = models.JSONField(_("户信息"), default=dict, blank=True)
    members = models.JSONField(_("转户成员"), default=list, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.WAITING)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    expires_on = models.DateField(_("有效期至"))
    application = models.OneToOneField(
        "households.TransferApplication", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("转户申请"),
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("受理人"),
    )

    objects = ScopedQuerySet.as_manager()
    scope_county = "station__county"
    scope_station = "station"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("网上预填")
        verbose_name_plural = _("网上预填")
        indexes = [models.Index(fields=["state", "expires_on"], name="prefill_state_expires")]

    def __str__(self):
        return self.code
