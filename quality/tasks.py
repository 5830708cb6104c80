"""Celery tasks of the quality app: thin, they call a service."""

from celery import shared_task


@shared_task(acks_late=True)
def quality_scan_task():
    """The nightly data-quality and duplicate scan (``quality.services.quality_scan``); returns the
    open findings and pairs."""
    from . import services

    result = services.quality_scan()
    return {"findings": sum(result["findings"].values()), "pairs": result["duplicates"].open}
