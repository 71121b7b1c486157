"""The visit API: plan, join, cancel, the live code, public scan, check in/out, findings, close.

Every action leaves its audit event; bad input is refused by field with nothing stored; roles
outside the visit get 403 or 404 (never 500); the public scan shows masked names only.
"""

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from zerodisturb.audit.models import AuditEvent
from zerodisturb.testing.commissioning import panel_fixture
from zerodisturb.visits.models import ScanLog, Visit
from zerodisturb.visits.tests.api_world import V1, client, lead_side, other_side, plan_body

__all__ = ["panel_fixture"]

VISITS = f"{V1}/visits"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


@pytest.fixture
def side(panel):
    return lead_side(panel)


@pytest.fixture
def enterprise(panel):
    return panel.county.orgs["enterprise"]


def post(api, url, body=None):
    return api.post(url, body or {}, content_type="application/json")


def planned(panel, side, enterprise, **changes) -> dict:
    response = post(client(panel, side.officer), VISITS, plan_body(side, enterprise, **changes))
    assert response.status_code == 201, response.json()
    return response.json()


def actions(number: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_number=number)
        .order_by("seq")
        .values_list("action", flat=True)
    )


def code_of(panel, visit_id: int) -> dict:
    response = client(panel, "provider_staff").get(f"{VISITS}/{visit_id}/code")
    assert response.status_code == 200, response.json()
    return response.json()


def assert_refused(response, field: str) -> None:
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error


# ----------------------------------------------------------------------------- the whole visit


def test_a_visit_from_plan_to_close(panel, side, enterprise):
    answer = planned(panel, side, enterprise)
    visit = answer["visit"]
    assert visit["status"] == "planned" and isinstance(answer["warnings"], list)
    assert [s["credential_number"] for s in visit["staff"]] == [side.credential.number]
    code = code_of(panel, visit["id"])
    assert code["url"].endswith(f"/scan/{code['token']}")

    scanned = Client().get(f"{V1}/public/scan/{code['token']}").json()
    assert scanned["valid"] is True and scanned["contract"] == side.contract.number

    company = client(panel, "enterprise")
    first = post(company, f"{VISITS}/{visit['id']}/check-in")
    assert first.status_code == 200 and first.json()["already"] is False
    again = post(company, f"{VISITS}/{visit['id']}/check-in")
    assert again.status_code == 200 and again.json()["already"] is True
    assert again.json()["visit"]["status"] == "in_progress"

    officer = client(panel, side.officer)
    body = {"kind": "risk_alert", "text": "二号车间消防通道堆放原料，存在火灾蔓延风险"}
    finding = post(officer, f"{VISITS}/{visit['id']}/findings", body)
    assert finding.status_code == 201 and finding.json()["kind"] == "risk_alert"

    escort = client(panel, side.escort_user)
    out = post(escort, f"{VISITS}/{visit['id']}/check-out")
    assert out.status_code == 200 and out.json()["already"] is False
    assert post(escort, f"{VISITS}/{visit['id']}/check-out").json()["already"] is True

    closed = post(officer, f"{VISITS}/{visit['id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert len(closed.json()["findings"]) == 1
    assert actions(visit["number"]) == [
        "visit.plan",
        "visit.check_in",
        "visit.finding",
        "visit.check_out",
        "visit.close",
    ]


def test_another_agency_finds_and_joins_the_visit(panel, side, enterprise):
    visit = planned(panel, side, enterprise)["visit"]
    other = other_side(panel)
    api = client(panel, other.officer)
    when = timezone.now().isoformat()
    response = api.get(VISITS + "/joinable", {"enterprise": enterprise.pk, "when": when})
    assert response.status_code == 200, response.json()
    assert [v["number"] for v in response.json()] == [visit["number"]]
    body = {
        "contract": other.contract.pk,
        "credentials": [other.credential.pk],
        "officers": [other.escort.pk],
    }
    joined = post(api, f"{VISITS}/{visit['id']}/join", body)
    assert joined.status_code == 200, joined.json()
    assert joined.json()["is_joint"] is True and len(joined.json()["parties"]) == 2
    assert actions(visit["number"]) == ["visit.plan", "visit.join"]


def test_lead_agency_cancels_with_a_reason(panel, side, enterprise):
    visit = planned(panel, side, enterprise, kind="complaint", reason="企业投诉核查", plan=None)
    api = client(panel, side.officer)
    assert_refused(post(api, f"{VISITS}/{visit['visit']['id']}/cancel", {"reason": ""}), "reason")
    response = post(api, f"{VISITS}/{visit['visit']['id']}/cancel", {"reason": "企业停产"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert actions(visit["visit"]["number"]) == ["visit.plan", "visit.cancel"]


def test_list_is_scoped_by_role(panel, side, enterprise):
    number = planned(panel, side, enterprise)["visit"]["number"]
    for role in ("supervisor", "agency_officer", "enterprise", "locality", "provider_staff"):
        items = client(panel, role).get(VISITS).json()["items"]
        assert [v["number"] for v in items] == [number], role
    for role in ("reviewer",):
        assert client(panel, role).get(VISITS).json()["count"] == 0
    assert client(panel, panel.other_officer).get(VISITS).json()["count"] == 0


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"purpose": ""}, "purpose"),
        ({"purpose": "出具检查结论并下达整改通知"}, "purpose"),
        ({"window_start": "明天上午"}, "window_start"),
        ({"credentials": [987654]}, "credentials"),
        ({"officers": []}, "officers"),
        ({"kind": "visit"}, "kind"),
        ({"plan": None}, "plan"),
        ({"enterprise": 10**20}, "enterprise"),
    ],
)
def test_bad_plan_input_names_the_field_and_stores_nothing(panel, side, enterprise, changes, field):
    api = client(panel, side.officer)
    events = AuditEvent.objects.count()
    assert_refused(post(api, VISITS, plan_body(side, enterprise, **changes)), field)
    assert Visit.objects.count() == 0 and AuditEvent.objects.count() == events


def test_check_in_before_a_valid_scan_is_refused(panel, side, enterprise):
    visit = planned(panel, side, enterprise)["visit"]
    assert_refused(post(client(panel, "enterprise"), f"{VISITS}/{visit['id']}/check-in"), "visit")
    assert Visit.objects.get().checked_in_at is None


def test_a_finding_that_is_an_enforcement_conclusion_is_refused(panel, side, enterprise):
    visit = planned(panel, side, enterprise)["visit"]
    code = code_of(panel, visit["id"])
    Client().get(f"{V1}/public/scan/{code['token']}")
    post(client(panel, "enterprise"), f"{VISITS}/{visit['id']}/check-in")
    body = {"kind": "risk_alert", "text": "责令停产整顿并处以罚款"}
    assert_refused(
        post(client(panel, side.officer), f"{VISITS}/{visit['id']}/findings", body), "text"
    )
    assert Visit.objects.get().findings.count() == 0


# ----------------------------------------------------------------------------- forbidden


def test_only_agency_officers_plan(panel, side, enterprise):
    for role in ("enterprise", "provider_staff", "supervisor", "reviewer"):
        response = post(client(panel, role), VISITS, plan_body(side, enterprise))
        assert response.status_code == 403, role
    assert Visit.objects.count() == 0


def test_only_the_assigned_staff_member_gets_the_code(panel, side, enterprise):
    visit = planned(panel, side, enterprise)["visit"]
    assert client(panel, side.officer).get(f"{VISITS}/{visit['id']}/code").status_code == 403
    assert client(panel, "enterprise").get(f"{VISITS}/{visit['id']}/code").status_code == 403
    assert client(panel, "reviewer").get(f"{VISITS}/{visit['id']}/code").status_code == 404
    assert client(panel, panel.other_officer).get(f"{VISITS}/{visit['id']}/code").status_code == 404


def test_roles_outside_the_visit_get_403_or_404(panel, side, enterprise):
    visit = planned(panel, side, enterprise)["visit"]
    url = f"{VISITS}/{visit['id']}"
    outsider = client(panel, panel.other_officer)
    assert outsider.get(url).status_code == 404
    assert post(outsider, f"{url}/cancel", {"reason": "x"}).status_code == 404
    assert post(outsider, f"{url}/close").status_code == 404
    assert post(client(panel, "provider_staff"), f"{url}/check-in").status_code == 403
    assert post(client(panel, "enterprise"), f"{url}/cancel", {"reason": "x"}).status_code == 403
    assert (
        post(client(panel, "enterprise"), f"{url}/findings", {"kind": "risk_alert"}).status_code
        == 403
    )
    assert client(panel, "reviewer").get(f"{VISITS}/{10**20}").status_code in (404, 422)
    assert Client().get(VISITS).status_code == 401
    assert Visit.objects.get().status == "planned"


# ----------------------------------------------------------------------------- public scan


def test_public_scan_shows_the_visit_with_masked_names_only(panel, side, enterprise):
    visit = planned(panel, side, enterprise)["visit"]
    response = Client().get(f"{V1}/public/scan/{code_of(panel, visit['id'])['token']}")
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True and body["code"] == "valid"
    assert body["agency"] == panel.county.orgs["agency"].name
    assert body["legal_basis"] and body["item"] and body["may"] and body["may_not"]
    assert any("拒绝" in right for right in body["rights"])
    staff, escort = panel.county.staff, side.escort
    assert body["staff"] == [
        {
            "credential_number": side.credential.number,
            "masked_name": staff.masked_name,
            "provider": staff.organisation.name,
        }
    ]
    assert body["officers"][0]["masked_name"] == escort.masked_name
    text = response.content.decode()
    for person in (staff, escort):
        for secret in (person.id_number, person.phone, person.name):
            assert secret not in text
    assert Visit.objects.get().valid_scan_at is not None


def test_a_forged_code_is_refused_and_logged_without_details(panel, side, enterprise):
    visit = planned(panel, side, enterprise)["visit"]
    token = code_of(panel, visit["id"])["token"]
    body, signature = token.split(".")
    forged = f"{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    answer = Client().get(f"{V1}/public/scan/{forged}").json()
    assert answer["valid"] is False and answer["code"] == "bad_signature"
    assert answer["staff"] == [] and answer["contract"] is None
    assert ScanLog.objects.get().valid is False
    assert Visit.objects.get().valid_scan_at is None


def test_public_scan_is_rate_limited(panel, settings):
    settings.RATE_LIMIT_VERIFY = 2
    public = Client()
    for _ in range(2):
        assert public.get(f"{V1}/public/scan/not-a-token").status_code == 200
    response = public.get(f"{V1}/public/scan/not-a-token")
    assert response.status_code == 429 and response.json()["error"]["code"] == "rate_limited"
