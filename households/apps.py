from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("转户办理")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from nongzhuancheng.job_kinds import JobKind, register
        from nongzhuancheng.metrics import register_source

        from .metrics import import_metrics

        register_source(import_metrics)

        # the import's queue age counts from its last hand-over (check, or import once confirmed)
        register(JobKind("imports", "households.ImportJob", ("queued", "checking", "importing"), "queued_at"))
        register(JobKind("exports", "households.ExportJob", ("queued", "running"), "created_at"))
