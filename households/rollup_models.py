"""Summary tables of completed transfers: every progress figure is read from them.

Written only by ``households.rollup`` (in the transaction of the service that changes a completion),
rebuilt by ``manage.py rollup_rebuild`` and checked against the raw rows by a scheduled task.

Three grains of the same counts: ``CompletionRollup`` (day × county × station × category × sex ×
age band at completion: the statistics), ``CompletionDaily`` (day × county × category: the city
dashboard, the bulletin and the series, about 25 times fewer rows) and ``CompletionStationDaily``
(day × county × station: a county's station drill-down, about 100 times fewer rows than the fine
table: 镇雄县's year was 216,000 fine rows to sum)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from nongzhuancheng.models import County, PoliceStation
from nongzhuancheng.scoping import ScopedQuerySet

from .reference import Category, Sex


class AgeBand(models.TextChoices):
    """Age in whole years on the day of completion."""

    UNDER_18 = "0-17", _("18岁以下")
    AGE_18_34 = "18-34", _("18至34岁")
    AGE_35_59 = "35-59", _("35至59岁")
    AGE_60_UP = "60+", _("60岁及以上")


class CompletionRollup(models.Model):
    completed_on = models.DateField(_("办结日期"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("原户籍县区"))
    station = models.ForeignKey(PoliceStation, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理派出所"))
    category = models.CharField(_("转户类别"), max_length=24, choices=Category.choices)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    age_band = models.CharField(_("年龄段"), max_length=5, choices=AgeBand.choices)
    persons = models.IntegerField(_("人数"), default=0)

    objects = ScopedQuerySet.as_manager()  # the selectors count city-wide; for_user keeps a place's rows
    scope_county = "county"
    scope_station = "station"

    class Meta:
        verbose_name = _("办结人数汇总")
        verbose_name_plural = _("办结人数汇总")
        constraints = [models.UniqueConstraint(
            fields=["completed_on", "county", "station", "category", "sex", "age_band"], name="completion_rollup_key")]
        # covering the station drill-down (index-only: county, days, then station and persons)
        indexes = [models.Index(fields=["county", "completed_on", "station", "persons"],
                                name="completion_rollup_county_day")]


class CompletionDaily(models.Model):
    completed_on = models.DateField(_("办结日期"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("原户籍县区"))
    category = models.CharField(_("转户类别"), max_length=24, choices=Category.choices)
    persons = models.IntegerField(_("人数"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_county = "county"

    class Meta:
        verbose_name = _("每日办结人数")
        verbose_name_plural = _("每日办结人数")
        constraints = [models.UniqueConstraint(fields=["completed_on", "county", "category"],
                                               name="completion_daily_key")]
        indexes = [models.Index(fields=["county", "completed_on"], name="completion_daily_county_day")]


class CompletionStationDaily(models.Model):
    completed_on = models.DateField(_("办结日期"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("原户籍县区"))
    station = models.ForeignKey(PoliceStation, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理派出所"))
    persons = models.IntegerField(_("人数"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_county = "county"
    scope_station = "station"

    class Meta:
        verbose_name = _("派出所每日办结人数")
        verbose_name_plural = _("派出所每日办结人数")
        constraints = [models.UniqueConstraint(fields=["completed_on", "county", "station"],
                                               name="completion_station_daily_key")]
        # covering the station drill-down (index-only: county, days, then station and persons)
        indexes = [models.Index(fields=["county", "completed_on", "station", "persons"],
                                name="completion_station_county_day")]
