"""The worker's jobs: invitations and one reminder per visit, tickets due in working days across
the 2026 National Day week (with its 调休 Saturday), overdue alerts once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from zerodisturb.audit.models import AuditEvent
from zerodisturb.deadlines.worker import JOBS, run_deadlines
from zerodisturb.evaluations.deadlines import (
    invite_evaluations,
    process_overdue_rectifications,
    remind_evaluations,
)
from zerodisturb.evaluations.models import EvaluationInvitation, Rectification
from zerodisturb.evaluations.tests.conftest import BAD, at, checked_out, rate
from zerodisturb.notifications.models import Notification

pytestmark = pytest.mark.django_db

BEFORE_NATIONAL_DAY = at(2026, 9, 29, 9)  # a Tuesday; 1–7 October are off, Sat 10 October works


def enterprise_notes(world, text: str):
    return Notification.objects.filter(recipient=world.enterprise_user, title__contains=text)


def test_the_jobs_are_registered_with_the_worker():
    assert {"invite_evaluations", "remind_evaluations", "overdue_rectifications"} <= set(JOBS)


def test_one_invitation_and_one_reminder_however_often_the_worker_runs(rated_world):
    world, visit = rated_world.world, rated_world.visit
    soon = visit.checked_out_at + timedelta(minutes=5)
    assert invite_evaluations(soon) == 1
    assert invite_evaluations(soon) == 0
    invitation = EvaluationInvitation.objects.get()
    assert invitation.remind_at == visit.checked_out_at + timedelta(days=3)
    note = enterprise_notes(world, "请评价").get()
    assert note.link == f"/evaluations/visit/{visit.pk}/"

    assert remind_evaluations(invitation.remind_at - timedelta(minutes=1)) == 0
    later = invitation.remind_at + timedelta(hours=1)
    assert remind_evaluations(later) == 1
    assert remind_evaluations(later + timedelta(days=1)) == 0
    assert enterprise_notes(world, "尚未评价").count() == 1
    assert AuditEvent.objects.filter(action="evaluation.remind").count() == 1


def test_no_reminder_once_rated(rated_world):
    visit = rated_world.visit
    invite_evaluations(visit.checked_out_at + timedelta(minutes=5))
    rate(rated_world.world, visit)
    assert remind_evaluations(visit.checked_out_at + timedelta(days=4)) == 0
    assert not enterprise_notes(rated_world.world, "尚未评价").exists()


def test_a_visit_rated_before_the_worker_came_gets_no_invitation_message(rated_world):
    visit = rated_world.visit
    evaluation = rate(rated_world.world, visit)
    assert invite_evaluations(visit.checked_out_at + timedelta(hours=5)) == 0
    assert EvaluationInvitation.objects.get().evaluation == evaluation
    assert not enterprise_notes(rated_world.world, "请评价").exists()


def test_visits_not_checked_out_are_not_invited(visit_world):
    visit = checked_out(visit_world, check_out_visit=False)
    assert invite_evaluations(visit.checked_in_at + timedelta(days=1)) == 0


def test_run_deadlines_twice_does_the_work_once(rated_world):
    visit = rated_world.visit
    now = visit.checked_out_at + timedelta(days=4)
    first, second = run_deadlines(now), run_deadlines(now)
    assert first["invite_evaluations"] == 1 and first["remind_evaluations"] == 1
    assert second["invite_evaluations"] == 0 and second["remind_evaluations"] == 0


def test_ticket_due_in_fifteen_working_days_across_national_day(visit_world):
    visit = checked_out(visit_world, BEFORE_NATIONAL_DAY)
    rate(visit_world, visit, now=BEFORE_NATIONAL_DAY + timedelta(hours=6), **BAD)
    ticket = Rectification.objects.get()
    # 30 Sep, 8, 9, 10 (调休 Saturday), 12–16, 19–23, 26 October: the 15th working day.
    assert ticket.due_on == date(2026, 10, 26)
    assert not ticket.due_estimated


def test_an_overdue_ticket_alerts_agency_and_bureau_once(rated_world):
    rate(rated_world.world, rated_world.visit, **BAD)
    ticket = Rectification.objects.get()
    on_due_day = at(ticket.due_on.year, ticket.due_on.month, ticket.due_on.day, 23)
    assert process_overdue_rectifications(on_due_day) == 0
    day_after = on_due_day + timedelta(hours=2)
    assert process_overdue_rectifications(day_after) == 1
    assert process_overdue_rectifications(day_after + timedelta(days=1)) == 0
    for role in ("agency_officer", "supervisor"):
        notes = Notification.objects.filter(
            recipient=rated_world.user(role), title__contains="逾期"
        )
        assert notes.count() == 1
    assert AuditEvent.objects.filter(action="rectification.overdue").count() == 1


def test_a_completed_ticket_is_not_chased(rated_world):
    from zerodisturb.evaluations.choices import RectificationStatus

    rate(rated_world.world, rated_world.visit, **BAD)
    Rectification.objects.update(status=RectificationStatus.ACCEPTED)
    ticket = Rectification.objects.get()
    assert process_overdue_rectifications(at(2027, 1, 1)) == 0
    assert ticket.overdue_notified_at is None
