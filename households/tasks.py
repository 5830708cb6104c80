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


@shared_task(ignore_result=True)
def import_jobs_reap_task():
    """Beat's entry: fail the running jobs whose worker died: ``households.imports.jobs.import_jobs_reap``."""
    return jobs.import_jobs_reap()
