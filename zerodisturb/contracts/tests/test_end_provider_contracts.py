"""Ending a provider's running contracts (its exit): each once, audited; others untouched."""

from __future__ import annotations

import pytest

from zerodisturb.audit.models import AuditEvent
from zerodisturb.contracts.services import end_provider_contracts
from zerodisturb.testing.commissioning import (  # noqa: F401  (panel is a fixture)
    accepted_contract,
    approved_item,
    at,
    panel_fixture,
)

pytestmark = pytest.mark.django_db


def test_running_contracts_end_once_with_their_event(panel):
    item = approved_item(panel, at(2026, 3, 2), at(2026, 3, 10))
    contract = accepted_contract(panel, item, at(2026, 3, 21))
    provider = contract.provider
    ended = end_provider_contracts(panel.supervisor, provider, "不满意退出", at(2026, 9, 1))
    assert [c.pk for c in ended] == [contract.pk]
    contract.refresh_from_db()
    assert contract.ended_at == at(2026, 9, 1)
    # Run again (a retried request, a second worker): nothing more ends, no second event.
    assert end_provider_contracts(panel.supervisor, provider, "不满意退出", at(2026, 9, 2)) == []
    contract.refresh_from_db()
    assert contract.ended_at == at(2026, 9, 1)
    assert AuditEvent.objects.filter(action="contract.end").count() == 1
    other = panel.county.orgs["other_provider"]
    assert end_provider_contracts(panel.supervisor, other, "x", at(2026, 9, 1)) == []
