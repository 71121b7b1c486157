"""Who sees and who closes an alert (roles × actions, the must-not cells included), through the
pages and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from zerodisturb.alerts.choices import AlertKind
from zerodisturb.alerts.models import Alert
from zerodisturb.alerts.permissions import can_close, can_see_nav, visible_alerts
from zerodisturb.alerts.services import detect_alerts
from zerodisturb.conftest import login_client
from zerodisturb.problems.models import ProblemState
from zerodisturb.problems.services import problem_for
from zerodisturb.registry.choices import OrganisationKind
from zerodisturb.roles import Role
from zerodisturb.testing.assertions import assert_error_body
from zerodisturb.testing.factories import OrganisationFactory, UserFactory
from zerodisturb.testing.visits import VISIT_DAY

from .scenarios import visit_without_scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(visit_world) -> Alert:
    """A visit of 应急管理局 (provider 安泰) to 兴科化纤 (宗汉街道) that showed no valid code."""
    visit_without_scan(visit_world)
    assert detect_alerts(AlertKind.VISIT_NO_SCAN, VISIT_DAY + timedelta(days=1)) == 1
    return Alert.objects.get()


@pytest.fixture
def outsiders(visit_world):
    """Users of the same county who have nothing to do with the alert."""
    county = visit_world.county
    other_town_office = OrganisationFactory(
        county_code=county.code,
        kind=OrganisationKind.LOCALITY,
        locality=county.other_town,
        credit_code="",
    )
    return {
        "other_agency": visit_world.panel.other_officer,
        "other_provider_admin": UserFactory(
            username="other_provider_admin",
            role=Role.PROVIDER_ADMIN,
            organisation=county.orgs["other_provider"],
        ),
        "other_locality": UserFactory(
            username="other_locality", role=Role.LOCALITY, organisation=other_town_office
        ),
    }


# role → (sees it, may close it)
MATRIX = {
    Role.SUPERVISOR: (True, True),
    Role.OVERSIGHT: (True, False),
    Role.SYSTEM_ADMIN: (True, False),
    Role.AGENCY_OFFICER: (True, True),  # the lead agency: it owns the alert
    Role.REVIEWER: (False, False),
    Role.PROVIDER_ADMIN: (True, False),
    Role.PROVIDER_STAFF: (False, False),
    Role.ENTERPRISE: (False, False),
    Role.LOCALITY: (True, False),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_matrix(alert, visit_world, role):
    user = visit_world.county.users[role.value]
    sees, closes = MATRIX[role]
    assert visible_alerts(user).filter(pk=alert.pk).exists() is sees
    assert can_close(user, alert) is closes
    client = login_client(user)
    detail = client.get(f"/alerts/{alert.pk}/")
    assert detail.status_code == (200 if sees else 404)
    if sees:
        assert ("关闭预警" in detail.text) is closes
    listing = client.get("/alerts/")
    if can_see_nav(user):
        assert (alert.number in listing.text) is sees
    else:
        assert listing.status_code == 403
    response = client.post(f"/alerts/{alert.pk}/close/", {"note": "已核实"})
    alert.refresh_from_db()
    if closes:
        assert response.status_code == 302 and not alert.is_open
    else:
        assert response.status_code in (403, 404) and alert.is_open


@pytest.mark.parametrize("who", ["other_agency", "other_provider_admin", "other_locality"])
def test_outsiders_see_nothing(alert, outsiders, who):
    user = outsiders[who]
    assert not visible_alerts(user).exists()
    client = login_client(user)
    assert client.get(f"/alerts/{alert.pk}/").status_code == 404
    assert client.post(f"/alerts/{alert.pk}/close/", {"note": "x"}).status_code == 404


def test_another_county_sees_nothing(alert):
    from zerodisturb.conftest import build_county

    other = build_county("330281", "余姚市")
    for user in other.users.values():
        if user.role != Role.SYSTEM_ADMIN:
            assert not visible_alerts(user).exists()


def test_list_filters(alert, visit_world):
    client = login_client(visit_world.panel.supervisor)
    assert alert.number in client.get("/alerts/", {"kind": AlertKind.VISIT_NO_SCAN}).text
    assert alert.number not in client.get("/alerts/", {"kind": AlertKind.FILING_OVERDUE}).text
    owner = visit_world.county.orgs["agency"].pk
    assert alert.number in client.get("/alerts/", {"owner": owner}).text
    assert alert.number not in client.get("/alerts/", {"state": "closed"}).text
    assert "共 1 条预警" in client.get("/alerts/", {"state": "all"}).text


def test_closing_on_the_page_needs_a_note(alert, visit_world):
    client = login_client(visit_world.panel.officer)
    refused = client.post(f"/alerts/{alert.pk}/close/", {"note": " "})
    assert refused.status_code == 200
    assert "请填写处理说明" in refused.text
    alert.refresh_from_db()
    assert alert.is_open
    done = client.post(
        f"/alerts/{alert.pk}/close/", {"note": "已约谈机构，补充亮码记录"}, follow=True
    )
    assert "已关闭" in done.text and "已约谈机构" in done.text
    assert problem_for(alert).state == ProblemState.CLOSED


def test_api_list_get_close(alert, api_as):
    supervisor = api_as(Role.SUPERVISOR.value)
    body = supervisor.get("/api/v1/alerts").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["number"] == alert.number and item["kind"] == AlertKind.VISIT_NO_SCAN
    assert item["kind_label"] == "入企未亮码" and item["owner"] == alert.owner.name
    assert supervisor.get(f"/api/v1/alerts/{alert.pk}").json()["closed_at"] is None

    empty = supervisor.post(
        f"/api/v1/alerts/{alert.pk}/close", {"note": ""}, content_type="application/json"
    )
    assert empty.status_code == 422
    assert_error_body(empty, "invalid")
    assert "处理说明" in empty.json()["error"]["fields"]["note"][0]

    oversight = api_as(Role.OVERSIGHT.value)
    denied = oversight.post(
        f"/api/v1/alerts/{alert.pk}/close", {"note": "看过了"}, content_type="application/json"
    )
    assert denied.status_code == 403
    assert_error_body(denied, "forbidden")

    closed = supervisor.post(
        f"/api/v1/alerts/{alert.pk}/close", {"note": "已核实"}, content_type="application/json"
    )
    assert closed.status_code == 200 and closed.json()["closing_note"] == "已核实"
    assert supervisor.get("/api/v1/alerts").json()["count"] == 0
    assert supervisor.get("/api/v1/alerts", {"state": "closed"}).json()["count"] == 1


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.PROVIDER_STAFF])
def test_api_must_not(alert, api_as, role):
    client = api_as(role.value)
    assert client.get("/api/v1/alerts").status_code == 403
    assert client.get(f"/api/v1/alerts/{alert.pk}").status_code == 404


def test_home_todos_count_open_alerts_of_the_owner(alert, visit_world):
    from zerodisturb.alerts.todos import TODO_SOURCES

    (source,) = TODO_SOURCES
    (todo,) = source(visit_world.panel.officer)
    assert (todo.count, todo.urgent) == (1, True)
    assert todo.url == f"/alerts/?owner={alert.owner_id}"
    assert source(visit_world.panel.other_officer) == []
    assert source(visit_world.county.users[Role.OVERSIGHT.value]) == []
