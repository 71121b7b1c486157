"""Background tasks of the registry (django-tasks; the database backend in production)."""

from django_tasks import task

from zerodisturb.registry.jobs import run_import


@task()
def run_import_task(job_id: int) -> str:
    return run_import(job_id).status
