"""Summary tables of the retentions and guarantee cases: the delivery and retention figures read them.

Written only by ``entitlements.rollup`` (in the transaction of the service that changes a record),
rebuilt by ``manage.py entitlement_rollup_rebuild`` and checked against the records by a scheduled task.

The states of the records as of a day are a running sum: each row is the change, on ``day``, in the
number of records of a county and kind in a state (a case leaving "requested" for "in progress" is
-1 and +1 on the day it started), so the figures as of D add the rows up to D — some tens of
thousands of rows, where the records are ten a transferred person. ``DeliveryDays`` counts the cases
delivered on a day by the days they took, for the median time to delivery.

What a record counts as on a day is ``entitlements.rollup``'s rule (the records' own dates), the
same the records themselves are counted by for a clerk's station (``entitlements.selectors``): the
tables' finest place is a county."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from nongzhuancheng.models import County
from nongzhuancheng.scoping import ScopedQuerySet

from .models import EntitlementScopeMixin, GuaranteeCase, GuaranteeKind, Retention, RetentionKind


class _CountyDay(EntitlementScopeMixin, models.Model):
    """A summary row of a county on a day, scoped as the records are (a member unit by its kinds); a
    county is the finest place, so a clerk reads none of these (a clerk's figures are counted from
    the station's records)."""

    scope_station = None

    day = models.DateField(_("日期"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("原户籍县区"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class GuaranteeDaily(_CountyDay):
    KINDS = tuple(GuaranteeKind)

    kind = models.CharField(_("保障事项"), max_length=12, choices=GuaranteeKind.choices)
    state = models.CharField(_("状态"), max_length=12, choices=GuaranteeCase.State.choices)
    change = models.IntegerField(_("件数变化"), default=0)

    class Meta:
        verbose_name = _("五项保障每日变化")
        verbose_name_plural = _("五项保障每日变化")
        constraints = [models.UniqueConstraint(fields=["day", "county", "kind", "state"],
                                               name="guarantee_daily_key")]
        indexes = [models.Index(fields=["county", "day"], name="guarantee_daily_county_day")]


class RetentionDaily(_CountyDay):
    KINDS = tuple(RetentionKind)

    kind = models.CharField(_("保留事项"), max_length=24, choices=RetentionKind.choices)
    state = models.CharField(_("状态"), max_length=12, choices=Retention.State.choices)
    change = models.IntegerField(_("件数变化"), default=0)

    class Meta:
        verbose_name = _("五项保留每日变化")
        verbose_name_plural = _("五项保留每日变化")
        constraints = [models.UniqueConstraint(fields=["day", "county", "kind", "state"],
                                               name="retention_daily_key")]
        indexes = [models.Index(fields=["county", "day"], name="retention_daily_county_day")]


class DeliveryDays(_CountyDay):
    KINDS = tuple(GuaranteeKind)

    day = models.DateField(_("落实日期"))  # the day the case counts as delivered (not before it was opened)
    kind = models.CharField(_("保障事项"), max_length=12, choices=GuaranteeKind.choices)
    days = models.IntegerField(_("落实用时（天）"))
    cases = models.IntegerField(_("件数"), default=0)

    class Meta:
        verbose_name = _("落实用时汇总")
        verbose_name_plural = _("落实用时汇总")
        constraints = [models.UniqueConstraint(fields=["day", "county", "kind", "days"], name="delivery_days_key")]
        indexes = [models.Index(fields=["county", "day"], name="delivery_days_county_day")]
