"""Annual targets (年度目标任务) with their revisions, responsibility documents and survey pools.

A target belongs to one level: the province's task for the city (a reference line), the city's own
target, a county's share, or a member unit's share. Each change of a target is a new revision with
its effective date and document number; the target in force at a date is the latest revision
effective on or before that date (none before the first revision). Multi-year plans (2013–2020)
are city targets of later years.
"""

import os

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from households.reference import Category
from nongzhuancheng.models import County, MemberUnit
from nongzhuancheng.scoping import ScopedQuerySet

SCAN_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]
SCAN_MAX_BYTES = 10 * 1024 * 1024


class Level(models.TextChoices):
    PROVINCE = "province", _("省下达任务")
    CITY = "city", _("市目标任务")
    COUNTY = "county", _("县区目标任务")
    MEMBER_UNIT = "member_unit", _("成员单位目标任务")


class Target(models.Model):
    """One annual target of one holder. Its amount lives in its revisions."""

    year = models.PositiveSmallIntegerField(_("年度"))
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    county = models.ForeignKey(
        County, null=True, blank=True, on_delete=models.PROTECT, related_name="targets", verbose_name=_("县区")
    )
    member_unit = models.ForeignKey(
        MemberUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="targets", verbose_name=_("成员单位")
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_county = "county"

    class Meta:
        ordering = ["-year", "level", "county__ordering", "member_unit__code"]
        verbose_name = _("年度目标任务")
        verbose_name_plural = _("年度目标任务")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "level"], condition=Q(level__in=["province", "city"]), name="target_one_city_level"
            ),
            models.UniqueConstraint(fields=["year", "county"], condition=Q(county__isnull=False), name="target_one_county"),
            models.UniqueConstraint(
                fields=["year", "member_unit"], condition=Q(member_unit__isnull=False), name="target_one_member_unit"
            ),
            models.CheckConstraint(
                name="target_holder_matches_level",
                condition=(
                    Q(level__in=["province", "city"], county__isnull=True, member_unit__isnull=True)
                    | Q(level="county", county__isnull=False, member_unit__isnull=True)
                    | Q(level="member_unit", county__isnull=True, member_unit__isnull=False)
                ),
            ),
        ]

    def __str__(self):
        return f"{self.year}年{self.holder_name}{self.get_level_display()}"

    @property
    def holder_name(self):
        if self.county_id:
            return str(self.county)
        if self.member_unit_id:
            return str(self.member_unit)
        return str(_("昭通市"))

    def clean(self):
        if self.level == Level.COUNTY and not self.county_id:
            raise ValidationError({"county": _("县区目标任务必须选择县区。")})
        if self.level == Level.MEMBER_UNIT and not self.member_unit_id:
            raise ValidationError({"member_unit": _("成员单位目标任务必须选择成员单位。")})
        if self.level in (Level.PROVINCE, Level.CITY) and (self.county_id or self.member_unit_id):
            raise ValidationError(_("省、市目标任务不能选择县区或成员单位。"))

    def amount_on(self, day):
        """The amount in force at ``day`` (None before the first revision)."""
        revision = self.revisions.filter(effective_on__lte=day).order_by("-effective_on", "-id").first()
        return revision.amount if revision else None


class TargetRevision(models.Model):
    """One setting or revision of a target: kept forever, with its date and document number."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("目标任务"))
    amount = models.PositiveIntegerField(_("目标人数"), validators=[MinValueValidator(0)])
    effective_on = models.DateField(_("生效日期"))
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_county = "target__county"

    class Meta:
        ordering = ["target", "effective_on", "id"]
        verbose_name = _("目标任务调整")
        verbose_name_plural = _("目标任务调整")
        constraints = [
            models.UniqueConstraint(fields=["target", "effective_on"], name="one_revision_per_target_and_day"),
        ]

    def __str__(self):
        return f"{self.target}：{self.amount}（{self.effective_on}）"


def validate_scan_size(file):
    if file.size > SCAN_MAX_BYTES:
        raise ValidationError(_("扫描件不能超过 10 MB。"))


def validate_scan_content(file):
    """The file must really be a PDF, JPEG or PNG (its first bytes), not only be named so."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8)
    file.seek(position)
    if isinstance(head, str):
        head = head.encode()
    if not (head.startswith(b"%PDF") or head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG")):
        raise ValidationError(_("扫描件必须是 PDF、JPG 或 PNG 文件。"))


def scan_path(instance, filename):
    ext = os.path.splitext(filename)[1].lower()
    holder = instance.county.code if instance.county_id else (instance.member_unit.code if instance.member_unit_id else "city")
    return f"responsibility/{instance.year}/{holder}-{instance.signed_on:%Y%m%d}{ext}"


class ResponsibilityDocument(models.Model):
    """A two-way target responsibility document (双向目标任务考核责任书) signed by a county or member unit."""

    year = models.PositiveSmallIntegerField(_("年度"))
    county = models.ForeignKey(
        County, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("县区")
    )
    member_unit = models.ForeignKey(
        MemberUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("成员单位")
    )
    title = models.CharField(_("标题"), max_length=120, default=_("双向目标任务考核责任书"))
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    signed_on = models.DateField(_("签订日期"))
    scan = models.FileField(
        _("扫描件"), upload_to=scan_path, blank=True,
        validators=[FileExtensionValidator(SCAN_EXTENSIONS), validate_scan_size, validate_scan_content],
        help_text=_("PDF、JPG 或 PNG，不超过 10 MB"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_county = "county"

    class Meta:
        ordering = ["-year", "county__ordering", "member_unit__code"]
        verbose_name = _("目标责任书")
        verbose_name_plural = _("目标责任书")
        constraints = [
            models.CheckConstraint(
                name="document_has_one_holder",
                condition=Q(county__isnull=False, member_unit__isnull=True)
                | Q(county__isnull=True, member_unit__isnull=False),
            ),
        ]

    def __str__(self):
        holder = self.county or self.member_unit
        return f"{self.year}年{holder}{self.title}"

    def clean(self):
        if bool(self.county_id) == bool(self.member_unit_id):
            raise ValidationError(_("责任书须由一个县区或一个成员单位签订。"))


class SurveyPool(models.Model):
    """The eligible pool found by the survey (调查摸底) in one county for one category."""

    survey_year = models.PositiveSmallIntegerField(_("摸底年度"), default=2012)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("县区"))
    category = models.CharField(_("转户类别"), max_length=24, choices=Category.choices)
    eligible = models.PositiveIntegerField(_("符合条件人数"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_county = "county"

    class Meta:
        ordering = ["survey_year", "county__ordering", "category"]
        verbose_name = _("调查摸底人数")
        verbose_name_plural = _("调查摸底人数")
        constraints = [
            models.UniqueConstraint(fields=["survey_year", "county", "category"], name="one_pool_per_county_category"),
        ]

    def __str__(self):
        return f"{self.survey_year}年{self.county}{self.get_category_display()}：{self.eligible}"
