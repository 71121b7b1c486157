"""The one deadlines worker: every lifecycle app's overdue check, each idempotent on its own."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from zerodisturb.commissioning.deadlines import process_overdue_reviews
from zerodisturb.contracts.deadlines import process_overdue_filings
from zerodisturb.visits.deadlines import process_overdue_emergency_visits

JOBS = {
    "overdue_reviews": process_overdue_reviews,
    "overdue_filings": process_overdue_filings,
    "overdue_emergency_visits": process_overdue_emergency_visits,
}


def run_deadlines(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {name: job(now) for name, job in JOBS.items()}
