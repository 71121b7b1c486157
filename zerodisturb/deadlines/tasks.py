from django_tasks import task

from zerodisturb.deadlines.worker import run_deadlines


@task()
def run_deadlines_task() -> dict[str, int]:
    return run_deadlines()
