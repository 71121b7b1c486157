"""Test helpers for the 事前 lifecycle: a five-seat review panel, items taken to a given state, contracts.

Test modules import `panel_fixture` (the `panel` fixture) from here, since the contracts and
deadlines tests have no conftest of their own for it, and build scenarios passing `now`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from zerodisturb.commissioning.choices import Decision
from zerodisturb.commissioning.defaults import ensure_county_defaults
from zerodisturb.commissioning.models import CommissionedItem
from zerodisturb.commissioning.services import cast_review_vote, create_item, submit_item
from zerodisturb.contracts.services import accept_filing, file_contract, record_contract
from zerodisturb.registry.choices import OrganisationKind, PersonKind
from zerodisturb.registry.models import ReviewDepartment
from zerodisturb.roles import Role
from zerodisturb.testing.factories import OrganisationFactory, PersonFactory, UserFactory

PDF = b"%PDF-1.4\n%%EOF\n"
SHANGHAI = ZoneInfo("Asia/Shanghai")
CONTENT = "为化纤纺织企业提供消防安全隐患排查技术咨询服务，协助执法人员梳理风险点并提出风险提示。"


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    """A moment in county time (the clock every test passes as `now`)."""
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


@dataclass
class Panel:
    """The county of zerodisturb/conftest.py with the brief's five review seats, each staffed."""

    county: object
    seats: list = field(default_factory=list)  # organisations, lead first
    reviewers: dict = field(default_factory=dict)  # organisation pk -> reviewer user
    officer: object = None  # agency officer of county.orgs["agency"]
    other_officer: object = None  # agency officer of county.orgs["other_agency"]
    supervisor: object = None  # judicial bureau supervisor

    @property
    def code(self) -> str:
        return self.county.code

    def reviewer_of(self, key: str):
        return self.reviewers[self.county.orgs[key].pk]


def build_panel(county) -> Panel:
    ensure_county_defaults(county.code)
    orgs = county.orgs
    for order, name in enumerate(("机构编制委员会办公室", "发展和改革局", "审计局"), start=2):
        org = OrganisationFactory(
            county_code=county.code,
            kind=OrganisationKind.GOVERNMENT,
            name=f"{county.county.name}{name}",
        )
        orgs[f"seat{order}"] = org
        ReviewDepartment.objects.create(county_code=county.code, organisation=org, order=order)
    seats = [
        s.organisation
        for s in ReviewDepartment.objects.filter(county_code=county.code).order_by("order")
    ]
    reviewers = {orgs["finance"].pk: county.users[Role.REVIEWER.value]}
    for org in seats:
        if org.pk not in reviewers:
            reviewers[org.pk] = UserFactory(
                username=f"reviewer_{org.pk}", role=Role.REVIEWER, organisation=org
            )
    other_officer = UserFactory(
        username=f"officer_{orgs['other_agency'].pk}",
        role=Role.AGENCY_OFFICER,
        organisation=orgs["other_agency"],
    )
    return Panel(
        county=county,
        seats=seats,
        reviewers=reviewers,
        officer=county.users[Role.AGENCY_OFFICER.value],
        other_officer=other_officer,
        supervisor=county.users[Role.SUPERVISOR.value],
    )


@pytest.fixture(name="panel")
def panel_fixture(county, settings, tmp_path) -> Panel:
    settings.MEDIA_ROOT = tmp_path / "media"  # contract PDFs land in the test's own folder
    return build_panel(county)


def item_data(panel: Panel, **overrides) -> dict:
    data = {
        "domain": "fire_emergency",
        "title": "化纤企业消防安全隐患排查技术咨询",
        "content": CONTENT,
        "legal_basis": "《中华人民共和国消防法》第五条",
        "why_external": "本局缺少化纤工艺消防专业技术人员",
        "target_sectors": ["chemical_fibre"],
        "target_enterprises": [panel.county.orgs["enterprise"].pk],
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "requested_budget": "100000.00",
    }
    return data | overrides


def draft_item(panel: Panel, actor=None, **overrides) -> CommissionedItem:
    return create_item(actor or panel.officer, item_data(panel, **overrides))


def submitted_item(panel: Panel, now: datetime, actor=None, **overrides) -> CommissionedItem:
    actor = actor or panel.officer
    item = draft_item(panel, actor, **overrides)
    return submit_item(actor, item, now=now).item


def vote(panel: Panel, item, seat, decision=Decision.APPROVE, amount=None, now=None):
    reviewer = panel.reviewers[seat.pk]
    return cast_review_vote(reviewer, item, decision, "同意，注意控制入企频次", amount, now=now)


def decide(panel: Panel, item, now: datetime, cuts: dict | None = None) -> CommissionedItem:
    """Every seat still to vote approves; `cuts` maps a seat's pk to its cut amount."""
    cuts = cuts or {}
    reviews = item.reviews.filter(version=item.current_version, decision=Decision.PENDING)
    for review in reviews.select_related("department"):
        seat = review.department
        if seat.pk in cuts:
            vote(panel, item, seat, Decision.APPROVE_CUT, cuts[seat.pk], now=now)
        else:
            vote(panel, item, seat, now=now)
    item.refresh_from_db()
    return item


def approved_item(
    panel: Panel, submitted: datetime, decided: datetime, budget="100000.00", **overrides
) -> CommissionedItem:
    item = submitted_item(panel, submitted, requested_budget=budget, **overrides)
    return decide(panel, item, decided)


def staff_member(panel: Panel, provider=None):
    return PersonFactory(
        county_code=panel.code,
        organisation=provider or panel.county.orgs["provider"],
        kind=PersonKind.STAFF,
    )


def contract_data(panel: Panel, **overrides) -> dict:
    data = {
        "provider": panel.county.orgs["provider"].pk,
        "amount": "60000.00",
        "signed_on": "2026-03-20",
        "term_start": "2026-04-01",
        "term_end": "2026-12-31",
        "scope": "消防安全隐患排查技术咨询，随同执法人员入企，不出具检查结论",
        "staff": [panel.county.staff.pk],
        "no_subentrustment": "true",
    }
    return data | overrides


def recorded_contract(panel: Panel, item, now: datetime, **overrides):
    return record_contract(panel.officer, item, contract_data(panel, **overrides), PDF, now=now)


def accepted_contract(panel: Panel, item, now: datetime, **overrides):
    contract = recorded_contract(panel, item, now, **overrides)
    file_contract(panel.officer, contract, now=now)
    return accept_filing(panel.supervisor, contract, now=now)


__all__ = [
    "PDF",
    "Panel",
    "accepted_contract",
    "approved_item",
    "at",
    "build_panel",
    "contract_data",
    "decide",
    "draft_item",
    "item_data",
    "panel_fixture",
    "recorded_contract",
    "staff_member",
    "submitted_item",
    "vote",
]
