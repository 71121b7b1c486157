"""Doing something exactly once per overdue row, however often (or however many workers) run it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

BATCH = 1000


def process_once(
    overdue: QuerySet, *, claim_field: str, now: datetime, act: Callable, order_by=("pk",)
) -> int:
    """Claim each row with `UPDATE … SET claim_field = now WHERE claim_field IS NULL` and run
    `act(row)` in the same transaction; a row another run claimed first is skipped."""
    handled = 0
    model = overdue.model
    for row in overdue.order_by(*order_by)[:BATCH]:
        with transaction.atomic():
            claimed = model.objects.filter(pk=row.pk, **{f"{claim_field}__isnull": True}).update(
                **{claim_field: now}
            )
            if claimed:
                act(row)
                handled += 1
    return handled
