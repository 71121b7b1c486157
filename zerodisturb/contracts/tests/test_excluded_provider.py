"""不满意退出: a provider excluded by the judicial bureau cannot be named on a new contract."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from zerodisturb.testing.commissioning import (  # noqa: F401  (panel is a fixture)
    approved_item,
    at,
    panel_fixture,
    recorded_contract,
)

pytestmark = pytest.mark.django_db


def _exclude(panel, until: date):
    provider = panel.county.orgs["provider"]
    provider.exited_at, provider.excluded_until = at(2026, 2, 1), until
    provider.save(update_fields=["exited_at", "excluded_until"])


def test_refused_until_the_exclusion_ends(panel):
    item = approved_item(panel, at(2026, 3, 2), at(2026, 3, 10))
    _exclude(panel, date(2026, 3, 21))
    with pytest.raises(ValidationError) as err:
        recorded_contract(panel, item, at(2026, 3, 21))
    message = err.value.message_dict["provider"][0]
    assert "不满意退出" in message and "2026-03-21" in message


def test_allowed_the_day_after(panel):
    item = approved_item(panel, at(2026, 3, 2), at(2026, 3, 10))
    _exclude(panel, date(2026, 3, 20))
    contract = recorded_contract(panel, item, at(2026, 3, 21))
    assert contract.provider == panel.county.orgs["provider"]
