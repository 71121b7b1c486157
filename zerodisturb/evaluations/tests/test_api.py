"""The evaluations API: submit, refuse duplicates and bad input with field messages, amend, the
rectification steps, and the pending list."""

from __future__ import annotations

import pytest

from zerodisturb.evaluations.models import Evaluation, Rectification
from zerodisturb.evaluations.tests.conftest import BAD, GOOD
from zerodisturb.testing.assertions import assert_error_body

pytestmark = pytest.mark.django_db
URL = "/api/v1/evaluations"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_the_enterprise_rates_through_the_api(rated_world, api_as):
    client = api_as("enterprise")
    pending = client.get(f"{URL}/pending").json()
    assert [v["id"] for v in pending] == [rated_world.visit.pk]
    response = post(client, URL, {"visit": rated_world.visit.pk, **GOOD})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["level"] == 4 and body["level_label"] == "满意"
    assert client.get(f"{URL}/pending").json() == []

    again = post(client, URL, {"visit": rated_world.visit.pk, **GOOD})
    assert again.status_code == 422
    assert "已经评价过" in again.json()["error"]["fields"]["visit"][0]
    assert Evaluation.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"level": 6}, "level"), ({"level": 2, "text": ""}, "text"), ({"burden": 0}, "burden")],
)
def test_bad_input_is_refused_with_the_field_named(rated_world, api_as, overrides, field):
    response = post(api_as("enterprise"), URL, {"visit": rated_world.visit.pk, **GOOD, **overrides})
    assert response.status_code == 422
    assert_error_body(response, "invalid")
    message = response.json()["error"]["fields"][field][0]
    assert message.split("：")[0] in ("总体评价", "具体意见", "企业负担")
    assert not Evaluation.objects.exists()


def test_a_huge_text_is_refused_cleanly(rated_world, api_as):
    response = post(
        api_as("enterprise"),
        URL,
        {"visit": rated_world.visit.pk, **GOOD, "text": "长" * 200_000},
    )
    assert response.status_code in (400, 413, 422)
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("role", ["provider_admin", "agency_officer", "provider_staff"])
def test_others_cannot_rate(rated_world, api_as, role):
    response = post(api_as(role), URL, {"visit": rated_world.visit.pk, **GOOD})
    assert response.status_code in (403, 404)
    assert not Evaluation.objects.exists()


def test_amend_through_the_api(rated_world, api_as):
    client = api_as("enterprise")
    evaluation_id = post(client, URL, {"visit": rated_world.visit.pk, **GOOD}).json()["id"]
    response = post(client, f"{URL}/{evaluation_id}/amend", {**GOOD, "level": 5, "attitude": 5})
    assert response.status_code == 200, response.content
    assert response.json()["level"] == 5 and response.json()["amended_at"]


def test_the_rectification_loop_through_the_api(rated_world, api_as):
    enterprise = api_as("enterprise")
    post(enterprise, URL, {"visit": rated_world.visit.pk, **BAD})
    ticket = Rectification.objects.get()
    base = f"{URL}/rectifications/{ticket.pk}"

    provider = api_as("provider_admin")
    assert post(provider, f"{base}/answer", {"cause": "", "measures": "x"}).status_code == 422
    answered = post(provider, f"{base}/answer", {"cause": "沟通不当", "measures": "培训"})
    assert answered.json()["status"] == "answered"
    assert post(provider, f"{base}/callback", {"result": "回访"}).status_code == 403

    agency = api_as("agency_officer")
    called = post(agency, f"{base}/callback", {"result": "企业表示认可"})
    assert called.json()["status"] == "called_back"

    disputed = post(enterprise, f"{base}/dispute", {"reason": "整改措施没有落实"})
    assert disputed.json()["status"] == "escalated"
    assert post(enterprise, f"{base}/accept", {}).status_code == 422

    decided = post(api_as("supervisor"), f"{base}/decide", {"decision": "约谈机构负责人"})
    assert decided.json()["status"] == "closed" and decided.json()["completed_at"]
    listed = provider.get(f"{URL}/rectifications?status=closed").json()
    assert listed["count"] == 1 and listed["items"][0]["callback_result"] is None
