"""The checks follow the households services through their signals (households never imports quality)."""

from django.dispatch import receiver

from households.signals import application_entered, applications_changed

from . import services


@receiver(application_entered, dispatch_uid="quality_entry_check")
def check_entry(sender, application, actor=None, override_reason="", confirm_warnings=False, **kwargs):
    return services.entry_check(application=application, actor=actor, override_reason=override_reason,
                                confirm_warnings=confirm_warnings)


@receiver(applications_changed, dispatch_uid="quality_recheck")
def recheck(sender, application_ids, actor=None, **kwargs):
    services.recheck(application_ids=application_ids)
