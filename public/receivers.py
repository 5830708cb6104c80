"""Notices follow the events the households and entitlements services write inside the transaction
of a move: a notice row is recorded in that transaction, and sent by a Celery task after it commits."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from households.models import ApplicationEvent
from nongzhuancheng.models import PoliceStation

from . import services
from .caching import pages_changed
from .models import StationDesk


@receiver(post_save, sender=ApplicationEvent, dispatch_uid="public_notice_application_event")
def notice_application_event(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.notice_for_application_event(event=instance)


@receiver(post_save, sender="entitlements.GuaranteeEvent", dispatch_uid="public_notice_guarantee_event")
def notice_guarantee_event(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.notice_for_guarantee_event(event=instance)


@receiver(post_save, sender=PoliceStation, dispatch_uid="public_pages_station_changed")
@receiver(post_save, sender=StationDesk, dispatch_uid="public_pages_desk_changed")
def station_changed(sender, raw=False, **kwargs):
    pages_changed()
