"""Who may do what with surveys, roles × actions with the must-not cells, on pages and the API."""

from __future__ import annotations

import pytest

from zerodisturb.conftest import build_county, login_client
from zerodisturb.roles import Role
from zerodisturb.surveys.choices import SurveyStatus
from zerodisturb.surveys.services import create_survey, send_survey
from zerodisturb.testing.assertions import assert_error_body

from .conftest import build_survey

pytestmark = pytest.mark.django_db

BUREAU, OVERSIGHT, ENTERPRISE = Role.SUPERVISOR, Role.OVERSIGHT, Role.ENTERPRISE
NOBODY = [
    Role.AGENCY_OFFICER,
    Role.REVIEWER,
    Role.PROVIDER_ADMIN,
    Role.PROVIDER_STAFF,
    Role.LOCALITY,
    Role.SYSTEM_ADMIN,
]


@pytest.fixture
def surveys(world):
    sent = send_survey(world.bureau, build_survey(world))
    draft = create_survey(world.bureau, title="草稿调研")
    invitation = sent.invitations.get(enterprise=world.enterprises["xingke"])
    return sent, draft, invitation


# page → {role: status}; roles not named get the "else" status
PAGES = {
    "list": ("/surveys/", {BUREAU: 200, OVERSIGHT: 200, ENTERPRISE: 200}, 403),
    "new": ("/surveys/new/", {BUREAU: 200}, 403),
    "results": ("/surveys/{sent}/", {BUREAU: 200, OVERSIGHT: 200}, 404),
    "builder": ("/surveys/{draft}/", {BUREAU: 200}, 404),
    "rate": ("/surveys/{sent}/rate/", {BUREAU: 200, OVERSIGHT: 200}, 404),
    "export": ("/surveys/{sent}/results.xlsx", {BUREAU: 200, OVERSIGHT: 200}, 404),
    "answer": ("/surveys/invitations/{invitation}/", {ENTERPRISE: 200}, 404),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", [BUREAU, OVERSIGHT, ENTERPRISE, *NOBODY])
def test_page_matrix(world, surveys, page, role):
    sent, draft, invitation = surveys
    url, allowed, otherwise = PAGES[page]
    url = url.format(sent=sent.pk, draft=draft.pk, invitation=invitation.pk)
    response = login_client(world.county.users[role.value]).get(url)
    assert response.status_code == allowed.get(role, otherwise)


@pytest.mark.parametrize("role", [OVERSIGHT, ENTERPRISE, *NOBODY])
def test_only_the_bureau_closes(world, surveys, role):
    sent, _draft, _invitation = surveys
    response = login_client(world.county.users[role.value]).post(f"/surveys/{sent.pk}/close/")
    assert response.status_code == (403 if role == OVERSIGHT else 404)
    sent.refresh_from_db()
    assert sent.status == SurveyStatus.OPEN


def test_oversight_reads_without_the_controls(world, surveys):
    sent, _draft, _invitation = surveys
    page = login_client(world.county.users[OVERSIGHT.value]).get(f"/surveys/{sent.pk}/")
    assert "结束调研" not in page.text and "导出 Excel" in page.text
    bureau_page = login_client(world.bureau).get(f"/surveys/{sent.pk}/")
    assert "结束调研" in bureau_page.text
    assert 'hx-trigger="every 5s"' in bureau_page.text


def test_another_county_sees_nothing(world, surveys):
    sent, _draft, _invitation = surveys
    other = build_county("330281", "余姚市")
    for role in (BUREAU, OVERSIGHT):
        client = login_client(other.users[role.value])
        assert client.get(f"/surveys/{sent.pk}/").status_code == 404
        assert sent.number not in client.get("/surveys/").text


def test_bureau_builds_on_the_pages(world):
    client = login_client(world.bureau)
    created = client.post("/surveys/new/", {"title": "2026年企业满意度调研"})
    survey_url = created["Location"]
    refused = client.post(
        f"{survey_url}questions/", {"kind": "single", "text": "题目", "options": "只有一个"}
    )
    assert "选择题至少需要 2 个选项。" in refused.text
    client.post(f"{survey_url}questions/", {"kind": "satisfaction", "text": "总体评价"})
    client.post(
        f"{survey_url}questions/", {"kind": "single", "text": "频次", "options": "减少\n不变"}
    )
    sent = client.post(f"{survey_url}send/", {"localities": [world.county.town.pk]}, follow=True)
    assert "调研已发送给 2 家企业。" in sent.text
    assert "回收率" in sent.text


def test_api_flow(world, api_as):
    bureau = api_as(BUREAU.value)
    created = bureau.post("/api/v1/surveys", {"title": "API 调研"}, content_type="application/json")
    assert created.status_code == 201
    survey_id = created.json()["id"]
    bad = bureau.post(
        f"/api/v1/surveys/{survey_id}/questions",
        {"kind": "multiple", "text": "改进", "options": ["一"]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert_error_body(bad, "invalid")
    assert "至少需要 2 个选项" in bad.json()["error"]["fields"]["options"][0]
    question = bureau.post(
        f"/api/v1/surveys/{survey_id}/questions",
        {"kind": "satisfaction", "text": "总体评价"},
        content_type="application/json",
    ).json()
    assert question["choices"][0] == "非常满意"
    sent = bureau.post(
        f"/api/v1/surveys/{survey_id}/send",
        {"localities": [world.county.town.code], "sectors": ["chemical_fibre"]},
        content_type="application/json",
    )
    assert sent.status_code == 200 and sent.json()["send_total"] == 2

    enterprise = api_as(ENTERPRISE.value)
    (invitation,) = enterprise.get("/api/v1/surveys/invitations").json()
    url = f"/api/v1/surveys/invitations/{invitation['id']}/answer"
    answer = {"answers": {str(question["id"]): 1}}
    first = enterprise.post(url, answer, content_type="application/json")
    assert first.status_code == 201
    assert first.json()["answers"] == {str(question["id"]): ["满意"]}
    second = enterprise.post(url, answer, content_type="application/json")
    assert second.status_code == 422
    assert "只能提交一次" in second.json()["error"]["fields"]["survey"][0]
    assert enterprise.get(url).json()["answers"] == {str(question["id"]): ["满意"]}

    results = api_as(OVERSIGHT.value).get(f"/api/v1/surveys/{survey_id}/results").json()
    assert results["rate"]["invited"] == 2 and results["rate"]["answered"] == 1
    assert results["rate"]["rate"] == "50.0"
    assert results["results"][0]["satisfaction_rate"] == "100.0"

    oversight_close = api_as(OVERSIGHT.value).post(f"/api/v1/surveys/{survey_id}/close")
    assert oversight_close.status_code == 403
    closed = bureau.post(f"/api/v1/surveys/{survey_id}/close")
    assert closed.json()["status"] == "closed"


@pytest.mark.parametrize("role", [ENTERPRISE, *NOBODY])
def test_api_must_not(world, surveys, api_as, role):
    sent, _draft, _invitation = surveys
    client = api_as(role.value)
    assert client.get("/api/v1/surveys").status_code == 403
    assert client.get(f"/api/v1/surveys/{sent.pk}/results").status_code == 404
    created = client.post("/api/v1/surveys", {"title": "x"}, content_type="application/json")
    assert created.status_code == 403


def test_home_todo_for_an_invited_enterprise(world, surveys):
    from zerodisturb.surveys.todos import TODO_SOURCES

    (source,) = TODO_SOURCES
    (todo,) = source(world.users["xingke"])
    assert todo.count == 1 and todo.url == "/surveys/"
    assert source(world.bureau) == []
