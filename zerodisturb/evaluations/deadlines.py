"""This app's jobs for the deadlines worker: invite to rate checked-out visits, remind once, and
alert once on rectification tickets past their due date. Each is idempotent."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from zerodisturb.audit.services import record_event
from zerodisturb.evaluations import notices
from zerodisturb.evaluations.choices import COMPLETED_STATUSES
from zerodisturb.evaluations.models import Evaluation, EvaluationInvitation, Rectification
from zerodisturb.once import BATCH, process_once
from zerodisturb.registry.models import CountyPolicy
from zerodisturb.visits.choices import VisitStatus
from zerodisturb.visits.models import Visit

# Visits checked out longer ago than this get no invitation when the worker first meets them
# (e.g. history imported before the feature); the form stays reachable from the visit itself.
INVITE_WINDOW = timedelta(days=30)


def uninvited_visits(now: datetime):
    return Visit.objects.filter(
        checked_out_at__isnull=False,
        checked_out_at__lte=now,
        checked_out_at__gte=now - INVITE_WINDOW,
        status__in=(VisitStatus.COMPLETED, VisitStatus.CLOSED),
        evaluation_invitation__isnull=True,
    ).select_related("enterprise")


def invite_evaluations(now: datetime | None = None) -> int:
    """Invite the enterprise of each newly checked-out visit to rate it (in-app and SMS)."""
    now = now or timezone.now()
    invited = 0
    policies: dict[str, CountyPolicy] = {}
    for visit in uninvited_visits(now).order_by("checked_out_at", "pk")[:BATCH]:
        policy = policies.setdefault(visit.county_code, CountyPolicy.for_county(visit.county_code))
        evaluation = Evaluation.objects.filter(
            visit=visit, enterprise_id=visit.enterprise_id
        ).first()
        try:
            with transaction.atomic():
                # The one-to-one on visit makes a second run (or a second worker) a no-op.
                invitation = EvaluationInvitation.objects.create(
                    county_code=visit.county_code,
                    visit=visit,
                    enterprise_id=visit.enterprise_id,
                    invited_at=now,
                    remind_at=visit.checked_out_at
                    + timedelta(days=policy.evaluation_reminder_days),
                    evaluation=evaluation,
                )
                if evaluation is None:
                    record_event(None, "evaluation.invite", visit, {"invitation": invitation.pk})
                    notices.invite(visit)
                    invited += 1
        except IntegrityError:
            continue
    return invited


def reminders_due(now: datetime):
    return EvaluationInvitation.objects.filter(
        remind_at__lte=now, reminded_at__isnull=True, evaluation__isnull=True
    ).select_related("visit", "visit__enterprise")


def _remind(invitation: EvaluationInvitation) -> None:
    visit = invitation.visit
    if Evaluation.objects.filter(visit=visit, enterprise_id=invitation.enterprise_id).exists():
        return  # rated a moment ago: no reminder
    record_event(None, "evaluation.remind", visit, {"invitation": invitation.pk})
    notices.remind(visit)


def remind_evaluations(now: datetime | None = None) -> int:
    """One reminder per invitation once remind_at has passed with no evaluation."""
    now = now or timezone.now()
    return process_once(
        reminders_due(now),
        claim_field="reminded_at",
        now=now,
        act=_remind,
        order_by=("remind_at", "pk"),
    )


def overdue_rectifications(now: datetime):
    return Rectification.objects.filter(
        due_on__lt=timezone.localdate(now), overdue_notified_at__isnull=True
    ).exclude(status__in=COMPLETED_STATUSES)


def _chase(ticket: Rectification) -> None:
    record_event(
        None,
        "rectification.overdue",
        ticket,
        {"due_on": ticket.due_on, "status": ticket.status},
    )
    notices.ticket_overdue(ticket)


def process_overdue_rectifications(now: datetime | None = None) -> int:
    """Alert the agency and the judicial bureau once per ticket past its due date."""
    now = now or timezone.now()
    return process_once(
        overdue_rectifications(now).select_related("provider", "agency"),
        claim_field="overdue_notified_at",
        now=now,
        act=_chase,
        order_by=("due_on", "pk"),
    )


JOBS: dict = {
    "invite_evaluations": invite_evaluations,
    "remind_evaluations": remind_evaluations,
    "overdue_rectifications": process_overdue_rectifications,
}
