"""Security settings a user never sees but an attacker does: CSP, HSTS, cookies, session expiry,
rate limits on sign-in (the public verification and complaint forms have their own tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from zerodisturb.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/verify/", "/api/openapi.json"])
def test_every_response_carries_the_content_security_policy(path):
    response = Client().get(path, follow=False)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-eval" not in csp
    assert "camera=()" in response["Permissions-Policy"]


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_on_https_requests():
    response = Client().get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def _production_settings(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="zerodisturb.settings",
        SECRET_KEY="x" * 30 + "-production-secret-key-with-enough-entropy-0123456789",
        ZD_HTTPS="true",
        ALLOWED_HOSTS="zrq.example.gov.cn",
        ZD_SECRETS_FILE=str(tmp_path / "secrets.json"),
        ZD_VAR_DIR=str(tmp_path),
    )
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ('SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SECURE_SSL_REDIRECT', "
        "'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_AGE', 'DEBUG', 'X_FRAME_OPTIONS')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_use_secure_cookies_hsts_and_a_working_day_session(tmp_path):
    values = _production_settings(tmp_path)
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SESSION_COOKIE_AGE"] == 8 * 3600
    assert values["DEBUG"] is False and values["X_FRAME_OPTIONS"] == "DENY"


def test_a_session_expires_after_a_working_day(county):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": county.users["supervisor"].username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.get_expiry_age() == 8 * 3600
    assert client.cookies["sessionid"]["httponly"]


@override_settings(RATE_LIMIT_LOGIN=3)
def test_sign_in_attempts_are_rate_limited_per_address(county):
    client = Client()
    user = county.users["agency_officer"].username
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": user, "password": "wrong"})
        assert response.status_code == 200
    refused = client.post("/accounts/login/", {"username": user, "password": PASSWORD})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "登录尝试过于频繁" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    ok = other.post("/accounts/login/", {"username": user, "password": PASSWORD})
    assert ok.status_code == 302


@override_settings(HTTPS=True)
def test_rate_limit_key_trusts_only_the_address_our_proxy_appended(rf):
    from zerodisturb.ratelimit import client_key

    def key(forwarded: str) -> str:
        return client_key(rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.1"))

    # A client inventing a new first entry each time still lands in its own bucket…
    assert key("1.1.1.1, 203.0.113.7") == key("2.2.2.2, 203.0.113.7") == key("203.0.113.7")
    # …and two real clients stay apart.
    assert key("203.0.113.7") != key("203.0.113.8")
