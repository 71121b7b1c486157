"""The JSON scan is routed past ninja's dispatch (api.direct_get): every answer it gives — a valid
code, a refused one, a throttled client, a wrong method, a server error — is the one ninja's own
operation gives for the same request, and the OpenAPI document still describes it."""

from __future__ import annotations

import inspect
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import URLResolver, get_resolver, resolve

from zerodisturb.testing.commissioning import panel_fixture
from zerodisturb.visits import public_api
from zerodisturb.visits.models import ScanLog
from zerodisturb.visits.tests.api_world import V1, client, lead_side, plan_body

__all__ = ["panel_fixture"]


def ninja_view(path: str):
    """The operation as ninja routes it (what answers when the direct route is not there)."""
    api_include = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and str(p.pattern) == "api/"
    )
    return api_include.resolve(path.lstrip("/"))


def through_ninja(method: str, path: str):
    match = ninja_view(path)
    request = getattr(RequestFactory(), method)(path)
    request.user = AnonymousUser()
    return match.func(request, *match.args, **match.kwargs)


def same(direct, ninja) -> None:
    assert direct.status_code == ninja.status_code
    assert direct["Content-Type"] == ninja["Content-Type"]
    if direct.request["REQUEST_METHOD"] == "HEAD":
        return  # the test client drops a HEAD answer's body, RequestFactory does not
    if direct["Content-Type"].startswith("application/json"):
        assert json.loads(direct.content) == json.loads(ninja.content)
    else:
        assert direct.content == ninja.content


@pytest.fixture
def token(panel) -> str:
    side = lead_side(panel)
    officer = client(panel, side.officer)
    enterprise = panel.county.orgs["enterprise"]
    visit = officer.post(
        f"{V1}/visits", plan_body(side, enterprise), content_type="application/json"
    )
    assert visit.status_code == 201, visit.content
    code = client(panel, "provider_staff").get(f"{V1}/visits/{visit.json()['visit']['id']}/code")
    return code.json()["token"]


def test_the_scan_address_is_served_by_the_direct_route():
    match = resolve(f"{V1}/public/scan/abc")
    assert match.url_name == "scan_json" and inspect.unwrap(match.func) is public_api.scan_code
    assert "/api/v1/public/scan/{token}" in Client().get("/api/openapi.json").json()["paths"]


def test_a_valid_code_answers_as_through_ninja(token):
    path = f"{V1}/public/scan/{token}"
    ninja = through_ninja("get", path)
    direct = Client().get(path)
    same(direct, ninja)
    assert direct.json()["valid"] is True and direct.json()["staff"]
    assert ScanLog.objects.filter(valid=True).count() == 2  # both scans logged


@pytest.mark.parametrize("token", ["not-a-token", "eyJrIjoiMSJ9.QUJD", "x" * 500])
def test_a_refused_code_answers_as_through_ninja(db, token):
    path = f"{V1}/public/scan/{token}"
    same(Client().get(path), through_ninja("get", path))
    assert Client().get(path).json()["may_not"] == public_api.MAY_NOT


def test_a_throttled_client_answers_as_through_ninja(db, settings):
    settings.RATE_LIMIT_VERIFY = 1
    path = f"{V1}/public/scan/not-a-token"
    assert Client().get(path).status_code == 200
    ninja = through_ninja("get", path)  # the same address (127.0.0.1): over the limit
    direct = Client().get(path)
    same(direct, ninja)
    assert direct.status_code == 429 and direct.json()["error"]["code"] == "rate_limited"


@pytest.mark.parametrize("method", ["post", "put", "delete", "head"])
def test_other_methods_answer_as_through_ninja(db, method):
    path = f"{V1}/public/scan/not-a-token"
    direct = getattr(Client(), method)(path)
    same(direct, through_ninja(method, path))
    assert direct.status_code == 405 and direct["Allow"] == "GET"
    assert not ScanLog.objects.exists()


def test_a_server_error_answers_as_through_ninja(db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(public_api, "scan", broken)
    path = f"{V1}/public/scan/not-a-token"
    direct = Client(raise_request_exception=False).get(path)
    same(direct, through_ninja("get", path))
    assert direct.status_code == 500 and direct.json()["error"]["code"] == "internal"
