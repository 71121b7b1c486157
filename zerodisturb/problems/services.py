"""Keeping the problem pool in step with its sources; called inside the source's transaction."""

from __future__ import annotations

from datetime import date, datetime

from django.db import models, transaction
from django.utils import timezone

from zerodisturb.problems.models import Problem, ProblemState, ProblemStep


def source_key(source: models.Model) -> tuple[str, int]:
    return source._meta.label_lower, source.pk


@transaction.atomic
def sync_problem(
    source: models.Model,
    *,
    kind: str,
    title: str,
    state: str,
    stage: str = "",
    owner=None,
    deadline: date | None = None,
    agency=None,
    provider=None,
    enterprise=None,
    locality=None,
    link: str = "",
    number: str = "",
    now: datetime | None = None,
) -> Problem:
    """Create or update the pool's row for `source`; a closed state stamps closed_at once."""
    now = now or timezone.now()
    source_type, source_id = source_key(source)
    if locality is None and enterprise is not None:
        locality = enterprise.locality
    fields = {
        "county_code": source.county_code,
        "kind": kind,
        "number": number or getattr(source, "number", "") or "",
        "title": title[:200],
        "state": state,
        "stage": str(stage)[:40],
        "owner": owner,
        "deadline": deadline,
        "agency": agency,
        "provider": provider,
        "enterprise": enterprise,
        "locality": locality,
        "link": link,
        "updated_at": now,
    }
    problem, created = Problem.objects.select_for_update().get_or_create(
        source_type=source_type,
        source_id=source_id,
        defaults={**fields, "opened_at": now, "closed_at": _closed(state, None, now)},
    )
    moved = created or (problem.state, problem.stage, problem.owner_id) != (
        state,
        fields["stage"],
        owner.pk if owner is not None else None,
    )
    if not created:
        for name, value in fields.items():
            setattr(problem, name, value)
        problem.closed_at = _closed(state, problem.closed_at, now)
        problem.save()
    if moved:
        ProblemStep.objects.create(
            problem=problem,
            state=state,
            stage=fields["stage"],
            owner=owner,
            deadline=deadline,
            at=now,
        )
    return problem


def _closed(state: str, closed_at: datetime | None, now: datetime) -> datetime | None:
    if state != ProblemState.CLOSED:
        return None
    return closed_at or now


def problem_for(source: models.Model) -> Problem | None:
    source_type, source_id = source_key(source)
    return Problem.objects.filter(source_type=source_type, source_id=source_id).first()
