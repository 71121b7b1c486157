"""Filtering the pool and reading a problem's history (its source's audit trail)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from zerodisturb.audit.models import AuditEvent
from zerodisturb.problems.models import OPEN_STATES, Problem


def filter_problems(
    qs: QuerySet[Problem],
    *,
    kind: str = "",
    state: str = "",
    agency=None,
    provider=None,
    locality=None,
    owner_id: int | None = None,
    overdue: bool = False,
) -> QuerySet[Problem]:
    """`state` "" means the open ones, "all" everything, otherwise that state."""
    if kind:
        qs = qs.filter(kind=kind)
    if state == "":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state != "all":
        qs = qs.filter(state=state)
    for name, value in (("agency", agency), ("provider", provider), ("locality", locality)):
        if value is not None:
            qs = qs.filter(**{name: value})
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    if overdue:
        qs = qs.filter(state__in=OPEN_STATES, deadline__lt=timezone.localdate())
    return qs


def history(problem: Problem) -> QuerySet[AuditEvent]:
    """Every audit event about the problem's source record, oldest first."""
    return AuditEvent.objects.filter(
        object_type=problem.source_type, object_id=str(problem.source_id)
    ).order_by("seq")
