"""Shared helpers for the JSON API tests: a county with both review seats staffed and items."""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client

from zerodisturb.accounts.services import issue_api_token
from zerodisturb.audit.models import AuditEvent
from zerodisturb.commissioning.defaults import ensure_county_defaults
from zerodisturb.conftest import County
from zerodisturb.roles import Role
from zerodisturb.testing.factories import UserFactory

V1 = "/api/v1"


def token_client(user) -> Client:
    with transaction.atomic():
        _token, raw = issue_api_token(user, "tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@dataclass
class ApiWorld:
    county: County
    agency: Client
    other_agency: Client
    judicial: Client  # reviewer of the lead seat
    finance: Client  # reviewer of the second seat
    supervisor: Client
    oversight: Client
    provider: Client
    other_provider: Client

    def item_body(self, **changes) -> dict:
        body = {
            "domain": "work_safety",
            "title": "危化品企业安全隐患排查技术支持",
            "content": "为应急管理局提供危化品储存场所隐患排查的技术咨询和风险提示",
            "legal_basis": "《中华人民共和国安全生产法》第六十二条",
            "why_external": "本局缺少化工工艺专业技术人员",
            "target_enterprises": [self.county.orgs["enterprise"].pk],
            "target_sectors": [],
            "target_localities": [self.county.town.pk],
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "requested_budget": "200000",
        }
        return body | changes

    def create(self, client: Client | None = None, **changes) -> dict:
        response = (client or self.agency).post(
            f"{V1}/commissioning/items", self.item_body(**changes), content_type="application/json"
        )
        assert response.status_code == 201, response.json()
        return response.json()

    def submit(self, item_id: int, client: Client | None = None) -> dict:
        response = (client or self.agency).post(f"{V1}/commissioning/items/{item_id}/submit")
        assert response.status_code == 200, response.json()
        return response.json()

    def vote(self, client: Client, item_id: int, decision="approve", opinion="同意", amount=None):
        body = {"decision": decision, "opinion": opinion, "amount": amount}
        return client.post(
            f"{V1}/commissioning/items/{item_id}/votes", body, content_type="application/json"
        )

    def approved_item(self, **changes) -> dict:
        item = self.create(**changes)
        self.submit(item["id"])
        assert self.vote(self.judicial, item["id"]).status_code == 200
        response = self.vote(self.finance, item["id"])
        assert response.status_code == 200 and response.json()["status"] == "approved"
        return response.json()


def audit_actions(number: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_number=number)
        .order_by("seq")
        .values_list("action", flat=True)
    )


def api_world(county: County, api_as=None) -> ApiWorld:
    """The world of one county; `api_as` defaults to token clients of that county's users."""
    api_as = api_as or (lambda role: token_client(county.users[role]))
    ensure_county_defaults(county.code)
    judicial_reviewer = UserFactory(
        username=f"judicial_reviewer_{county.code}",
        role=Role.REVIEWER,
        organisation=county.orgs["judicial"],
    )
    other_officer = UserFactory(
        username=f"other_agency_officer_{county.code}",
        role=Role.AGENCY_OFFICER,
        organisation=county.orgs["other_agency"],
    )
    other_provider_admin = UserFactory(
        username=f"other_provider_admin_{county.code}",
        role=Role.PROVIDER_ADMIN,
        organisation=county.orgs["other_provider"],
    )
    return ApiWorld(
        county=county,
        agency=api_as("agency_officer"),
        other_agency=token_client(other_officer),
        judicial=token_client(judicial_reviewer),
        finance=api_as("reviewer"),
        supervisor=api_as("supervisor"),
        oversight=api_as("oversight"),
        provider=api_as("provider_admin"),
        other_provider=token_client(other_provider_admin),
    )


@pytest.fixture
def world(county, api_as) -> ApiWorld:
    return api_world(county, api_as)
