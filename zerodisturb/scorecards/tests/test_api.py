"""The scorecards API: lists scoped by role, exit-case actions, thresholds, one error shape."""

import pytest

from zerodisturb.scorecards.choices import ExitStatus
from zerodisturb.scorecards.models import ExitCase
from zerodisturb.scorecards.services import assess_providers
from zerodisturb.scorecards.tests.scenario import evaluations, moment
from zerodisturb.testing.assertions import assert_error_body


def refused(response, status: int, code: str = "invalid") -> None:
    assert response.status_code == status, response.content
    assert_error_body(response, code)


@pytest.fixture
def proposed(visit_world):
    evaluations(visit_world, {3: 20}, moment(2026, 6, 10))
    assess_providers(moment(2026, 7, 1))
    assess_providers(moment(2026, 8, 1))
    return ExitCase.objects.get()


def test_supervisor_lists_every_provider_with_badges(api_as, proposed, visit_world):
    body = api_as("supervisor").get("/api/v1/scorecards?sort=-bad").json()
    names = [row["name"] for row in body["items"]]
    county = visit_world.county
    assert county.orgs["provider"].name in names and county.orgs["other_provider"].name in names
    mine = next(r for r in body["items"] if r["id"] == county.orgs["provider"].pk)
    assert mine["badge"] == "拟退出"
    assert mine["exit_case_id"] == proposed.pk
    assert mine["figures"]["satisfaction_rate"] == "0.00"
    agencies = api_as("oversight").get("/api/v1/scorecards?kind=agency").json()["items"]
    assert {r["kind"] for r in agencies} == {"agency"}


def test_provider_sees_only_itself(api_as, visit_world):
    items = api_as("provider_admin").get("/api/v1/scorecards").json()["items"]
    assert [r["id"] for r in items] == [visit_world.county.orgs["provider"].pk]
    other = visit_world.county.orgs["other_provider"].pk
    response = api_as("provider_admin").get(f"/api/v1/scorecards/{other}")
    refused(response, 404, "not_found")


def test_reply_and_confirm_through_the_api(api_as, proposed):
    url = f"/api/v1/scorecards/exit-cases/{proposed.pk}"
    refused(api_as("provider_admin").post(f"{url}/reply", {}, "application/json"), 422)
    reply = api_as("provider_admin").post(
        f"{url}/reply", {"text": "<script>alert(1)</script>"}, "application/json"
    )
    assert reply.status_code == 200
    assert reply.json()["provider_reply"] == "<script>alert(1)</script>"
    denied = api_as("provider_admin").post(f"{url}/confirm", {"reason": "x"}, "application/json")
    refused(denied, 403, "forbidden")
    empty = api_as("supervisor").post(f"{url}/confirm", {"reason": ""}, "application/json")
    refused(empty, 422)
    done = api_as("supervisor").post(f"{url}/confirm", {"reason": "期满未达标"}, "application/json")
    assert done.json()["status"] == ExitStatus.EXITED
    again = api_as("supervisor").post(f"{url}/reject", {"reason": "x"}, "application/json")
    refused(again, 422)


def test_huge_reply_refused(api_as, proposed):
    url = f"/api/v1/scorecards/exit-cases/{proposed.pk}/reply"
    response = api_as("provider_admin").post(url, {"text": "字" * 10_000}, "application/json")
    refused(response, 422)


def test_thresholds_read_and_write(api_as):
    assert api_as("supervisor").get("/api/v1/scorecards/thresholds").json()[
        "exit_satisfaction_min"
    ] in ("85", "85.00")
    bad = api_as("supervisor").put(
        "/api/v1/scorecards/thresholds", {"exit_satisfaction_min": "101"}, "application/json"
    )
    refused(bad, 422)
    ok = api_as("supervisor").put(
        "/api/v1/scorecards/thresholds",
        {"exit_satisfaction_min": "88.5", "exit_min_evaluations": "30"},
        "application/json",
    )
    assert ok.json()["exit_satisfaction_min"] == "88.50"
    assert ok.json()["exit_min_evaluations"] == 30
    denied = api_as("oversight").put(
        "/api/v1/scorecards/thresholds", {"exit_min_evaluations": "1"}, "application/json"
    )
    refused(denied, 403, "forbidden")
