"""The judicial bureau may reject a proposed exit, with reasons; nothing is ended or revoked."""

import pytest
from django.core.exceptions import ValidationError

from zerodisturb.contracts.models import Contract
from zerodisturb.credentials.models import Credential
from zerodisturb.scorecards.choices import ExitStatus
from zerodisturb.scorecards.models import ExitCase
from zerodisturb.scorecards.services import assess_providers, reject_exit
from zerodisturb.scorecards.tests.scenario import evaluations, moment


def test_rejected_with_reason(visit_world):
    evaluations(visit_world, {5: 10, 3: 10}, moment(2026, 6, 10))
    assess_providers(moment(2026, 7, 1))
    assess_providers(moment(2026, 8, 1))
    case = ExitCase.objects.get()
    assert case.status == ExitStatus.PROPOSED
    supervisor = visit_world.panel.supervisor
    with pytest.raises(ValidationError) as err:
        reject_exit(supervisor, case, reason="   ")
    assert "reason" in err.value.message_dict
    reject_exit(supervisor, case, reason="差评集中于一次入企，已专项整改", now=moment(2026, 8, 2))
    case.refresh_from_db()
    assert case.status == ExitStatus.REJECTED
    assert case.decision_reason.startswith("差评集中")
    provider = visit_world.county.orgs["provider"]
    provider.refresh_from_db()
    assert provider.exited_at is None and provider.excluded_until is None
    assert Contract.objects.filter(provider=provider, ended_at__isnull=True).exists()
    assert Credential.objects.filter(provider=provider, status="active").exists()
