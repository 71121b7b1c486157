"""The web and API shell: health check, language, one error format, pagination, deploy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["X-Request-ID"]


def test_home_is_chinese_by_default_and_english_on_request(county, as_role):
    client = as_role("supervisor")
    page = client.get("/").content.decode()
    assert "我的待办" in page and 'lang="zh-hans"' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert 'lang="en"' in page


def test_anonymous_pages_redirect_to_login(db):
    response = Client().get("/registry/organisations/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_api_errors_have_one_shape(county, api_as):
    anonymous = Client().get("/api/v1/registry/organisations")
    assert anonymous.status_code == 401
    assert set(anonymous.json()["error"]) == {"code", "message", "fields"}
    api = api_as("supervisor")
    bad_query = api.get("/api/v1/registry/organisations?page=0")
    assert bad_query.status_code == 422
    assert "page" in bad_query.json()["error"]["fields"]
    missing = api.get("/api/v1/registry/organisations/999999")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    bad_body = api.post(
        "/api/v1/registry/enterprises", {"name": "x"}, content_type="application/json"
    )
    assert bad_body.status_code == 422
    assert "credit_code" in bad_body.json()["error"]["fields"]


def test_api_refuses_invalid_enterprise_with_the_field_named_and_stores_nothing(county, api_as):
    from zerodisturb.registry.models import Organisation

    api = api_as("supervisor")
    before = Organisation.objects.count()
    body = {
        "name": "慈溪市新企业有限公司",
        "credit_code": "91330282MA2AB1234I",
        "locality": county.town.name,
        "sector": "家电制造",
    }
    response = api.post("/api/v1/registry/enterprises", body, content_type="application/json")
    assert response.status_code == 422
    error = response.json()["error"]
    assert "credit_code" in error["fields"] and "不是允许的字符" in error["message"]
    assert Organisation.objects.count() == before


def test_api_registers_then_updates_an_enterprise(county, api_as):
    import random

    from zerodisturb.demo.codes import credit_code

    api = api_as("supervisor")
    body = {
        "name": "慈溪市新企业有限公司",
        "credit_code": credit_code(random.Random(3), "330282"),
        "locality": county.town.name,
        "sector": "家电制造",
        "contact_phone": "13812345678",
    }
    created = api.post("/api/v1/registry/enterprises", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["contact_phone"] == "13812345678"  # supervisors see it in full
    body["name"] = "慈溪市新企业（集团）有限公司"
    updated = api.post("/api/v1/registry/enterprises", body, content_type="application/json")
    assert updated.status_code == 200 and updated.json()["id"] == created.json()["id"]


def test_lists_are_paginated_with_totals(county, api_as):
    body = api_as("supervisor").get("/api/v1/registry/organisations?page_size=3").json()
    assert body["count"] >= 10 and len(body["items"]) == 3
    assert body["page"] == 1 and body["page_size"] == 3


def test_openapi_schema_is_served(db):
    schema = Client().get("/api/openapi.json").json()
    assert "/api/v1/registry/organisations" in schema["paths"]
    assert "BearerAuth" in str(schema["components"]) or "TokenAuth" in str(schema["components"])


def _manage(*args, env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    if "ZD_VAR_DIR" in env_extra and "ZD_SECRETS_FILE" not in env_extra:
        # The test's own secrets, not the checkout's file (xdist workers would race to create it).
        env_extra = {**env_extra, "ZD_SECRETS_FILE": f"{env_extra['ZD_VAR_DIR']}/secrets.json"}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DJANGO_SETTINGS_MODULE": "zerodisturb.settings",
            "SECRET_KEY": "x" * 30 + "-production-secret-key-with-enough-entropy-0123456789",
            "ZD_HTTPS": "true",
            "ALLOWED_HOSTS": "zrq.example.gov.cn",
            "ZD_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_secret_key_is_generated_once_into_an_ignored_file(tmp_path):
    secrets_file = tmp_path / "secrets.json"
    env = {
        "DJANGO_SETTINGS_MODULE": "zerodisturb.settings",
        "ZD_SECRETS_FILE": str(secrets_file),
        "ZD_VAR_DIR": str(tmp_path),
    }
    first = _manage(
        "shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", env_extra=env
    )
    second = _manage(
        "shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", env_extra=env
    )
    assert first.returncode == 0, first.stderr
    key = first.stdout.splitlines()[-1]
    assert key == second.stdout.splitlines()[-1] and len(key) >= 50
    assert ".local-secrets.json" in (ROOT / ".gitignore").read_text()


def test_debug_is_off_unless_asked(tmp_path):
    code = "from django.conf import settings; print(settings.DEBUG)"
    env = {"DJANGO_SETTINGS_MODULE": "zerodisturb.settings", "ZD_VAR_DIR": str(tmp_path)}
    assert _manage("shell", "-c", code, env_extra=env).stdout.splitlines()[-1] == "False"
    env["DJANGO_DEBUG"] = "true"
    assert _manage("shell", "-c", code, env_extra=env).stdout.splitlines()[-1] == "True"


def test_browser_language_does_not_override_chinese_first(county, as_role):
    client = as_role("enterprise")
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert 'lang="zh-hans"' in page and "我的待办" in page
    assert "English" in page  # the switch names each language in itself


def test_numbers_too_large_for_the_database_are_refused_not_500(county, api_as):
    api = api_as("supervisor")
    response = api.get(f"/api/v1/registry/organisations/{10**25}")
    assert response.status_code in (404, 422)
    assert response.json()["error"]["code"] in ("not_found", "invalid")
