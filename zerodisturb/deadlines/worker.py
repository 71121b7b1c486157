"""The one deadlines worker: every lifecycle app's overdue check, each idempotent on its own."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from zerodisturb.alerts.deadlines import JOBS as ALERT_JOBS
from zerodisturb.commissioning.deadlines import process_overdue_reviews
from zerodisturb.complaints.deadlines import JOBS as COMPLAINT_JOBS
from zerodisturb.contracts.deadlines import process_overdue_filings
from zerodisturb.evaluations.deadlines import JOBS as EVALUATION_JOBS
from zerodisturb.oversight.deadlines import JOBS as OVERSIGHT_JOBS
from zerodisturb.registry.deadlines import JOBS as REGISTRY_JOBS
from zerodisturb.scorecards.deadlines import JOBS as SCORECARD_JOBS
from zerodisturb.visits.deadlines import process_overdue_emergency_visits


def ensure_time_partitions(now: datetime) -> int:
    """PostgreSQL: next years' partitions of visits, evaluations, audit events and notifications
    exist before their first row (rows would otherwise land in the DEFAULT partition)."""
    from django.db import connection

    from zerodisturb.partitions import ensure_partitions

    return len(ensure_partitions(connection, today=timezone.localdate(now)))


JOBS = {
    "ensure_partitions": ensure_time_partitions,
    **REGISTRY_JOBS,
    "overdue_reviews": process_overdue_reviews,
    "overdue_filings": process_overdue_filings,
    "overdue_emergency_visits": process_overdue_emergency_visits,
    **EVALUATION_JOBS,
    **COMPLAINT_JOBS,
    # Last: a provider's standing is judged on the day's evaluations and complaints.
    **SCORECARD_JOBS,
    **ALERT_JOBS,
    **OVERSIGHT_JOBS,
}


def run_deadlines(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {name: job(now) for name, job in JOBS.items()}
