"""Contract pages driven through HTML: record, correct, file, return, accept, amend, download."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from zerodisturb.commissioning import services as items
from zerodisturb.commissioning.defaults import ensure_county_defaults
from zerodisturb.commissioning.models import Domain
from zerodisturb.conftest import login_client
from zerodisturb.contracts.models import Contract
from zerodisturb.roles import Role
from zerodisturb.testing.factories import UserFactory

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def item(county, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ensure_county_defaults(county.code)
    judicial = UserFactory(
        username="judicial_reviewer", role=Role.REVIEWER, organisation=county.orgs["judicial"]
    )
    today = timezone.localdate()
    officer = county.users["agency_officer"]
    item = items.create_item(
        officer,
        {
            "domain": Domain.objects.get(county_code=county.code, code="work_safety").pk,
            "title": "隐患排查技术支持",
            "content": "提供技术咨询和风险提示。",
            "legal_basis": "安全生产法",
            "why_external": "缺少专业人员",
            "target_sectors": ["chemical_fibre"],
            "period_start": today,
            "period_end": today + timedelta(days=300),
            "requested_budget": "100000",
        },
    )
    items.submit_item(officer, item)
    for user in (judicial, county.users["reviewer"]):
        items.cast_review_vote(user, item, "approve", "同意")
    item.refresh_from_db()
    assert item.is_approved
    return item


def contract_form(county, **overrides) -> dict:
    today = timezone.localdate()
    data = {
        "provider": str(county.orgs["provider"].pk),
        "staff": [str(county.staff.pk)],
        "amount": "80000",
        "signed_on": today.isoformat(),
        "term_start": today.isoformat(),
        "term_end": (today + timedelta(days=200)).isoformat(),
        "scope": "隐患排查技术支持，不含执法。",
        "no_subentrustment": "on",
    }
    return data | overrides


def upload(content=PDF, name="contract.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def record(client, item, county, **overrides):
    return client.post(
        f"/contracts/new/{item.pk}/", contract_form(county, **overrides) | {"pdf": upload()}
    )


def test_record_a_contract_from_the_approved_item(county, item, as_role):
    client = as_role("agency_officer")
    page = client.get(f"/contracts/new/{item.pk}/").content.decode()
    assert county.staff.name in page and "100000.00" in page
    response = client.post(
        f"/contracts/new/{item.pk}/",
        contract_form(county, amount="150000", no_subentrustment="")
        | {"pdf": upload(b"PK\x03\x04 not a pdf", "c.docx")},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "超出预算" in html and "不是 PDF" in html and "须声明不将服务转委托" in html
    assert not Contract.objects.exists()

    response = record(client, item, county)
    contract = Contract.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/contracts/{contract.pk}/"
    detail = client.get(f"/contracts/{contract.pk}/").content.decode()
    assert hashlib.sha256(PDF).hexdigest() in detail and "已登记未备案" in detail
    assert county.staff.name in detail
    listing = client.get("/contracts/?status=recorded").content.decode()
    assert contract.number in listing


def test_pdf_only_for_those_who_see_the_contract(county, item, as_role):
    record(as_role("agency_officer"), item, county)
    contract = Contract.objects.get()
    path = f"/contracts/{contract.pk}/versions/1/pdf"
    response = as_role("agency_officer").get(path)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert as_role("supervisor").get(path).status_code == 200
    assert as_role("enterprise").get(path).status_code == 404
    assert as_role("provider_admin").get(path).status_code == 404  # not filed yet
    other = UserFactory(
        username="other_officer", role=Role.AGENCY_OFFICER, organisation=county.orgs["other_agency"]
    )
    assert login_client(other).get(path).status_code == 404
    assert (
        as_role("agency_officer").get(f"/contracts/{contract.pk}/versions/9/pdf").status_code == 404
    )


def test_correct_file_return_refile_accept_and_amend(
    county, item, as_role, django_capture_on_commit_callbacks
):
    officer, bureau = as_role("agency_officer"), as_role("supervisor")
    record(officer, item, county)
    contract = Contract.objects.get()
    base = f"/contracts/{contract.pk}/"

    assert officer.get(base + "correct/").status_code == 200
    response = officer.post(base + "correct/", contract_form(county, amount="90000"))
    assert response.status_code == 302
    contract.refresh_from_db()
    assert str(contract.current_version.amount) == "90000.00"

    assert as_role("reviewer").post(base + "file/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert officer.post(base + "file/").status_code == 302
    contract.refresh_from_db()
    assert contract.current_version.filing_status == "filed"
    assert "待审查的合同备案" in bureau.get("/").content.decode()

    response = bureau.post(base + "return/", {"reason": ""})
    assert response.status_code == 200 and "请写明退回理由" in response.content.decode()
    assert bureau.post(base + "return/", {"reason": "缺少人员名单"}).status_code == 302
    contract.refresh_from_db()
    assert contract.current_version.filing_status == "returned"
    assert "缺少人员名单" in officer.get(base).content.decode()

    officer.post(base + "file/")
    assert as_role("reviewer").post(base + "accept/").status_code == 403
    assert bureau.post(base + "accept/").status_code == 302
    contract.refresh_from_db()
    assert contract.current_version.filing_status == "accepted"
    assert "按时" in officer.get(base).content.decode()
    # Accepted: it cannot be corrected or filed again, only amended.
    response = officer.post(base + "file/")
    assert response.status_code == 200 and "不能报备" in response.content.decode()

    response = officer.post(base + "amend/", contract_form(county, amount="95000"))
    html = response.content.decode()
    assert response.status_code == 200 and "请说明变更内容和原因" in html
    response = officer.post(
        base + "amend/",
        contract_form(county, amount="95000", change_note="增加服务频次") | {"pdf": upload()},
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.current_version.version == 2
    assert contract.current_version.filing_status == "recorded"
    assert contract.accepted_version.version == 1


def test_overdue_filing_is_flagged_and_filtered(county, item, as_role):
    officer = as_role("agency_officer")
    long_ago = timezone.localdate() - timedelta(days=40)
    record(officer, item, county, signed_on=long_ago.isoformat(), term_start=long_ago.isoformat())
    contract = Contract.objects.get()
    listing = officer.get("/contracts/?overdue=on").content.decode()
    assert contract.number in listing and "逾期未备案" in listing
    assert "逾期未备案的合同" in officer.get("/").content.decode()
    assert "逾期未备案" in officer.get(f"/contracts/{contract.pk}/").content.decode()


def test_wrong_roles(county, item, as_role):
    assert as_role("reviewer").get(f"/contracts/new/{item.pk}/").status_code == 403
    assert as_role("enterprise").get(f"/contracts/new/{item.pk}/").status_code == 404
    record(as_role("agency_officer"), item, county)
    contract = Contract.objects.get()
    assert as_role("enterprise").get(f"/contracts/{contract.pk}/").status_code == 404
    assert as_role("supervisor").get(f"/contracts/{contract.pk}/correct/").status_code == 403
    assert as_role("agency_officer").get(f"/contracts/{contract.pk}/accept/").status_code == 405
