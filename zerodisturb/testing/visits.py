"""Test helpers for the 事中 lifecycle: credentials on accepted contracts, visit plans and visits.

`visit_world` (import `visit_world_fixture` from here) gives the panel's agency an accepted contract
with county.staff credentialed on it, an approved 2026 visit plan, an accompanying officer who can
log in, and the enterprise's own contact. `planned_visit` makes a visit on VISIT_DAY.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from zerodisturb.contracts.services import accept_filing, file_contract, record_contract
from zerodisturb.credentials.services import issue_credential
from zerodisturb.registry.choices import PersonKind
from zerodisturb.roles import Role
from zerodisturb.testing.commissioning import (
    PDF,
    Panel,
    accepted_contract,
    approved_item,
    at,
    contract_data,
    decide,
    submitted_item,
)
from zerodisturb.testing.factories import PersonFactory, UserFactory
from zerodisturb.visits.choices import VisitKind
from zerodisturb.visits.services import approve_visit_plan, plan_visit

SUBMITTED = at(2026, 3, 2)
DECIDED = at(2026, 3, 10)
SIGNED = at(2026, 3, 21)
TERM_START, TERM_END = date(2026, 4, 1), date(2027, 6, 30)
PLANNED_ON = at(2026, 5, 6, 9)  # when the officer plans the visit
VISIT_DAY = at(2026, 5, 12, 9)  # a Tuesday, inside the contract's term
PURPOSE = "随同执法人员开展消防安全隐患排查，提供技术咨询和风险提示"
SCOPE = "消防安全隐患排查技术咨询"


@dataclass
class Party:
    """One agency ready to go in: its officer, contract, a credentialed staff member, an escort."""

    officer: object  # the agency officer who plans (User)
    contract: object
    credential: object
    escort: object  # accompanying government officer (Person, kind officer)
    escort_user: object  # the escort's login, to confirm arrival/departure
    plan: object  # approved VisitPlan for 2026


@dataclass
class VisitWorld:
    panel: Panel
    lead: Party
    enterprise: object
    enterprise_user: object

    @property
    def county(self):
        return self.panel.county

    def other_party(self) -> Party:
        """The second agency of the county (生态环境分局) with its own contract and staff."""
        return other_agency_party(self.panel)


def escort_for(agency, username: str):
    """An accompanying government officer of `agency` and their login."""
    person = PersonFactory(
        county_code=agency.county_code, organisation=agency, kind=PersonKind.OFFICER
    )
    user = UserFactory(
        username=username, role=Role.AGENCY_OFFICER, organisation=agency, person=person
    )
    return person, user


def credential_for(panel: Panel, contract, person=None, **overrides):
    """A credential issued by the judicial bureau for a staff member listed on `contract`."""
    version = contract.accepted_version
    data = dict(
        valid_from=max(version.term_start, TERM_START),
        valid_to=version.term_end,
        scope=SCOPE,
    )
    data.update(overrides)
    return issue_credential(panel.supervisor, person or panel.county.staff, [contract], **data)


def visit_plan(panel: Panel, agency=None, year: int = 2026):
    agency = agency or panel.county.orgs["agency"]
    return approve_visit_plan(panel.supervisor, agency, year, f"{year}年度入企服务计划")


def lead_party(panel: Panel) -> Party:
    item = approved_item(panel, SUBMITTED, DECIDED)
    contract = accepted_contract(panel, item, SIGNED, term_end=TERM_END.isoformat())
    escort, escort_user = escort_for(panel.county.orgs["agency"], f"escort_agency_{panel.code}")
    return Party(
        officer=panel.officer,
        contract=contract,
        credential=credential_for(panel, contract),
        escort=escort,
        escort_user=escort_user,
        plan=visit_plan(panel),
    )


def other_agency_party(panel: Panel) -> Party:
    orgs = panel.county.orgs
    officer = panel.other_officer
    item = submitted_item(
        panel,
        SUBMITTED,
        actor=officer,
        domain="ecology",
        title="化纤企业废气排放监测技术服务",
        content="为化纤企业提供废气排放在线监测数据比对和治理设施运行技术咨询，协助执法人员提出风险提示。",
        legal_basis="《中华人民共和国大气污染防治法》第二十四条",
        why_external="本局缺少废气监测专业设备和人员",
    )
    item = decide(panel, item, DECIDED)
    data = contract_data(
        panel,
        provider=orgs["other_provider"].pk,
        staff=[panel.county.other_staff.pk],
        term_end=TERM_END.isoformat(),
        scope="废气排放监测技术服务，随同执法人员入企，不出具检查结论",
    )
    contract = record_contract(officer, item, data, PDF, now=SIGNED)
    file_contract(officer, contract, now=SIGNED)
    contract = accept_filing(panel.supervisor, contract, now=SIGNED)
    escort, escort_user = escort_for(orgs["other_agency"], f"escort_other_agency_{panel.code}")
    return Party(
        officer=officer,
        contract=contract,
        credential=credential_for(panel, contract, panel.county.other_staff),
        escort=escort,
        escort_user=escort_user,
        plan=visit_plan(panel, orgs["other_agency"]),
    )


def build_visit_world(panel: Panel) -> VisitWorld:
    return VisitWorld(
        panel=panel,
        lead=lead_party(panel),
        enterprise=panel.county.orgs["enterprise"],
        enterprise_user=panel.county.users[Role.ENTERPRISE.value],
    )


@pytest.fixture(name="visit_world")
def visit_world_fixture(panel) -> VisitWorld:
    return build_visit_world(panel)


def plan_args(party: Party, enterprise, when: datetime = VISIT_DAY, **overrides) -> dict:
    """Keyword arguments of plan_visit for `party`, a planned visit of two hours at `when`."""
    args = dict(
        enterprise=enterprise,
        kind=VisitKind.PLANNED,
        window_start=when,
        window_end=when + timedelta(hours=2),
        contract=party.contract,
        credentials=[party.credential],
        officers=[party.escort],
        purpose=PURPOSE,
        plan=party.plan,
        now=min(PLANNED_ON, when - timedelta(days=1)),
    )
    return args | overrides


def planned_visit(world: VisitWorld, when: datetime = VISIT_DAY, party: Party | None = None, **kw):
    """A visit planned by `party` (the lead agency by default); returns the PlanResult."""
    party = party or world.lead
    return plan_visit(party.officer, **plan_args(party, world.enterprise, when, **kw))


__all__ = [
    "DECIDED",
    "PLANNED_ON",
    "PURPOSE",
    "SIGNED",
    "SUBMITTED",
    "TERM_END",
    "TERM_START",
    "VISIT_DAY",
    "Party",
    "VisitWorld",
    "build_visit_world",
    "credential_for",
    "escort_for",
    "lead_party",
    "other_agency_party",
    "plan_args",
    "planned_visit",
    "visit_plan",
    "visit_world_fixture",
]
