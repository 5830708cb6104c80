"""Opening and following the records from the households signals (sent inside the move's transaction)."""

from django.dispatch import receiver

from households.signals import application_completed, application_corrected

from . import services


@receiver(application_completed, dispatch_uid="entitlements_open_on_completion")
def open_on_completion(sender, application, actor=None, **kwargs):
    services.entitlements_open(application=application, actor=actor)


@receiver(application_corrected, dispatch_uid="entitlements_follow_correction")
def follow_correction(sender, application, actor=None, changed=None, **kwargs):
    services.entitlements_follow_correction(application=application, actor=actor, changed=changed)
