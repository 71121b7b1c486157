"""Regression tests for bugs found in review: budget, provider views, kinds, dates, odd input."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from zerodisturb.accounts.services import issue_api_token
from zerodisturb.contracts.services import amend_contract, record_contract
from zerodisturb.credentials.services import credential_state, issue_credential
from zerodisturb.registry.services import set_active
from zerodisturb.testing.commissioning import (
    PDF,
    accepted_contract,
    approved_item,
    at,
    contract_data,
    panel_fixture,  # noqa: F401 - the `panel` fixture
    staff_member,
)

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    from django.db import transaction

    with transaction.atomic():
        _token, raw = issue_api_token(user, "tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_a_pending_amendment_does_not_free_budget(panel):
    item = approved_item(panel, at(2026, 2, 2), at(2026, 2, 20), budget="100000.00")
    contract = accepted_contract(panel, item, at(2026, 3, 25), amount="60000.00")
    amend_contract(
        panel.officer,
        contract,
        contract_data(panel, amount="10000.00"),
        PDF,
        "缩减服务",
        now=at(2026, 4, 10),
    )
    with pytest.raises(ValidationError, match="超出预算"):
        record_contract(
            panel.officer, item, contract_data(panel, amount="90000.00"), PDF, now=at(2026, 4, 11)
        )
    record_contract(
        panel.officer, item, contract_data(panel, amount="40000.00"), PDF, now=at(2026, 4, 11)
    )


def test_provider_api_never_shows_an_unfiled_amendment(panel):
    item = approved_item(panel, at(2026, 2, 2), at(2026, 2, 20))
    contract = accepted_contract(panel, item, at(2026, 3, 25), amount="60000.00")
    amend_contract(
        panel.officer,
        contract,
        contract_data(panel, amount="90000.00"),
        PDF,
        "扩大范围",
        now=at(2026, 4, 10),
    )
    body = _api(panel.county.users["provider_admin"]).get(f"/api/v1/contracts/{contract.pk}").json()
    assert body["current"]["amount"] == "60000.00"
    assert [v["version"] for v in body["versions"]] == [1]
    agency_view = _api(panel.officer).get(f"/api/v1/contracts/{contract.pk}").json()
    assert [v["version"] for v in agency_view["versions"]] == [1, 2]


def test_credential_invalid_once_the_person_leaves_or_is_taken_off_the_contract(panel):
    item = approved_item(panel, at(2026, 2, 2), at(2026, 2, 20))
    contract = accepted_contract(panel, item, at(2026, 3, 25))
    on = at(2026, 5, 6).date()
    credential = issue_credential(
        panel.supervisor,
        panel.county.staff,
        [contract],
        valid_from=on,
        valid_to=on.replace(month=12),
        scope="技术咨询",
    )
    assert credential_state(credential, on).valid
    replacement = staff_member(panel)
    from zerodisturb.contracts.services import accept_filing, file_contract

    amend_contract(
        panel.officer,
        contract,
        contract_data(panel, staff=[replacement.pk]),
        PDF,
        "人员调整",
        now=at(2026, 5, 6),
    )
    file_contract(panel.officer, contract, now=at(2026, 5, 6))
    accept_filing(panel.supervisor, contract, now=at(2026, 5, 7))
    credential.refresh_from_db()
    assert credential_state(credential, on).code == "not_on_contract"
    from django.db import transaction

    with transaction.atomic():
        set_active(panel.supervisor, panel.county.staff, False, "离职")
    credential.person.refresh_from_db()
    assert credential_state(credential, on).code == "person_inactive"


def test_an_enterprise_registration_cannot_turn_a_provider_into_an_enterprise(panel):
    provider = panel.county.orgs["provider"]
    body = {
        "name": "冒名企业",
        "credit_code": provider.credit_code,
        "locality": panel.county.town.name,
        "sector": "家电制造",
    }
    response = _api(panel.supervisor).post(
        "/api/v1/registry/enterprises", body, content_type="application/json"
    )
    assert response.status_code == 422
    provider.refresh_from_db()
    assert provider.kind == "provider" and provider.name != "冒名企业"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("term_start", "9999-01-01"),
        ("signed_on", "0001-01-01"),
        ("term_end", "9999-12-31"),
    ],
)
def test_dates_out_of_range_are_422_not_500(panel, field, value):
    item = approved_item(panel, at(2026, 2, 2), at(2026, 2, 20))
    data = contract_data(panel, **{field: value}) | {"item": str(item.pk)}
    data["staff"] = [str(s) for s in data["staff"]]
    response = _api(panel.officer).post("/api/v1/contracts", data | {"pdf": _pdf_upload()})
    assert response.status_code == 422, response.content


def _pdf_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("c.pdf", PDF, content_type="application/pdf")


def test_unicode_digits_and_non_ascii_tokens_are_not_500(panel):
    api = _api(panel.officer)
    body = {
        "domain": "²",
        "title": "t",
        "content": "c",
        "legal_basis": "l",
        "why_external": "w",
        "requested_budget": "1",
        "period_start": "2026-12-01",
        "period_end": "2027-01-01",
        "target_sectors": ["chemical"],
    }
    response = api.post("/api/v1/commissioning/items", body, content_type="application/json")
    assert response.status_code == 422
    response = api.post("/api/v1/contracts", {"item": "²", "pdf": _pdf_upload()})
    assert response.status_code in (404, 422)
    odd = Client(headers={"Authorization": "Bearer zd_éé"}).get("/api/v1/me")
    assert odd.status_code == 401
    page = Client()
    page.force_login(panel.officer)
    assert page.post("/notifications/read/", {"id": ["²", str(10**25)]}).status_code in (302, 200)


def test_the_bureaus_filing_request_is_read_once_decided(panel):
    from zerodisturb.notifications.models import Notification

    item = approved_item(panel, at(2026, 2, 2), at(2026, 2, 20))
    accepted_contract(panel, item, at(2026, 3, 25))
    requests = Notification.objects.filter(
        recipient=panel.supervisor, dedupe_key__startswith="filing:"
    )
    assert requests.count() == 1 and requests.get().read_at is not None
