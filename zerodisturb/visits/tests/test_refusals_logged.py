"""Refusals leave a trace a KPI can count: over-cap plans and stale (screenshotted) codes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from zerodisturb.audit.models import AuditEvent
from zerodisturb.credentials.tokens import sign
from zerodisturb.testing.commissioning import panel_fixture  # noqa: F401 - `panel`
from zerodisturb.testing.visits import VISIT_DAY, planned_visit, visit_world_fixture  # noqa: F401
from zerodisturb.visits.models import ScanLog
from zerodisturb.visits.scanning import scan

pytestmark = pytest.mark.django_db


def test_a_plan_refused_by_the_cap_is_in_the_audit_trail(visit_world):
    planned_visit(visit_world, VISIT_DAY)
    planned_visit(visit_world, VISIT_DAY + timedelta(days=7))
    with pytest.raises(ValidationError, match="已达上限"):
        planned_visit(visit_world, VISIT_DAY + timedelta(days=14))
    event = AuditEvent.objects.get(action="visit.refused_cap")
    assert event.object_id == str(visit_world.enterprise.pk)
    assert event.payload["counted"] == 2 and event.payload["cap"] == 2


def test_an_expired_code_is_logged_against_its_visit(visit_world):
    visit = planned_visit(visit_world, VISIT_DAY).visit
    token = sign(visit.pk, visit_world.lead.credential.pk, now=VISIT_DAY)
    result = scan(token, now=VISIT_DAY + timedelta(minutes=10))
    assert result.code == "expired"
    log = ScanLog.objects.get()
    assert log.visit_id == visit.pk and log.county_code == visit.county_code and not log.valid


def test_joining_with_a_credential_already_on_the_visit_is_refused_cleanly(visit_world):
    from zerodisturb.testing.visits import plan_args
    from zerodisturb.visits.services import join_visit

    visit = planned_visit(visit_world, VISIT_DAY).visit
    other = visit_world.other_party()
    args = plan_args(other, visit_world.enterprise, VISIT_DAY)
    with pytest.raises(ValidationError, match="已在该次入企中"):
        join_visit(
            other.officer,
            visit,
            contract=other.contract,
            credentials=[visit_world.lead.credential],
            officers=args["officers"],
            now=args["now"],
        )
