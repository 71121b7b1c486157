"""PostgreSQL only: two workers at once open one warning; two confirmations make one exit."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from zerodisturb.audit.models import AuditEvent
from zerodisturb.audit.verify import verify_chain
from zerodisturb.scorecards.choices import ExitStatus
from zerodisturb.scorecards.models import ExitCase
from zerodisturb.scorecards.services import assess_providers, confirm_exit
from zerodisturb.scorecards.tests.scenario import evaluations, moment
from zerodisturb.visits.tests.test_concurrency import race

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_two_workers_one_warning_one_proposal(visit_world):
    evaluations(visit_world, {3: 20}, moment(2026, 6, 10))
    results, errors = race([lambda: assess_providers(moment(2026, 7, 1))] * 2)
    assert errors == [] and sorted(results) == [0, 1]
    results, errors = race([lambda: assess_providers(moment(2026, 8, 1))] * 2)
    assert errors == [] and sorted(results) == [0, 1]
    assert ExitCase.objects.get().status == ExitStatus.PROPOSED
    assert AuditEvent.objects.filter(action="exit_case.propose").count() == 1


def test_two_confirmations_one_exit(visit_world):
    evaluations(visit_world, {3: 20}, moment(2026, 6, 10))
    assess_providers(moment(2026, 7, 1))
    assess_providers(moment(2026, 8, 1))
    case = ExitCase.objects.get()
    supervisor = visit_world.panel.supervisor
    results, errors = race(
        [lambda: confirm_exit(supervisor, case, reason="期满未达标", now=moment(2026, 8, 2))] * 2
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert AuditEvent.objects.filter(action="exit_case.confirm").count() == 1
    assert AuditEvent.objects.filter(action="contract.end").count() == 1
    assert verify_chain().ok
