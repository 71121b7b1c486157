"""Emergency visits not closed within their completion days are chased once by the worker."""

from __future__ import annotations

from datetime import timedelta

import pytest

from zerodisturb.audit.models import AuditEvent
from zerodisturb.credentials.tokens import sign
from zerodisturb.deadlines.worker import run_deadlines
from zerodisturb.notifications.models import Notification
from zerodisturb.testing.commissioning import at, panel_fixture  # noqa: F401  (a fixture)
from zerodisturb.testing.visits import (  # noqa: F401  (visit_world is a fixture)
    VISIT_DAY,
    planned_visit,
    visit_world_fixture,
)
from zerodisturb.visits.choices import VisitKind
from zerodisturb.visits.deadlines import process_overdue_emergency_visits
from zerodisturb.visits.scanning import scan
from zerodisturb.visits.services import cancel_visit, check_in, check_out, close_visit

pytestmark = pytest.mark.django_db

DUE_DAY = at(2026, 5, 22, 23)  # VISIT_DAY + 10 calendar days
DAY_AFTER = at(2026, 5, 23, 8)


def emergency(world, when=VISIT_DAY):
    return planned_visit(
        world,
        when=when,
        kind=VisitKind.EMERGENCY,
        reason="企业危化品仓库冒烟，紧急技术支援",
        plan=None,
        now=when + timedelta(hours=3),
    ).visit


def alerts(**filters):
    return Notification.objects.filter(dedupe_key__startswith="emergency-overdue", **filters)


def test_an_overdue_emergency_visit_is_chased_once(visit_world):
    panel = visit_world.panel
    visit = emergency(visit_world)
    assert visit.completion_due_on.isoformat() == "2026-05-22"

    assert process_overdue_emergency_visits(DUE_DAY) == 0
    assert process_overdue_emergency_visits(DAY_AFTER) == 1
    assert process_overdue_emergency_visits(DAY_AFTER + timedelta(days=3)) == 0

    assert alerts(recipient=panel.officer, kind="reminder").count() == 1
    assert alerts(recipient=panel.supervisor, kind="alert").count() == 1
    assert alerts(recipient=panel.other_officer).count() == 0
    assert visit.number in alerts(recipient=panel.supervisor).get().title
    visit.refresh_from_db()
    assert visit.overdue_notified_at == DAY_AFTER
    assert AuditEvent.objects.filter(action="visit.completion_overdue").count() == 1


def test_the_worker_runs_it(visit_world):
    emergency(visit_world)
    assert run_deadlines(DAY_AFTER)["overdue_emergency_visits"] == 1
    assert run_deadlines(DAY_AFTER)["overdue_emergency_visits"] == 0
    assert alerts(kind="alert").count() == 1


def test_closed_cancelled_and_ordinary_visits_are_left_alone(visit_world):
    lead = visit_world.lead
    closed = emergency(visit_world)
    gate = VISIT_DAY + timedelta(minutes=5)
    assert scan(sign(closed.pk, lead.credential.pk, gate), gate).valid
    check_in(visit_world.enterprise_user, closed, now=gate)
    check_out(visit_world.enterprise_user, closed, now=gate + timedelta(hours=2))
    close_visit(lead.officer, closed, now=at(2026, 5, 20))

    cancelled = emergency(visit_world, when=VISIT_DAY + timedelta(hours=3))
    cancel_visit(lead.officer, cancelled, "误报，未实际入企")
    planned_visit(visit_world)  # no completion deadline at all

    assert process_overdue_emergency_visits(at(2026, 6, 30)) == 0
    assert not alerts().exists()
