"""Shared set-up of the credential and visit API tests: accepted contracts of two agencies today.

Built on the panel of testing/commissioning.py; the API runs on the real clock, so the contracts
are in force today and same-day visits start a minute before now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from zerodisturb.commissioning.tests.api_world import token_client
from zerodisturb.contracts.services import accept_filing, file_contract, record_contract
from zerodisturb.credentials.services import issue_credential
from zerodisturb.roles import Role
from zerodisturb.testing.commissioning import (
    PDF,
    Panel,
    at,
    contract_data,
    decide,
    submitted_item,
)
from zerodisturb.testing.during import contract_in_force
from zerodisturb.testing.factories import PersonFactory, UserFactory
from zerodisturb.visits.services import approve_visit_plan

V1 = "/api/v1"
PURPOSE = "随同执法人员开展消防安全隐患排查，提供技术咨询和风险提示"
SUBMITTED, DECIDED, SIGNED = at(2026, 3, 2), at(2026, 3, 10), at(2026, 3, 21)


def current_dates() -> tuple[dict, dict]:
    """The item's period and the contract's term around the real today (as contract_in_force's):
    the API acts at the real now (live codes, public scans, "valid today"), so the contracts,
    credentials and plans are current whenever the suite runs."""
    today = timezone.localdate()
    period = {
        "period_start": (today - timedelta(days=40)).isoformat(),
        "period_end": (today + timedelta(days=200)).isoformat(),
    }
    term = {
        "term_start": (today - timedelta(days=30)).isoformat(),
        "term_end": (today + timedelta(days=150)).isoformat(),
    }
    return period, term


def this_year_plan(panel: Panel, agency):
    year = timezone.localdate().year
    return approve_visit_plan(panel.supervisor, agency, year, f"{year}年度入企服务计划")


@dataclass
class Side:
    """One agency ready to go in: officer client, contract, credential, escort and plan."""

    officer: object
    contract: object
    credential: object | None
    escort: object
    escort_user: object
    plan: object


def escort(agency, username: str):
    person = PersonFactory(county_code=agency.county_code, organisation=agency, kind="officer")
    user = UserFactory(
        username=username, role=Role.AGENCY_OFFICER, organisation=agency, person=person
    )
    return person, user


def credential(panel: Panel, contract, person):
    version = contract.accepted_version
    return issue_credential(
        panel.supervisor,
        person,
        [contract],
        valid_from=version.term_start,
        valid_to=version.term_end,
        scope="消防安全隐患排查技术咨询",
    )


def lead_side(panel: Panel, with_credential: bool = True) -> Side:
    contract = contract_in_force(panel)
    agency = panel.county.orgs["agency"]
    person, user = escort(agency, "escort_agency")
    return Side(
        officer=panel.officer,
        contract=contract,
        credential=credential(panel, contract, panel.county.staff) if with_credential else None,
        escort=person,
        escort_user=user,
        plan=this_year_plan(panel, agency),
    )


def other_side(panel: Panel) -> Side:
    orgs, officer = panel.county.orgs, panel.other_officer
    period, term = current_dates()
    item = submitted_item(
        panel,
        SUBMITTED,
        actor=officer,
        domain="ecology",
        title="化纤企业废气排放监测技术服务",
        content="为化纤企业提供废气排放在线监测数据比对和治理设施运行技术咨询，协助执法人员提出风险提示。",
        legal_basis="《中华人民共和国大气污染防治法》第二十四条",
        why_external="本局缺少废气监测专业设备和人员",
        **period,
    )
    item = decide(panel, item, DECIDED)
    data = contract_data(
        panel,
        provider=orgs["other_provider"].pk,
        staff=[panel.county.other_staff.pk],
        scope="废气排放监测技术服务，随同执法人员入企，不出具检查结论",
        **term,
    )
    contract = record_contract(officer, item, data, PDF, now=SIGNED)
    file_contract(officer, contract, now=SIGNED)
    contract = accept_filing(panel.supervisor, contract, now=SIGNED)
    person, user = escort(orgs["other_agency"], "escort_other_agency")
    return Side(
        officer=officer,
        contract=contract,
        credential=credential(panel, contract, panel.county.other_staff),
        escort=person,
        escort_user=user,
        plan=this_year_plan(panel, orgs["other_agency"]),
    )


def client(panel: Panel, role_or_user):
    user = panel.county.users[role_or_user] if isinstance(role_or_user, str) else role_or_user
    return token_client(user)


def plan_body(side: Side, company, **changes) -> dict:
    start = timezone.now() - timedelta(minutes=1)
    body = {
        "enterprise": company.pk,
        "kind": "planned",
        "window_start": start.isoformat(),
        "window_end": (start + timedelta(hours=2)).isoformat(),
        "contract": side.contract.pk,
        "credentials": [side.credential.pk],
        "officers": [side.escort.pk],
        "purpose": PURPOSE,
        "plan": side.plan.pk,
    }
    return body | changes
