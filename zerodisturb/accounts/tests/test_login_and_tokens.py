"""Login lockout after repeated failures, API tokens, and roles that fit their organisation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.utils import timezone

from zerodisturb.accounts.models import ApiToken, User
from zerodisturb.accounts.services import create_user, issue_api_token, revoke_api_token
from zerodisturb.audit.models import AuditEvent
from zerodisturb.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account(county, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    user = county.users["agency_officer"]
    client = Client()
    for _ in range(4):
        page = _login(client, user.username, "wrong").content.decode()
        assert "用户名或密码错误" in page
    response = _login(client, user.username, "wrong")
    assert "临时锁定" in response.content.decode()
    user.refresh_from_db()
    assert user.is_locked()
    assert AuditEvent.objects.filter(action="account.lock", object_id=str(user.pk)).exists()
    # The right password does not get in while locked.
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 200 and "临时锁定" in response.content.decode()
    # After the lock expires it does.
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.failed_logins == 0


def test_success_resets_the_failure_count(county):
    user = county.users["enterprise"]
    client = Client()
    _login(client, user.username, "wrong")
    _login(client, user.username, "wrong")
    assert _login(client, user.username, PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.failed_logins == 0 and not user.is_locked()


def test_unknown_user_gets_the_same_message(db):
    page = _login(Client(), "nobody", "x").content.decode()
    assert "用户名或密码错误" in page


def test_token_is_shown_once_stored_hashed_and_revocable(county):
    user = county.users["supervisor"]
    client = Client()
    client.force_login(user)
    page = client.post("/accounts/tokens/", {"name": "报表脚本"}).content.decode()
    token = ApiToken.objects.get(user=user)
    raw = page.split('id="new-token">')[1].split("<")[0]
    assert raw.startswith("zd_") and raw not in token.key_hash
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get("/api/v1/me").json()["username"] == user.username
    with transaction.atomic():
        revoke_api_token(user, token)
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_token_needs_a_name(county):
    with pytest.raises(ValidationError), transaction.atomic():
        issue_api_token(county.users["supervisor"], "  ")
    page = Client()
    page.force_login(county.users["supervisor"])
    assert "这个字段是必填项" in page.post("/accounts/tokens/", {"name": ""}).content.decode()
    assert ApiToken.objects.count() == 0


def test_garbage_tokens_are_refused(db):
    for header in ("Bearer zd_nope", "Bearer ", "Basic abc", "Bearer " + "x" * 5000):
        response = Client(headers={"Authorization": header}).get("/api/v1/me")
        assert response.status_code == 401


def test_role_must_fit_the_organisation(county):
    admin = county.users["system_admin"]
    with pytest.raises(ValidationError, match="须属于企业类单位"), transaction.atomic():
        create_user(
            admin,
            username="x1",
            password="Abcdef!23456",
            role="enterprise",
            organisation=county.orgs["provider"],
        )
    with pytest.raises(ValidationError, match="不具备"), transaction.atomic():
        create_user(
            admin,
            username="x2",
            password="Abcdef!23456",
            role="supervisor",
            organisation=county.orgs["agency"],
        )
    with transaction.atomic():
        user = create_user(
            admin,
            username="x3",
            password="Abcdef!23456",
            role="agency_officer",
            organisation=county.orgs["agency"],
        )
    assert AuditEvent.objects.filter(action="account.create", object_id=str(user.pk)).exists()
