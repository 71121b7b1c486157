"""Fixtures shared by every app's tests: a county with one named user per role (like hc/test.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from zerodisturb.accounts.services import issue_api_token
from zerodisturb.registry.choices import DivisionLevel, OrganisationKind
from zerodisturb.registry.models import Division, ReviewDepartment
from zerodisturb.roles import Role
from zerodisturb.testing.factories import (
    DivisionFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)


@dataclass
class County:
    code: str
    county: Division
    town: Division
    other_town: Division
    orgs: dict
    users: dict
    staff: object
    other_staff: object


def build_county(code: str = "330282", name: str = "慈溪市") -> County:
    county = DivisionFactory(code=code, name=name, level=DivisionLevel.COUNTY, county_code=code)
    town = DivisionFactory(
        code=f"{code}101",
        name=f"{name}宗汉街道",
        parent=county,
        county_code=code,
        level=DivisionLevel.STREET,
    )
    other_town = DivisionFactory(
        code=f"{code}102", name=f"{name}周巷镇", parent=county, county_code=code
    )
    gov = dict(county_code=code, kind=OrganisationKind.GOVERNMENT)
    orgs = {
        "system": OrganisationFactory(
            county_code=code, kind=OrganisationKind.SYSTEM, name=f"{name}运维", credit_code=""
        ),
        "judicial": OrganisationFactory(**gov, name=f"{name}司法局", is_judicial_bureau=True),
        "finance": OrganisationFactory(**gov, name=f"{name}财政局", is_oversight=True),
        "agency": OrganisationFactory(**gov, name=f"{name}应急管理局", is_agency=True),
        "other_agency": OrganisationFactory(**gov, name=f"{name}生态环境分局", is_agency=True),
        "oversight": OrganisationFactory(**gov, name=f"{name}经信局", is_oversight=True),
        "provider": OrganisationFactory(
            county_code=code,
            kind=OrganisationKind.PROVIDER,
            name=f"{name}安泰咨询有限公司",
            locality=town,
        ),
        "other_provider": OrganisationFactory(
            county_code=code, kind=OrganisationKind.PROVIDER, name=f"{name}绿源检测有限公司"
        ),
        "enterprise": OrganisationFactory(
            county_code=code, name=f"{name}兴科化纤有限公司", locality=town, sector="chemical_fibre"
        ),
        "other_enterprise": OrganisationFactory(
            county_code=code,
            name=f"{name}宏达电器有限公司",
            locality=other_town,
            sector="appliance",
        ),
        "locality": OrganisationFactory(
            county_code=code,
            kind=OrganisationKind.LOCALITY,
            name=f"{name}宗汉街道办事处",
            locality=town,
            credit_code="",
        ),
    }
    for order, key in enumerate(("judicial", "finance")):
        ReviewDepartment.objects.create(
            county_code=code, organisation=orgs[key], order=order, is_lead=order == 0
        )
    staff = PersonFactory(county_code=code, organisation=orgs["provider"])
    other_staff = PersonFactory(county_code=code, organisation=orgs["other_provider"])
    role_orgs = {
        Role.SYSTEM_ADMIN: "system",
        Role.SUPERVISOR: "judicial",
        Role.REVIEWER: "finance",
        Role.AGENCY_OFFICER: "agency",
        Role.OVERSIGHT: "oversight",
        Role.PROVIDER_ADMIN: "provider",
        Role.PROVIDER_STAFF: "provider",
        Role.ENTERPRISE: "enterprise",
        Role.LOCALITY: "locality",
    }
    users = {}
    for role, key in role_orgs.items():
        users[role.value] = UserFactory(
            username=f"{role.value}_{code}",
            role=role,
            organisation=orgs[key],
            person=staff if role == Role.PROVIDER_STAFF else None,
            is_staff=role == Role.SYSTEM_ADMIN,
            is_superuser=role == Role.SYSTEM_ADMIN,
        )
    return County(code, county, town, other_town, orgs, users, staff, other_staff)


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch):
    """Each test starts with an empty cache: rate-limit windows and cached answers of one test
    must not leak into the next one run by the same process. The rate limiter's clock stands
    still, so a test's hits never straddle two windows (a minute boundary mid-test)."""
    import time

    from django.core.cache import cache

    from zerodisturb import ratelimit

    cache.clear()
    frozen = time.time()
    monkeypatch.setattr(ratelimit, "clock", lambda: frozen)
    yield


@pytest.fixture
def county(db) -> County:
    return build_county()


def login_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_role(county):
    """as_role("supervisor") -> a Django test client logged in with that role."""
    return lambda role: login_client(county.users[role])


@pytest.fixture
def api_as(county):
    """api_as("supervisor") -> a client that sends that user's bearer token."""

    def make(role: str) -> Client:
        from django.db import transaction

        with transaction.atomic():
            _token, raw = issue_api_token(county.users[role], "tests")
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make
