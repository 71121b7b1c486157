"""A provider downloads what was filed with the judicial bureau, not an unfiled amendment."""

from __future__ import annotations

import pytest
from django.test import Client

from zerodisturb.contracts.services import amend_contract
from zerodisturb.testing.commissioning import (
    PDF,
    accepted_contract,
    approved_item,
    at,
    contract_data,
    panel_fixture,  # noqa: F401 - the `panel` fixture
)

pytestmark = pytest.mark.django_db


def test_provider_sees_filed_versions_only(panel):
    item = approved_item(panel, at(2026, 2, 2), at(2026, 2, 20))
    contract = accepted_contract(panel, item, at(2026, 3, 25))
    amend_contract(
        panel.officer,
        contract,
        contract_data(panel, amount="70000.00"),
        PDF,
        "增加服务频次",
        now=at(2026, 4, 10),
    )
    provider = Client()
    provider.force_login(panel.county.users["provider_admin"])
    assert provider.get(f"/contracts/{contract.pk}/versions/1/pdf").status_code == 200
    assert provider.get(f"/contracts/{contract.pk}/versions/2/pdf").status_code == 404
    agency = Client()
    agency.force_login(panel.officer)
    assert agency.get(f"/contracts/{contract.pk}/versions/2/pdf").status_code == 200
