"""Background tasks of surveys (django-tasks; the database backend in production)."""

from django_tasks import task

from zerodisturb.surveys.services import invite_batches


@task()
def invite_task(survey_id: int) -> int:
    return invite_batches(survey_id)
