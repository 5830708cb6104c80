from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("转户人员统计")
    default_auto_field = "django.db.models.BigAutoField"
