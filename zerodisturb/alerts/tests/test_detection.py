"""Each kind of alert on a known scenario: detected exactly once, owned by the right party, closed
with a note, and not raised again by a second run or for the same occurrence after closing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from zerodisturb.alerts.choices import AlertKind
from zerodisturb.alerts.deadlines import JOBS
from zerodisturb.alerts.models import Alert
from zerodisturb.alerts.services import close_alert, detect_alerts
from zerodisturb.audit.models import AuditEvent
from zerodisturb.audit.verify import verify_chain
from zerodisturb.contracts.services import file_contract
from zerodisturb.credentials.services import suspend_credential
from zerodisturb.credentials.tokens import sign
from zerodisturb.deadlines.worker import run_deadlines
from zerodisturb.notifications.models import Notification
from zerodisturb.problems.models import ProblemKind, ProblemState
from zerodisturb.problems.services import problem_for
from zerodisturb.registry.models import CountyPolicy
from zerodisturb.scorecards.tests.scenario import complaint, evaluations
from zerodisturb.testing.commissioning import (
    approved_item,
    at,
    recorded_contract,
    submitted_item,
    vote,
)
from zerodisturb.testing.visits import VISIT_DAY
from zerodisturb.visits.scanning import scan

from .scenarios import (
    emergency_visit,
    request_visit,
    visit_without_scan,
)

pytestmark = pytest.mark.django_db


def detected_once(kind, now) -> Alert:
    """The kind's job opens exactly one alert, and a second run opens none."""
    assert detect_alerts(kind, now) == 1
    assert detect_alerts(kind, now + timedelta(hours=1)) == 0
    return Alert.objects.get(kind=kind)


def assert_opened_properly(alert: Alert, owner, recipient) -> None:
    assert alert.owner == owner
    assert alert.is_open and alert.number.startswith(f"YJ-{alert.county_code}-")
    assert AuditEvent.objects.filter(action="alert.open", object_id=str(alert.pk)).count() == 1
    problem = problem_for(alert)
    assert problem.kind == ProblemKind.ALERT and problem.state == ProblemState.OPEN
    assert problem.owner == owner
    notes = Notification.objects.filter(dedupe_key=f"alert:{alert.pk}")
    assert notes.filter(recipient=recipient, kind="alert").count() == 1


def close_with_note(actor, alert: Alert, now) -> Alert:
    with pytest.raises(ValidationError) as refused:
        close_alert(actor, alert, note="   ", now=now)
    assert "处理说明" in refused.value.message_dict["note"][0]
    alert = close_alert(actor, alert, note="已督促整改并核实", now=now)
    assert alert.closed_by == actor and alert.closing_note == "已督促整改并核实"
    assert problem_for(alert).state == ProblemState.CLOSED
    assert AuditEvent.objects.filter(action="alert.close", object_id=str(alert.pk)).count() == 1
    with pytest.raises(ValidationError):
        close_alert(actor, alert, note="再关一次", now=now)
    return alert


def test_the_worker_runs_every_kind():
    assert {f"alerts_{kind}" for kind in AlertKind} == set(JOBS)


def test_overdue_review(panel):
    item = submitted_item(panel, at(2026, 9, 24))  # reviews due Thursday 15 Oct 2026
    finance = panel.county.orgs["finance"]
    for seat in panel.seats:
        if seat != finance:
            vote(panel, item, seat, now=at(2026, 9, 28))
    assert detect_alerts(AlertKind.REVIEW_OVERDUE, at(2026, 10, 15, 23)) == 0

    alert = detected_once(AlertKind.REVIEW_OVERDUE, at(2026, 10, 16, 8))

    reviewer = panel.reviewer_of("finance")
    assert_opened_properly(alert, finance, reviewer)
    assert alert.agency == panel.county.orgs["agency"] and item.number in alert.title
    close_with_note(reviewer, alert, at(2026, 10, 16, 9))
    assert detect_alerts(AlertKind.REVIEW_OVERDUE, at(2026, 10, 20)) == 0
    assert verify_chain().ok


def test_overdue_filing(panel):
    item = approved_item(panel, at(2026, 3, 2), at(2026, 3, 10))
    contract = recorded_contract(panel, item, at(2026, 3, 21))
    due = contract.current_version.filing_due_on
    day_after = at(due.year, due.month, due.day, 8) + timedelta(days=1)
    assert detect_alerts(AlertKind.FILING_OVERDUE, at(due.year, due.month, due.day, 23)) == 0

    alert = detected_once(AlertKind.FILING_OVERDUE, day_after)

    assert_opened_properly(alert, panel.county.orgs["agency"], panel.officer)
    assert alert.provider == panel.county.orgs["provider"]
    close_with_note(panel.supervisor, alert, day_after)
    file_contract(panel.officer, contract, now=day_after)
    assert detect_alerts(AlertKind.FILING_OVERDUE, day_after + timedelta(days=5)) == 0


def test_visit_without_a_valid_scan(visit_world):
    panel = visit_world.panel
    missed = visit_without_scan(visit_world)
    shown = visit_without_scan(visit_world, when=VISIT_DAY + timedelta(days=1))
    gate = shown.window_start + timedelta(minutes=5)
    assert scan(sign(shown.pk, visit_world.lead.credential.pk, gate), gate).valid
    emergency_visit(visit_world, when=VISIT_DAY + timedelta(days=2))  # recorded afterwards
    # Still inside its window: not yet.
    assert detect_alerts(AlertKind.VISIT_NO_SCAN, VISIT_DAY + timedelta(hours=1)) == 0

    alert = detected_once(AlertKind.VISIT_NO_SCAN, VISIT_DAY + timedelta(days=5))

    assert alert.subject_id == missed.pk and missed.number in alert.title
    assert_opened_properly(alert, panel.county.orgs["agency"], panel.officer)
    assert alert.enterprise == visit_world.enterprise
    assert alert.locality == panel.county.town
    close_with_note(panel.officer, alert, VISIT_DAY + timedelta(days=6))
    assert detect_alerts(AlertKind.VISIT_NO_SCAN, VISIT_DAY + timedelta(days=9)) == 0


def test_credential_used_while_suspended(visit_world):
    panel = visit_world.panel
    credential = visit_world.lead.credential
    first = visit_without_scan(visit_world)
    second = visit_without_scan(visit_world, when=VISIT_DAY + timedelta(days=7))
    suspend_credential(panel.supervisor, credential, "涉嫌推销服务，暂停核查")
    gate = first.window_start + timedelta(minutes=5)
    for _ in range(3):  # the enterprise tries three times at the gate
        assert scan(sign(first.pk, credential.pk, gate), gate).code == "suspended"

    alert = detected_once(AlertKind.CREDENTIAL_MISUSE, gate + timedelta(minutes=10))

    assert_opened_properly(alert, panel.county.orgs["judicial"], panel.supervisor)
    assert alert.provider == panel.county.orgs["provider"] and credential.number in alert.title
    assert alert.occurrences == 1
    close_with_note(panel.supervisor, alert, gate + timedelta(hours=1))
    # The same visit again: the same occurrence, not reopened.
    assert scan(sign(first.pk, credential.pk, gate), gate).code == "suspended"
    assert detect_alerts(AlertKind.CREDENTIAL_MISUSE, gate + timedelta(hours=2)) == 0
    # A new visit with the same suspended credential: a new alert.
    gate2 = second.window_start + timedelta(minutes=5)
    scan(sign(second.pk, credential.pk, gate2), gate2)
    assert detect_alerts(AlertKind.CREDENTIAL_MISUSE, gate2 + timedelta(minutes=1)) == 1
    assert Alert.objects.filter(kind=AlertKind.CREDENTIAL_MISUSE).count() == 2


def test_a_stale_code_of_a_valid_credential_is_not_misuse(visit_world):
    visit = visit_without_scan(visit_world)
    gate = visit.window_start + timedelta(minutes=5)
    code = sign(visit.pk, visit_world.lead.credential.pk, gate)
    assert scan(code, gate + timedelta(minutes=10)).code == "expired"  # a screenshot
    assert detect_alerts(AlertKind.CREDENTIAL_MISUSE, gate + timedelta(hours=1)) == 0


def test_new_occurrences_fold_into_the_open_alert(visit_world):
    credential = visit_world.lead.credential
    visits = [visit_without_scan(visit_world, VISIT_DAY + timedelta(days=d)) for d in (0, 7)]
    suspend_credential(visit_world.panel.supervisor, credential, "暂停核查")
    for visit in visits:
        gate = visit.window_start + timedelta(minutes=5)
        scan(sign(visit.pk, credential.pk, gate), gate)
        detect_alerts(AlertKind.CREDENTIAL_MISUSE, gate + timedelta(minutes=1))
    alert = Alert.objects.get(kind=AlertKind.CREDENTIAL_MISUSE)
    assert alert.occurrences == 2 and alert.seen.count() == 2


def test_enterprise_above_the_quarterly_threshold(visit_world):
    panel = visit_world.panel
    CountyPolicy.objects.update_or_create(
        county_code=panel.code, defaults={"frequent_visits_per_quarter": 2}
    )
    for day in (12, 13):
        request_visit(visit_world, at(2026, 5, day, 9))
    assert detect_alerts(AlertKind.FREQUENT_VISITS, at(2026, 5, 20)) == 0
    request_visit(visit_world, at(2026, 6, 2, 9))

    alert = detected_once(AlertKind.FREQUENT_VISITS, at(2026, 6, 3))

    assert_opened_properly(alert, panel.county.orgs["judicial"], panel.supervisor)
    assert "2026Q2" in alert.title and "3 次" in alert.title
    assert alert.enterprise == visit_world.enterprise
    close_with_note(panel.supervisor, alert, at(2026, 6, 4))
    request_visit(visit_world, at(2026, 6, 9, 9))
    assert detect_alerts(AlertKind.FREQUENT_VISITS, at(2026, 6, 10)) == 0  # same quarter
    for day in (6, 7, 8):
        request_visit(visit_world, at(2026, 7, day, 9))
    assert detect_alerts(AlertKind.FREQUENT_VISITS, at(2026, 7, 9)) == 1  # a new quarter


def test_emergency_visit_not_completed_in_time(visit_world):
    panel = visit_world.panel
    visit = emergency_visit(visit_world)
    assert detect_alerts(AlertKind.EMERGENCY_OVERDUE, at(2026, 5, 22, 23)) == 0

    alert = detected_once(AlertKind.EMERGENCY_OVERDUE, at(2026, 5, 23, 8))

    assert alert.subject_id == visit.pk
    assert_opened_properly(alert, panel.county.orgs["agency"], panel.officer)
    close_with_note(panel.officer, alert, at(2026, 5, 24))
    assert detect_alerts(AlertKind.EMERGENCY_OVERDUE, at(2026, 5, 30)) == 0


def test_run_deadlines_twice_opens_each_alert_once(visit_world):
    visit_without_scan(visit_world)
    emergency_visit(visit_world, when=VISIT_DAY + timedelta(days=1))
    first = run_deadlines(at(2026, 6, 1))
    second = run_deadlines(at(2026, 6, 2))
    assert first["alerts_visit_no_scan"] == 1 and first["alerts_emergency_overdue"] == 1
    assert all(count == 0 for name, count in second.items() if name.startswith("alerts_"))
    assert Alert.objects.count() == 2


def test_provider_near_the_satisfaction_floor(visit_world):
    panel = visit_world.panel
    evaluations(visit_world, {5: 10, 4: 7, 3: 3}, at(2026, 6, 1))  # 17 of 20: 85%, the floor

    alert = detected_once(AlertKind.PROVIDER_NEAR_EXIT, at(2026, 6, 10))

    provider = panel.county.orgs["provider"]
    assert alert.provider == provider and alert.subject_id == provider.pk
    assert "85.00%" in alert.detail and "20 条评价" in alert.detail
    assert_opened_properly(alert, panel.county.orgs["judicial"], panel.supervisor)
    close_with_note(panel.supervisor, alert, at(2026, 6, 11))
    assert detect_alerts(AlertKind.PROVIDER_NEAR_EXIT, at(2026, 6, 20)) == 0  # same month
    assert detect_alerts(AlertKind.PROVIDER_NEAR_EXIT, at(2026, 7, 2)) == 1  # still near in July


@pytest.mark.parametrize(
    ("levels", "near"),
    [
        ({5: 18, 3: 2}, False),  # 90%: five points above, not near
        ({5: 17, 3: 2}, False),  # 19 evaluations: too few to judge
        ({5: 16, 3: 4}, False),  # 80%: below the floor, the exit procedure's business
        ({5: 18, 3: 3}, True),  # 85.7%
    ],
)
def test_near_the_floor_edges(visit_world, levels, near):
    evaluations(visit_world, levels, at(2026, 6, 1))
    assert detect_alerts(AlertKind.PROVIDER_NEAR_EXIT, at(2026, 6, 10)) == int(near)


def test_provider_one_complaint_short_of_the_limit(visit_world):
    complaint(visit_world, at(2026, 5, 1))
    assert detect_alerts(AlertKind.PROVIDER_NEAR_EXIT, at(2026, 6, 10)) == 0
    complaint(visit_world, at(2026, 5, 20))
    complaint(visit_world, at(2026, 5, 21), substantiated=False)

    alert = detected_once(AlertKind.PROVIDER_NEAR_EXIT, at(2026, 6, 11))

    assert "查实投诉 2 件" in alert.detail
