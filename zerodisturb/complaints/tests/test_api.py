"""The complaint API: list and detail within one's scope, filing, acting; errors in the one shape."""

import pytest
from django.test import Client

from zerodisturb.testing.assertions import assert_error_body

pytestmark = pytest.mark.django_db
URL = "/api/v1/complaints"


def api(user):
    c = Client()
    c.force_login(user)
    return c


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_file_list_get_and_act(complaint_world):
    w = complaint_world
    ent = api(w.enterprise_user)
    created = post(ent, URL, {"category": "attitude", "text": "态度差", "visit": w.visit.pk})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["routed_to"]["id"] == w.orgs["agency"].pk
    assert body["provider"]["id"] == w.orgs["provider"].pk
    cid = body["id"]

    officer = api(w.officer)
    listing = officer.get(URL + "?status=received").json()
    assert listing["count"] == 1 and listing["items"][0]["number"] == body["number"]
    detail = officer.get(f"{URL}/{cid}").json()
    assert detail["actions"] == ["acknowledge"]
    assert detail["complainant"]["enterprise"] == w.orgs["enterprise"].name

    acted = post(officer, f"{URL}/{cid}/actions/acknowledge")
    assert acted.status_code == 200 and acted.json()["status"] == "acknowledged"

    provider = api(w.provider_admin).get(f"{URL}/{cid}").json()
    assert provider["complainant"] == {
        "shown": False,
        "channel": "企业",
        "enterprise": "",
        "name": "",
        "phone": "",
    }


def test_refusals_in_one_shape(complaint_world):
    w = complaint_world
    c = w.complain()
    other = post(api(w.other_officer), f"{URL}/{c.pk}/actions/acknowledge")
    assert other.status_code == 404
    assert_error_body(other, "not_found")
    decide = post(
        api(w.provider_admin), f"{URL}/{c.pk}/actions/decide", {"substantiated": False, "note": "x"}
    )
    assert decide.status_code == 403
    assert_error_body(decide, "forbidden")
    empty = post(api(w.enterprise_user), URL, {"category": "attitude", "text": ""})
    assert empty.status_code == 422 and "text" in empty.json()["error"]["fields"]
    unknown = post(api(w.officer), f"{URL}/{c.pk}/actions/explode")
    assert unknown.status_code == 404


def test_rating_six_is_refused(complaint_world):
    w = complaint_world
    c = w.handled(w.complain())
    response = post(api(w.enterprise_user), f"{URL}/{c.pk}/actions/rate", {"rating": 6})
    assert response.status_code == 422
    assert "rating" in response.json()["error"]["fields"]


def test_officer_cannot_file_and_anonymous_gets_401(complaint_world):
    w = complaint_world
    refused = post(api(w.officer), URL, {"category": "attitude", "text": "x"})
    assert refused.status_code == 403
    assert Client().get(URL).status_code == 401
