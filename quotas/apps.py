from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuotasConfig(AppConfig):
    name = "quotas"
    verbose_name = _("目标任务")
    default_auto_field = "django.db.models.BigAutoField"
