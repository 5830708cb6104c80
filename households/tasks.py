"""Celery tasks of the households app: thin, they take ids and call a service."""

from celery import shared_task

from .imports import jobs


@shared_task(acks_late=True)
def import_job_check_task(job_id):
    """Check (preview) an uploaded spreadsheet: ``households.imports.jobs.import_job_check``."""
    jobs.import_job_check(job_id=job_id)


@shared_task(acks_late=True)
def import_job_run_task(job_id):
    """Import a checked spreadsheet: ``households.imports.jobs.import_job_run``."""
    jobs.import_job_run(job_id=job_id)


@shared_task
def rollup_check_task(repair=True):
    """Compare the completion rollup with the raw rows, log any drift and repair it; returns the
    number of keys that differed (``households.rollup.rollup_check``)."""
    from .rollup import rollup_check

    drift = rollup_check(repair=repair)
    return drift.keys + drift.daily_keys


@shared_task(acks_late=True)
def export_job_run_task(job_id):
    """Stream a background export into its file: ``households.export_jobs.export_job_run``."""
    from . import export_jobs

    export_jobs.export_job_run(job_id=job_id)


@shared_task
def export_jobs_expire_task():
    """Beat's hourly entry: delete the files of exports past their time."""
    from . import export_jobs

    return export_jobs.export_jobs_expire()


@shared_task(ignore_result=True)
def import_jobs_reap_task():
    """Beat's entry: fail the running jobs whose worker died: ``households.imports.jobs.import_jobs_reap``."""
    return jobs.import_jobs_reap()


@shared_task(ignore_result=True)
def export_jobs_reap_task():
    """Beat's entry: fail the running exports whose worker died: ``households.export_jobs.export_jobs_reap``."""
    from . import export_jobs

    return export_jobs.export_jobs_reap()
