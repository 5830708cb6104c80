"""The organisation core: counties, police stations, member units and who works where."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import roles
from .scoping import ScopedQuerySet


class County(models.Model):
    """One of the 11 counties and districts of Zhaotong (GB/T 2260 code)."""

    class HostOffice(models.TextChoices):
        RURAL_HR = "rural_hr", _("农村人力资源开发办")
        PUBLIC_SECURITY = "public_security", _("公安局")

    code = models.CharField(_("行政区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=40, blank=True)
    old_codes = models.CharField(
        _("曾用代码"), max_length=60, blank=True, help_text=_("逗号分隔，例如 2001 年前的 5321xx 代码")
    )
    later_codes = models.CharField(_("后续代码"), max_length=60, blank=True)
    population_2020 = models.PositiveIntegerField(_("2020年人口普查人口"), default=0)
    host_office = models.CharField(_("领导小组办公室设在"), max_length=20, choices=HostOffice.choices)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_county = "pk"  # a clerk or county officer sees their own county; the city roles all

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("县区")
        verbose_name_plural = _("县区")

    def __str__(self) -> str:
        return self.name

    @property
    def all_codes(self) -> list[str]:
        codes = [self.code]
        for extra in (self.old_codes, self.later_codes):
            codes += [c.strip() for c in extra.split(",") if c.strip()]
        return codes


class PoliceStation(models.Model):
    """A police station with a transfer green channel (转户绿色通道)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="stations", verbose_name=_("县区"))
    code = models.CharField(_("编号"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    phone = models.CharField(_("咨询电话"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_county = "county"
    scope_station = "pk"

    class Meta:
        ordering = ["county__ordering", "code"]
        verbose_name = _("派出所")
        verbose_name_plural = _("派出所")
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="station_name_unique_in_county")]

    def __str__(self) -> str:
        return f"{self.county.name}{self.name}"


class MemberUnit(models.Model):
    """A member unit of the city leadership group (成员单位), linked (挂钩) to counties."""

    class Domain(models.TextChoices):
        HOUSING = "housing", _("住房和城乡建设")
        HRSS = "hrss", _("人力资源和社会保障")
        HEALTH = "health", _("卫生")
        EDUCATION = "education", _("教育")
        LAND = "land", _("国土资源")
        FORESTRY = "forestry", _("林业")
        FAMILY_PLANNING = "family_planning", _("人口和计划生育")
        PUBLIC_SECURITY = "public_security", _("公安")
        AGRICULTURE = "agriculture", _("农业")
        OTHER = "other", _("其它")

    code = models.CharField(_("编号"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    domain = models.CharField(_("职能"), max_length=20, choices=Domain.choices)
    linked_counties = models.ManyToManyField(County, blank=True, related_name="member_units", verbose_name=_("挂钩县区"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CLERK = roles.CLERK, _("派出所窗口办理员")
    COUNTY_OFFICER = roles.COUNTY_OFFICER, _("县区办公室工作人员")
    MEMBER_UNIT = roles.MEMBER_UNIT, _("成员单位工作人员")
    CITY_READER = roles.CITY_READER, _("市领导组办公室")
    ADMIN = roles.ADMIN, _("系统管理员")


class StaffAssignment(models.Model):
    """Where a user works and in which role; scoping reads it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignment", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("县区"))
    station = models.ForeignKey(
        PoliceStation, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("派出所")
    )
    member_unit = models.ForeignKey(
        MemberUnit, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("成员单位")
    )

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=roles.CLERK) | models.Q(station__isnull=False), name="clerk_has_station"
            ),
            models.CheckConstraint(
                condition=~models.Q(role=roles.COUNTY_OFFICER) | models.Q(county__isnull=False),
                name="county_officer_has_county",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=roles.MEMBER_UNIT) | models.Q(member_unit__isnull=False),
                name="member_unit_user_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.county_id and self.station is not None:
            self.county_id = self.station.county_id
        super().save(*args, **kwargs)


from .audit import AccessEvent  # noqa: E402,F401  the access log lives in the core app


class OutboxMessage(models.Model):
    """A task that must happen, written in the transaction of the change that needs it
    (``nongzhuancheng.queue.enqueue``) and delivered to Celery by ``nongzhuancheng.outbox`` until the
    broker takes it; ``done_at`` is set when the task has run to completion, so a redelivery skips it."""

    task_name = models.CharField(_("任务名称"), max_length=200)
    args = models.JSONField(_("任务参数"), default=list)
    kwargs = models.JSONField(_("任务关键字参数"), default=dict)
    created_at = models.DateTimeField(_("写入时间"), auto_now_add=True)
    available_at = models.DateTimeField(_("下次发送时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    last_error = models.TextField(_("最近的错误"), blank=True)

    class Meta:
        verbose_name = _("待发任务")
        verbose_name_plural = _("待发任务")
        indexes = [
            models.Index(fields=["available_at"], condition=models.Q(sent_at__isnull=True), name="outbox_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"


class Heartbeat(models.Model):
    """The last time a background part showed it was alive: ``worker`` (a Celery worker ran a task)
    and ``beat`` (Celery beat's schedule reached a worker). ``nongzhuancheng.heartbeats`` reads them."""

    name = models.CharField(_("名称"), max_length=40, primary_key=True)
    at = models.DateTimeField(_("最近一次"))

    class Meta:
        verbose_name = _("运行信号")
        verbose_name_plural = _("运行信号")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
