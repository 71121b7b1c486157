"""The public lists: open without login, approved items and accepted contracts, no personal data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from zerodisturb.commissioning import services as items
from zerodisturb.commissioning.defaults import ensure_county_defaults
from zerodisturb.commissioning.models import Domain
from zerodisturb.contracts import services as contracts
from zerodisturb.public.selectors import public_contracts, public_items
from zerodisturb.roles import Role
from zerodisturb.testing.factories import UserFactory

PDF = b"%PDF-1.4\n%%EOF\n"


def _item(county, officer, title, approve: bool):
    today = timezone.localdate()
    item = items.create_item(
        officer,
        {
            "domain": Domain.objects.get(county_code=county.code, code="ecology").pk,
            "title": title,
            "content": "环保技术咨询",
            "legal_basis": "环境保护法",
            "why_external": "缺少监测设备",
            "target_enterprises": [county.orgs["enterprise"].pk],
            "period_start": today,
            "period_end": today + timedelta(days=90),
            "requested_budget": "50000",
        },
    )
    if approve:
        items.submit_item(officer, item)
        judicial = UserFactory(role=Role.REVIEWER, organisation=county.orgs["judicial"])
        for user in (judicial, county.users["reviewer"]):
            items.cast_review_vote(user, item, "approve", "同意")
    return item


@pytest.fixture
def world(county, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ensure_county_defaults(county.code)
    officer = county.users["agency_officer"]
    approved = _item(county, officer, "公开的环保咨询", approve=True)
    _item(county, officer, "仍是草稿的事项", approve=False)
    today = timezone.localdate()
    data = {
        "provider": county.orgs["provider"].pk,
        "staff": [county.staff.pk],
        "amount": "40000",
        "signed_on": today,
        "term_start": today,
        "term_end": today + timedelta(days=60),
        "scope": "环保技术咨询服务",
        "no_subentrustment": "on",
    }
    accepted = contracts.record_contract(officer, approved, data, PDF)
    contracts.file_contract(officer, accepted)
    contracts.accept_filing(county.users["supervisor"], accepted)
    unfiled = contracts.record_contract(officer, approved, data | {"amount": "5000"}, PDF)
    return approved, accepted, unfiled


def test_public_page_without_login_shows_only_public_records(county, world, client):
    approved, accepted, unfiled = world
    response = client.get("/public/")
    assert response.status_code == 200
    html = response.content.decode()
    assert approved.number in html and "公开的环保咨询" in html and "50000.00" in html
    assert accepted.number in html and county.orgs["provider"].name in html
    assert "仍是草稿的事项" not in html and unfiled.number not in html


def test_public_page_has_no_personal_data(county, world, client):
    html = client.get("/public/").content.decode()
    staff = county.staff
    assert staff.name not in html and staff.phone not in html and staff.id_number not in html
    for user in county.users.values():
        assert user.username not in html
    assert county.orgs["provider"].contact_phone not in html


def test_selectors_filter_by_county(county, world):
    assert public_items("330282").count() == 1 and public_items("330281").count() == 0
    assert public_contracts().count() == 1 and public_contracts("330281").count() == 0


def test_login_page_links_to_the_public_lists(db, client):
    assert 'href="/public/"' in client.get("/accounts/login/").content.decode()
