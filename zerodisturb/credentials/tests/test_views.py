"""The credential pages: list scoping, issuing, status changes, the PDF card, public verification."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from zerodisturb.conftest import login_client
from zerodisturb.credentials.models import Credential
from zerodisturb.testing.commissioning import panel_fixture  # noqa: F401
from zerodisturb.testing.during import contract_in_force, credential_for
from zerodisturb.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(panel):
    return contract_in_force(panel)


@pytest.fixture
def credential(panel, contract):
    return credential_for(panel, contract)


def test_list_is_scoped_by_role(panel, credential, as_role):
    other = PersonFactory(county_code=panel.code, organisation=panel.county.orgs["other_provider"])
    Credential.objects.create(
        county_code="330281",
        number="330281-2026-00001",
        person=other,
        provider=other.organisation,
        scope="x",
        valid_from=credential.valid_from,
        valid_to=credential.valid_to,
        issued_by=panel.supervisor,
    )
    for role in ("supervisor", "oversight", "agency_officer", "provider_admin", "provider_staff"):
        page = as_role(role).get("/credentials/")
        assert page.status_code == 200
        assert credential.number in page.content.decode(), role
        assert "330281-2026-00001" not in page.content.decode(), role
    assert (
        credential.number
        not in login_client(panel.other_officer).get("/credentials/").content.decode()
    )
    assert as_role("enterprise").get(f"/credentials/{credential.pk}/").status_code == 404


def test_supervisor_issues_a_credential(panel, contract, as_role):
    client = as_role("supervisor")
    assert client.get("/credentials/new/").status_code == 200
    today = timezone.localdate()
    response = client.post(
        "/credentials/new/",
        {
            "person": panel.county.staff.pk,
            "contracts": [contract.pk],
            "valid_from": today.isoformat(),
            "valid_to": (today + timedelta(days=30)).isoformat(),
            "scope": "消防安全技术咨询",
        },
    )
    credential = Credential.objects.get(person=panel.county.staff)
    assert response.status_code == 302
    assert response["Location"] == f"/credentials/{credential.pk}/"
    assert credential.number.startswith(f"{panel.code}-{today.year}-")


def test_issue_form_shows_chinese_errors(panel, contract, as_role):
    client = as_role("supervisor")
    today = timezone.localdate()
    response = client.post(
        "/credentials/new/",
        {
            "person": panel.county.staff.pk,
            "contracts": [contract.pk],
            "valid_from": today.isoformat(),
            "valid_to": (today + timedelta(days=3000)).isoformat(),
            "scope": "",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "有效期不能超过合同履行期" in text
    assert "请填写服务范围" in text
    empty = client.post("/credentials/new/", {})
    assert "请选择辅助人员" in empty.content.decode()


def test_issue_form_is_forbidden_to_other_roles(as_role):
    for role in ("provider_admin", "provider_staff", "enterprise", "reviewer"):
        assert as_role(role).get("/credentials/new/").status_code == 403, role


def test_suspend_reinstate_revoke(credential, as_role):
    client = as_role("supervisor")
    url = f"/credentials/{credential.pk}"
    page = client.get(f"{url}/")
    assert "证件有效" in page.content.decode()
    response = client.post(f"{url}/suspend/", {"reason": ""}, follow=True)
    assert "请填写原因" in response.content.decode()
    client.post(f"{url}/suspend/", {"reason": "离职交接"})
    credential.refresh_from_db()
    assert credential.status == Credential.Status.SUSPENDED
    assert "离职交接" in client.get(f"{url}/").content.decode()
    client.post(f"{url}/reinstate/")
    credential.refresh_from_db()
    assert credential.status == Credential.Status.ACTIVE
    client.post(f"{url}/revoke/", {"reason": "违规推销服务"})
    credential.refresh_from_db()
    assert credential.status == Credential.Status.REVOKED
    response = client.post(f"{url}/reinstate/", follow=True)
    assert "不能这样变更" in response.content.decode()


def test_status_change_needs_the_right(credential, as_role):
    assert (
        as_role("oversight")
        .post(f"/credentials/{credential.pk}/suspend/", {"reason": "x"})
        .status_code
        == 403
    )
    assert (
        as_role("provider_admin")
        .post(f"/credentials/{credential.pk}/revoke/", {"reason": "x"})
        .status_code
        == 403
    )
    assert as_role("supervisor").get(f"/credentials/{credential.pk}/suspend/").status_code == 405


def test_card_pdf(credential, as_role):
    response = as_role("provider_staff").get(f"/credentials/{credential.pk}/card.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_public_verification_shows_masked_name_only(panel, credential, client):
    cache.clear()
    response = client.get(f"/verify/{credential.number}")
    text = response.content.decode()
    assert response.status_code == 200
    assert "证件有效" in text
    name = panel.county.staff.name
    assert name not in text
    assert name[0] + "*" in text
    assert panel.county.orgs["provider"].name in text
    assert panel.county.orgs["agency"].name in text
    assert panel.county.staff.id_number not in text
    assert panel.county.staff.phone not in text


def test_public_verification_of_suspended_and_unknown(panel, credential, client):
    cache.clear()
    credential.status, credential.status_reason = Credential.Status.SUSPENDED, "接受调查"
    credential.save()
    assert "证件已暂停使用：接受调查" in client.get(f"/verify/{credential.number}").content.decode()
    unknown = client.get("/verify/330282-2026-99999")
    assert unknown.status_code == 404
    assert "查无此证" in unknown.content.decode()


def test_verify_search_form(credential, client):
    assert client.get("/verify/").status_code == 200
    response = client.get("/verify/", {"number": f" {credential.number} "})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{credential.number}"
    assert "请输入证件编号" in client.get("/verify/", {"number": ""}).content.decode()


def test_verification_is_rate_limited(settings, credential, client):
    settings.RATE_LIMIT_VERIFY = 2
    cache.clear()
    for _ in range(2):
        assert client.get(f"/verify/{credential.number}").status_code == 200
    response = client.get(f"/verify/{credential.number}")
    assert response.status_code == 429
    assert "请求过于频繁" in response.content.decode()
    cache.clear()
