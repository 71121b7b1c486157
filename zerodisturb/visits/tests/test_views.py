"""The visit pages: scoping, planning and joining, the gate (live code, scan, arrival, departure)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from zerodisturb.conftest import login_client
from zerodisturb.credentials.tokens import sign
from zerodisturb.testing.commissioning import SHANGHAI, panel_fixture  # noqa: F401
from zerodisturb.testing.during import (
    contract_in_force,
    credential_for,
    officer_person,
    officer_user,
    visit_today,
)
from zerodisturb.testing.factories import PersonFactory, UserFactory
from zerodisturb.visits.choices import VisitKind, VisitStatus
from zerodisturb.visits.models import ScanLog, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(panel):
    contract = contract_in_force(panel)
    credential = credential_for(panel, contract)
    escort_user, escort = officer_user(panel)
    visit = visit_today(panel, contract, credential, escort)
    return {
        "contract": contract,
        "credential": credential,
        "escort": escort,
        "escort_user": escort_user,
        "visit": visit,
    }


def _other_party(panel):
    """The second agency with its own contract, a credentialed staff member and an escort."""
    person = PersonFactory(county_code=panel.code, organisation=panel.county.orgs["provider"])
    panel.officer, saved = panel.other_officer, panel.officer
    try:
        contract = contract_in_force(panel, staff=[person.pk])
    finally:
        panel.officer = saved
    escort = officer_person(panel, panel.county.orgs["other_agency"])
    return contract, credential_for(panel, contract, person), escort


def test_list_is_scoped(panel, world, as_role):
    number = world["visit"].number
    for role in (
        "agency_officer",
        "supervisor",
        "oversight",
        "enterprise",
        "locality",
        "provider_staff",
    ):
        page = as_role(role).get("/visits/")
        assert page.status_code == 200
        assert number in page.content.decode(), role
    assert number not in login_client(panel.other_officer).get("/visits/").content.decode()
    assert as_role("reviewer").get(f"/visits/{world['visit'].pk}/").status_code == 404
    contact = UserFactory(role="enterprise", organisation=panel.county.orgs["other_enterprise"])
    assert number not in login_client(contact).get("/visits/").content.decode()


def test_enterprise_sees_who_and_under_which_contract(panel, world, as_role):
    text = as_role("enterprise").get(f"/visits/{world['visit'].pk}/").content.decode()
    assert panel.county.orgs["agency"].name in text
    assert world["contract"].number in text
    assert world["credential"].number in text
    assert "扫码记录" not in text  # the scan log is for agencies and supervisors
    assert "扫码记录" in as_role("supervisor").get(f"/visits/{world['visit'].pk}/").content.decode()


def _plan_post(panel, world, **overrides):
    today = timezone.localdate()
    data = {
        "action": "plan",
        "enterprise": panel.county.orgs["other_enterprise"].credit_code,
        "kind": VisitKind.COMPLAINT,
        "reason": "群众投诉噪声",
        "window_start": f"{today + timedelta(days=3)}T09:00",
        "window_end": f"{today + timedelta(days=3)}T11:00",
        "contract": world["contract"].pk,
        "credentials": [world["credential"].pk],
        "officers": [world["escort"].pk],
        "purpose": "技术咨询和风险提示",
    }
    return data | overrides


def test_plan_a_visit(panel, world, as_role):
    client = as_role("agency_officer")
    assert client.get("/visits/new/").status_code == 200
    response = client.post("/visits/new/", _plan_post(panel, world))
    visit = Visit.objects.get(enterprise=panel.county.orgs["other_enterprise"])
    assert response.status_code == 302
    assert response["Location"] == f"/visits/{visit.pk}/"
    assert visit.kind == VisitKind.COMPLAINT


def test_plan_form_errors_in_chinese(panel, world, as_role):
    client = as_role("agency_officer")
    response = client.post(
        "/visits/new/", _plan_post(panel, world, reason="", enterprise="不存在的企业")
    )
    assert response.status_code == 400
    assert "本县没有找到该企业" in response.content.decode()
    response = client.post("/visits/new/", _plan_post(panel, world, reason="", officers=[]))
    text = response.content.decode()
    assert "触发型入企须写明原因" in text
    assert "至少需要 1 名政府工作人员陪同" in text
    assert "请填写开始时间" in client.post("/visits/new/", {"action": "plan"}).content.decode()


def test_plan_is_for_agency_officers_only(as_role):
    for role in ("supervisor", "enterprise", "provider_staff"):
        assert as_role(role).get("/visits/new/").status_code == 403, role


def test_check_shows_joinable_and_join_makes_one_entry(panel, world):
    other_contract, other_credential, escort = _other_party(panel)
    client = login_client(panel.other_officer)
    today = timezone.localdate()
    data = {
        "action": "check",
        "enterprise": panel.county.orgs["enterprise"].name,
        "kind": VisitKind.ENTERPRISE_REQUEST,
        "reason": "企业申请",
        "window_start": f"{today}T09:00",
        "window_end": f"{today}T11:00",
        "contract": other_contract.pk,
        "credentials": [other_credential.pk],
        "officers": [escort.pk],
        "purpose": "技术咨询和风险提示",
    }
    page = client.post("/visits/new/", data)
    assert page.status_code == 200
    assert world["visit"].number in page.content.decode()
    assert "加入此次入企" in page.content.decode()
    response = client.post(f"/visits/{world['visit'].pk}/join/", data)
    assert response.status_code == 302
    assert world["visit"].parties.count() == 2
    again = client.post(f"/visits/{world['visit'].pk}/join/", data)
    assert again.status_code == 400
    assert "本机关已在该次入企中" in again.content.decode()


def test_cancel(world, as_role):
    client = as_role("agency_officer")
    url = f"/visits/{world['visit'].pk}"
    assert (
        "请填写取消原因"
        in client.post(f"{url}/cancel/", {"reason": ""}, follow=True).content.decode()
    )
    client.post(f"{url}/cancel/", {"reason": "企业停产"})
    world["visit"].refresh_from_db()
    assert world["visit"].status == VisitStatus.CANCELLED
    assert as_role("enterprise").post(f"{url}/cancel/", {"reason": "x"}).status_code == 403


def test_staff_code_page(world, as_role):
    visit = world["visit"]
    client = as_role("provider_staff")
    page = client.get(f"/visits/{visit.pk}/code/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'hx-trigger="every 30s"' in text
    assert "data:image/png;base64," in text
    assert world["credential"].number in text
    assert "no-store" in page["Cache-Control"]
    fragment = client.get(f"/visits/{visit.pk}/code/", headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="live-code"')
    png = client.get(f"/visits/{visit.pk}/code.png")
    assert png["Content-Type"] == "image/png"
    assert "no-store" in png["Cache-Control"]
    assert as_role("agency_officer").get(f"/visits/{visit.pk}/code/").status_code == 403


def test_code_only_on_the_day_and_before_departure(panel, world, as_role):
    visit = world["visit"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    Visit.objects.filter(pk=visit.pk).update(
        window_start=datetime.combine(tomorrow, time(9), tzinfo=SHANGHAI)
    )
    page = as_role("provider_staff").get(f"/visits/{visit.pk}/code/")
    assert page.status_code == 403
    assert "入企码只在入企当天显示" in page.content.decode()
    Visit.objects.filter(pk=visit.pk).update(
        window_start=visit.window_start, status=VisitStatus.COMPLETED, checked_out_at=timezone.now()
    )
    assert (
        "已确认离场" in as_role("provider_staff").get(f"/visits/{visit.pk}/code/").content.decode()
    )


def test_scan_page_for_anonymous_viewer(panel, world):
    cache.clear()
    visit = world["visit"]
    token = sign(visit.pk, world["credential"].pk)
    response = Client().get(f"/scan/{token}")
    text = response.content.decode()
    assert response.status_code == 200
    assert "有效：可以入企" in text
    assert panel.county.orgs["agency"].name in text
    assert world["contract"].number in text
    assert world["contract"].item.number in text
    assert "《中华人民共和国消防法》第五条" in text
    assert world["credential"].number in text
    assert panel.county.staff.name not in text
    assert world["escort"].name in text
    assert "不得出具检查结论" in text and "不得推销服务" in text
    assert "可以拒绝没有有效二维码的人员入企" in text
    assert f"/accounts/login/?next=/scan/{token}" in text
    assert 'id="confirm"' not in text
    assert ScanLog.objects.filter(visit=visit, valid=True).count() == 1


def test_scan_refuses_forged_and_wrong_enterprise(panel, world):
    cache.clear()
    token = sign(world["visit"].pk, world["credential"].pk)
    body, signature = token.split(".")
    tampered = ("A" if signature[0] != "A" else "B") + signature[1:]
    forged = Client().get(f"/scan/{body}.{tampered}")
    assert "签名无效" in forged.content.decode()
    contact = UserFactory(role="enterprise", organisation=panel.county.orgs["other_enterprise"])
    wrong = login_client(contact).get(f"/scan/{token}").content.decode()
    assert "不是贵企业" in wrong
    assert 'id="confirm"' not in wrong


def test_enterprise_confirms_arrival_and_departure_once(world, as_role):
    cache.clear()
    visit = world["visit"]
    client = as_role("enterprise")
    early = client.post(f"/visits/{visit.pk}/check-in/", follow=True)
    assert "请先扫描服务人员手机上的有效二维码" in early.content.decode()
    page = client.get(f"/scan/{sign(visit.pk, world['credential'].pk)}").content.decode()
    assert "确认到场" in page
    first = client.post(f"/visits/{visit.pk}/check-in/", follow=True)
    assert "已确认到场。" in first.content.decode()
    second = client.post(f"/visits/{visit.pk}/check-in/", follow=True)
    assert "此前已确认到场" in second.content.decode()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_PROGRESS
    client.post(f"/visits/{visit.pk}/check-out/")
    again = client.post(f"/visits/{visit.pk}/check-out/", follow=True)
    assert "此前已确认离场" in again.content.decode()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.COMPLETED
    assert as_role("provider_staff").post(f"/visits/{visit.pk}/check-in/").status_code == 403


def test_findings_documents_and_close(world, as_role):
    visit = world["visit"]
    Visit.objects.filter(pk=visit.pk).update(
        status=VisitStatus.COMPLETED, checked_in_at=timezone.now(), checked_out_at=timezone.now()
    )
    client = as_role("agency_officer")
    url = f"/visits/{visit.pk}"
    assert (
        "请填写内容"
        in client.post(
            f"{url}/findings/", {"kind": "risk_alert", "text": ""}, follow=True
        ).content.decode()
    )
    client.post(f"{url}/findings/", {"kind": "risk_alert", "text": "二楼疏散通道堆放纱线"})
    assert visit.findings.count() == 1
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(f"{url}/documents/", {"file": SimpleUploadedFile("记录.pdf", b"%PDF-1.4 test")})
    assert visit.documents.count() == 1
    assert "请选择文件" in client.post(f"{url}/documents/", {}, follow=True).content.decode()
    client.post(f"{url}/close/")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CLOSED
    assert as_role("enterprise").post(f"{url}/close/").status_code == 403


def test_mergeable_counts_separate_entries(panel, world, as_role):
    other_contract, other_credential, escort = _other_party(panel)
    visit_today(panel, other_contract, other_credential, escort, actor=panel.other_officer)
    page = as_role("supervisor").get("/visits/mergeable/")
    assert page.status_code == 200
    assert re.search(r'id="pair-count"><b>1</b>', page.content.decode())
    assert as_role("agency_officer").get("/visits/mergeable/").status_code == 403


def test_scan_is_rate_limited(settings, world):
    settings.RATE_LIMIT_VERIFY = 1
    cache.clear()
    token = sign(world["visit"].pk, world["credential"].pk)
    assert Client().get(f"/scan/{token}").status_code == 200
    response = Client().get(f"/scan/{token}")
    assert response.status_code == 429
    assert "请求过于频繁" in response.content.decode()
    cache.clear()


def test_home_todos(panel, world, as_role):
    assert "今天的入企" in as_role("agency_officer").get("/").content.decode()
    assert "今天的入企" in as_role("provider_staff").get("/").content.decode()
    assert "今天待确认到场、离场的入企" in as_role("enterprise").get("/").content.decode()
    Visit.objects.filter(pk=world["visit"].pk).update(
        kind=VisitKind.EMERGENCY, completion_due_on=timezone.localdate() - timedelta(days=1)
    )
    assert "逾期未办结的紧急入企" in as_role("supervisor").get("/").content.decode()
    listing = as_role("supervisor").get("/visits/?overdue=1").content.decode()
    assert world["visit"].number in listing
