from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("旬报统计")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from nongzhuancheng.job_kinds import JobKind, register
        from nongzhuancheng.metrics import register_source

        from .metrics import bulletin_metrics

        register_source(bulletin_metrics)

        register(JobKind("bulletins", "reports.Bulletin", ("queued", "rendering"), "requested_at"))
