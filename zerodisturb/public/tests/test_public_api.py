"""公示 over the API: anyone may read approved items and accepted contracts, never personal data."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from zerodisturb.commissioning.tests.api_world import V1, api_world, world
from zerodisturb.conftest import build_county

__all__ = ["world"]  # the fixture

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def contract(world, item_id: int, accept: bool) -> dict:
    today = timezone.localdate()
    county = world.county
    body = {
        "item": item_id,
        "provider": county.orgs["provider"].pk,
        "staff": [county.staff.pk],
        "amount": "50000",
        "signed_on": today.isoformat(),
        "term_start": today.isoformat(),
        "term_end": (today + timedelta(days=300)).isoformat(),
        "scope": "隐患排查技术咨询",
        "no_subentrustment": "true",
        "pdf": SimpleUploadedFile("c.pdf", PDF, "application/pdf"),
    }
    created = world.agency.post(f"{V1}/contracts", body).json()
    if accept:
        world.agency.post(f"{V1}/contracts/{created['id']}/file")
        world.supervisor.post(f"{V1}/contracts/{created['id']}/accept")
    return created


def test_public_items_show_only_approved_items_without_login(world):
    approved = world.approved_item()
    world.create(title="尚在起草的事项")
    submitted = world.create(title="联审中的事项")
    world.submit(submitted["id"])
    response = Client().get(f"{V1}/public/items")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["page"] == 1
    shown = body["items"][0]
    assert shown["number"] == approved["number"]
    assert shown["agency"] == "慈溪市应急管理局" and shown["approved_budget"] == "200000.00"


def test_public_contracts_show_only_accepted_filings_without_personal_data(world):
    item = world.approved_item()
    accepted = contract(world, item["id"], accept=True)
    contract(world, item["id"], accept=False)
    response = Client().get(f"{V1}/public/contracts")
    assert response.status_code == 200
    body = response.json()
    assert [c["number"] for c in body["items"]] == [accepted["number"]]
    shown = body["items"][0]
    assert shown["provider"] == "慈溪市安泰咨询有限公司" and shown["staff_count"] == 1
    assert shown["amount"] == "50000.00" and shown["in_force"] is True
    staff = world.county.staff
    text = response.content.decode()
    for secret in (staff.name, staff.id_number, staff.phone, "agency_officer_330282"):
        assert secret not in text
    assert "staff" not in shown and "created_by" not in shown


def test_public_lists_filter_by_county_code(world):
    here = world.approved_item()
    there = api_world(build_county("330281", "余姚市"))
    elsewhere = there.approved_item(
        target_enterprises=[there.county.orgs["enterprise"].pk],
        target_localities=[there.county.town.pk],
    )
    everyone = Client().get(f"{V1}/public/items").json()
    assert {i["number"] for i in everyone["items"]} == {here["number"], elsewhere["number"]}
    cixi = Client().get(f"{V1}/public/items?county=330282").json()
    assert [i["number"] for i in cixi["items"]] == [here["number"]]
    yuyao = Client().get(f"{V1}/public/contracts?county=330281").json()
    assert yuyao["count"] == 0


def test_public_lists_do_not_accept_writes(world):
    assert Client().post(f"{V1}/public/items").status_code == 405


def test_openapi_lists_the_new_operations_and_the_public_ones_need_no_auth(db):
    schema = Client().get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/commissioning/items/{item_id}/submit",
        "/api/v1/commissioning/figures",
        "/api/v1/contracts/{contract_id}/amend",
        "/api/v1/notifications/read",
    ):
        assert path in paths
    assert "multipart/form-data" in paths["/api/v1/contracts"]["post"]["requestBody"]["content"]
    assert paths["/api/v1/commissioning/items"]["get"]["security"]
    assert not paths["/api/v1/public/items"]["get"].get("security")
    assert not paths["/api/v1/public/contracts"]["get"].get("security")
