from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "nongzhuancheng"
    verbose_name = _("组织机构")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import (
            receivers,  # noqa: F401  the access log's auth signal receivers
            signin,  # noqa: F401  (connects its sign-in receiver)
        )
        from .lookups import register

        register()  # field__any_of=[...]
