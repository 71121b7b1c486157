"""Test scenarios for the 事中 pages: a filed contract in force today, a credential, a visit today.

Dates are computed from today because the pages call the services without `now`.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from zerodisturb.credentials.services import issue_credential
from zerodisturb.registry.choices import PersonKind
from zerodisturb.testing.commissioning import SHANGHAI, accepted_contract, approved_item
from zerodisturb.testing.factories import PersonFactory, UserFactory
from zerodisturb.visits.choices import VisitKind
from zerodisturb.visits.services import plan_visit


def _moment(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def contract_in_force(panel, **overrides):
    """An approved item and an accepted contract of panel.officer's agency covering today."""
    today = timezone.localdate()
    start = today - timedelta(days=70)
    item = approved_item(
        panel,
        _moment(start, 9),
        _moment(start + timedelta(days=5), 9),
        period_start=(today - timedelta(days=40)).isoformat(),
        period_end=(today + timedelta(days=200)).isoformat(),
    )
    return accepted_contract(
        panel,
        item,
        _moment(start + timedelta(days=10), 9),
        signed_on=(today - timedelta(days=61)).isoformat(),
        term_start=(today - timedelta(days=30)).isoformat(),
        term_end=(today + timedelta(days=150)).isoformat(),
        **overrides,
    )


def credential_for(panel, contract, person=None):
    today = timezone.localdate()
    return issue_credential(
        panel.supervisor,
        person or panel.county.staff,
        [contract],
        valid_from=today - timedelta(days=30),
        valid_to=today + timedelta(days=100),
        scope="消防安全隐患排查技术咨询",
    )


def officer_person(panel, agency=None, user=None):
    """A government officer (Person) of the agency, optionally tied to a login."""
    person = PersonFactory(
        county_code=panel.code,
        organisation=agency or panel.county.orgs["agency"],
        kind=PersonKind.OFFICER,
        name="李监督",
    )
    if user is not None:
        user.person = person
        user.save(update_fields=["person"])
    return person


def officer_user(panel, agency_key="agency"):
    from zerodisturb.roles import Role

    agency = panel.county.orgs[agency_key]
    user = UserFactory(
        username=f"escort_{agency.pk}", role=Role.AGENCY_OFFICER, organisation=agency
    )
    return user, officer_person(panel, agency, user)


def visit_today(panel, contract, credential, officer, actor=None, enterprise=None, **overrides):
    today = timezone.localdate()
    start = _moment(today, 8)
    data = dict(
        enterprise=enterprise or panel.county.orgs["enterprise"],
        kind=VisitKind.ENTERPRISE_REQUEST,
        reason="企业申请消防技术咨询",
        window_start=start,
        window_end=_moment(today, 18),
        contract=contract,
        credentials=[credential],
        officers=[officer],
        purpose="消防安全技术咨询和风险提示",
        now=start,
    )
    return plan_visit(actor or panel.officer, **(data | overrides)).visit
