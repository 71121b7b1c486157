"""The credential API: issue, suspend, reinstate, revoke, the PDF card, and public verification.

Every action leaves its audit event; bad input is refused by field with nothing stored; roles
outside the credential's circle get 403 or 404; the public answer carries no ID or phone number.
"""

import pytest
from django.core.cache import cache
from django.test import Client

from zerodisturb.audit.models import AuditEvent
from zerodisturb.credentials.models import Credential
from zerodisturb.testing.commissioning import panel_fixture
from zerodisturb.visits.tests.api_world import V1, client, lead_side

__all__ = ["panel_fixture"]

CREDENTIALS = f"{V1}/credentials"


@pytest.fixture
def side(panel):
    return lead_side(panel, with_credential=False)


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


def issue_body(panel, side, **changes) -> dict:
    version = side.contract.accepted_version
    body = {
        "person": panel.county.staff.pk,
        "contracts": [side.contract.pk],
        "valid_from": version.term_start.isoformat(),
        "valid_to": version.term_end.isoformat(),
        "scope": "消防安全隐患排查技术咨询",
    }
    return body | changes


def issued(panel, side) -> dict:
    response = client(panel, "supervisor").post(
        CREDENTIALS, issue_body(panel, side), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def actions(number: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_number=number)
        .order_by("seq")
        .values_list("action", flat=True)
    )


def assert_refused(response, field: str) -> None:
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error


# ----------------------------------------------------------------------------- operations


def test_supervisor_issues_a_numbered_credential_valid_today(panel, side):
    credential = issued(panel, side)
    year = side.contract.accepted_version.term_start.year  # the year it is valid from
    assert credential["number"].startswith(f"{panel.code}-{year}-")
    assert credential["status"] == "active" and credential["valid"] is True
    assert credential["contracts"] == [side.contract.number]
    assert actions(credential["number"]) == ["credential.issue"]


def test_suspend_reinstate_and_revoke_each_leave_their_event(panel, side):
    number, pk = (c := issued(panel, side))["number"], c["id"]
    supervisor = client(panel, "supervisor")
    body = {"reason": "离职交接中"}
    response = supervisor.post(f"{CREDENTIALS}/{pk}/suspend", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    assert response.json()["valid"] is False and response.json()["state_code"] == "suspended"
    response = supervisor.post(f"{CREDENTIALS}/{pk}/reinstate")
    assert response.status_code == 200 and response.json()["status"] == "active"
    response = supervisor.post(f"{CREDENTIALS}/{pk}/revoke", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    assert actions(number) == [
        "credential.issue",
        "credential.suspend",
        "credential.reinstate",
        "credential.revoke",
    ]


def test_the_commissioning_agency_may_suspend_its_providers_staff(panel, side):
    pk = issued(panel, side)["id"]
    response = client(panel, "agency_officer").post(
        f"{CREDENTIALS}/{pk}/suspend", {"reason": "投诉核查期间"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "suspended"


def test_card_pdf_downloads_with_the_number_as_file_name(panel, side):
    credential = issued(panel, side)
    response = client(panel, "provider_admin").get(f"{CREDENTIALS}/{credential['id']}/card.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert credential["number"] in response["Content-Disposition"]


def test_list_is_scoped_by_role(panel, side):
    number = issued(panel, side)["number"]
    for role in ("supervisor", "oversight", "agency_officer", "provider_admin", "provider_staff"):
        response = client(panel, role).get(CREDENTIALS)
        assert [c["number"] for c in response.json()["items"]] == [number], role
    for role in ("reviewer", "enterprise", "locality"):
        assert client(panel, role).get(CREDENTIALS).json()["count"] == 0, role
    assert client(panel, panel.other_officer).get(CREDENTIALS).json()["count"] == 0


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"scope": "  "}, "scope"),
        ({"valid_to": "2099-12-31"}, "valid_to"),  # beyond the contract's term
        ({"valid_from": "2026-02-30"}, "valid_from"),
        ({"person": 987654}, "person"),
        ({"contracts": []}, "contracts"),
        ({"person": 10**20}, "person"),
    ],
)
def test_bad_issue_input_names_the_field_and_stores_nothing(panel, side, changes, field):
    supervisor = client(panel, "supervisor")
    events = AuditEvent.objects.count()
    response = supervisor.post(
        CREDENTIALS, issue_body(panel, side, **changes), content_type="application/json"
    )
    assert_refused(response, field)
    assert Credential.objects.count() == 0 and AuditEvent.objects.count() == events


def test_suspend_without_reason_is_refused_and_changes_nothing(panel, side):
    credential = issued(panel, side)
    response = client(panel, "supervisor").post(
        f"{CREDENTIALS}/{credential['id']}/suspend", {"reason": ""}, content_type="application/json"
    )
    assert_refused(response, "reason")
    assert Credential.objects.get().status == "active"
    assert actions(credential["number"]) == ["credential.issue"]


def test_reinstating_an_active_credential_is_refused_by_status(panel, side):
    pk = issued(panel, side)["id"]
    assert_refused(client(panel, "supervisor").post(f"{CREDENTIALS}/{pk}/reinstate"), "status")


# ----------------------------------------------------------------------------- forbidden


def test_agency_officer_cannot_issue_where_the_judicial_bureau_issues(panel, side):
    response = client(panel, "agency_officer").post(
        CREDENTIALS, issue_body(panel, side), content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert Credential.objects.count() == 0


@pytest.mark.parametrize("role", ["provider_admin", "provider_staff", "oversight"])
def test_roles_that_see_a_credential_but_may_not_change_it_get_403(panel, side, role):
    pk = issued(panel, side)["id"]
    response = client(panel, role).post(
        f"{CREDENTIALS}/{pk}/revoke", {"reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 403, response.content
    assert Credential.objects.get().status == "active"


@pytest.mark.parametrize("role", ["enterprise", "reviewer", "locality"])
def test_roles_outside_the_credential_get_404(panel, side, role):
    pk = issued(panel, side)["id"]
    api = client(panel, role)
    assert api.get(f"{CREDENTIALS}/{pk}").status_code == 404
    assert api.get(f"{CREDENTIALS}/{pk}/card.pdf").status_code == 404
    response = api.post(f"{CREDENTIALS}/{pk}/suspend", {"reason": "x"}, "application/json")
    assert response.status_code == 404
    assert client(panel, role).get(f"{CREDENTIALS}/{10**20}").status_code in (404, 422)


def test_anonymous_callers_get_401(panel, side):
    assert Client().get(CREDENTIALS).status_code == 401


# ----------------------------------------------------------------------------- public


def test_public_verification_shows_the_card_but_no_personal_numbers(panel, side):
    number = issued(panel, side)["number"]
    staff = panel.county.staff
    response = Client().get(f"{V1}/public/credentials/{number}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {
        "number",
        "valid",
        "code",
        "message",
        "masked_name",
        "provider",
        "agencies",
        "scope",
        "valid_from",
        "valid_to",
    }
    assert body["valid"] is True and body["code"] == "valid"
    assert body["masked_name"] == staff.masked_name and body["masked_name"] != staff.name
    assert body["agencies"] == [panel.county.orgs["agency"].name]
    text = response.content.decode()
    for secret in (staff.id_number, staff.phone, staff.name):
        assert secret not in text


def test_public_verification_says_why_a_credential_is_not_valid(panel, side):
    credential = issued(panel, side)
    client(panel, "supervisor").post(
        f"{CREDENTIALS}/{credential['id']}/revoke", {"reason": "离职"}, "application/json"
    )
    body = Client().get(f"{V1}/public/credentials/{credential['number']}").json()
    assert body["valid"] is False and body["code"] == "revoked" and "离职" in body["message"]


def test_public_verification_of_an_unknown_number_is_404(panel):
    response = Client().get(f"{V1}/public/credentials/330282-2026-99999")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_public_verification_is_rate_limited(panel, settings):
    settings.RATE_LIMIT_VERIFY = 2
    public = Client()
    for _ in range(2):
        assert public.get(f"{V1}/public/credentials/330282-2026-99999").status_code == 404
    response = public.get(f"{V1}/public/credentials/330282-2026-99999")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
