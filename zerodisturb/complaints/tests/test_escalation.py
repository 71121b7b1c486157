"""Overdue clocks escalate once each to oversight (经信局, 检察院, …) and the judicial bureau,
with an SMS; running the worker again changes nothing; a disputed closure escalates too."""

from datetime import timedelta

import pytest

from zerodisturb.audit.models import AuditEvent
from zerodisturb.complaints import services
from zerodisturb.complaints.choices import EntryKind
from zerodisturb.complaints.deadlines import JOBS
from zerodisturb.deadlines import worker
from zerodisturb.notifications.models import Notification
from zerodisturb.notifications.sms import ConsoleSmsAdapter
from zerodisturb.problems.models import Problem, ProblemState
from zerodisturb.testing.commissioning import at
from zerodisturb.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def run_deadlines(now):
    """This app's jobs, as the deadlines worker runs them."""
    return {name: job(now) for name, job in JOBS.items()}


def test_the_jobs_are_in_the_worker():
    assert set(JOBS) <= set(worker.JOBS)


def escalations(complaint):
    events = AuditEvent.objects.filter(action="complaint.escalate", object_id=str(complaint.pk))
    return [
        payload["cause"] for payload in events.order_by("seq").values_list("payload", flat=True)
    ]


def test_not_acknowledged_escalates_once_however_often_the_worker_runs(
    complaint_world, django_capture_on_commit_callbacks
):
    w = complaint_world
    w.supervisor.person = PersonFactory(organisation=w.orgs["judicial"], kind="officer")
    w.supervisor.save()  # a phone to send the SMS to
    c = w.complain()
    ConsoleSmsAdapter.sent.clear()

    assert run_deadlines(at(2026, 5, 14, 18))["complaints_ack_overdue"] == 0  # due today
    with django_capture_on_commit_callbacks(execute=True):
        first = run_deadlines(at(2026, 5, 15, 8))
    second = run_deadlines(at(2026, 5, 15, 9))

    assert first["complaints_ack_overdue"] == 1
    assert second["complaints_ack_overdue"] == 0
    assert escalations(c) == ["ack"]
    c.refresh_from_db()
    assert c.escalated_at == at(2026, 5, 15, 8) and c.ack_overdue_at == at(2026, 5, 15, 8)
    assert c.entries.filter(kind=EntryKind.ESCALATED).count() == 1
    recipients = set(
        Notification.objects.filter(title__contains="升级督办").values_list(
            "recipient__username", flat=True
        )
    )
    assert {
        w.user("oversight").username,
        w.procuratorate_user.username,
        w.supervisor.username,
        w.officer.username,
    } <= recipients
    assert any("升级督办" in text for _, text in ConsoleSmsAdapter.sent)
    assert Problem.objects.get(source_id=c.pk).state == ProblemState.ESCALATED


def test_each_clock_escalates_once(complaint_world):
    w = complaint_world
    c = w.complain()
    late = at(2026, 7, 1, 9)  # past all three clocks
    assert run_deadlines(late)["complaints_ack_overdue"] == 1
    run_deadlines(late + timedelta(hours=1))
    assert sorted(escalations(c)) == ["ack", "close", "reply"]


def test_clocks_met_do_not_escalate(complaint_world):
    w = complaint_world
    c = w.handled(w.complain())
    assert sum(run_deadlines(at(2026, 7, 1, 9)).values()) >= 0
    assert escalations(c) == []


def test_a_reopen_escalates_at_once_and_its_new_clock_can_escalate_again(complaint_world):
    w = complaint_world
    c = w.handled(w.complain())
    c = services.reopen_complaint(w.enterprise_user, c, reason="未整改", now=at(2026, 5, 20, 9))
    assert escalations(c) == ["reopen:1"]
    assert Notification.objects.filter(
        recipient=w.user("oversight"), title__contains="不认可"
    ).exists()
    run_deadlines(at(2026, 7, 1, 9))
    run_deadlines(at(2026, 7, 2, 9))
    assert escalations(c) == ["reopen:1", "close"]
