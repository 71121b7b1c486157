"""Account actions: creating users, login failures and lockout, API tokens. Each writes its audit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zerodisturb.accounts.models import ApiToken, User
from zerodisturb.audit.services import record_event
from zerodisturb.roles import KIND_LABELS, ROLE_ORGANISATION, Role

TOKEN_PREFIX = "zd_"


def check_role_fits(role: str, organisation) -> None:
    if role not in Role.values:
        raise ValidationError({"role": f"未知角色“{role}”"})
    kind, capability = ROLE_ORGANISATION[Role(role)]
    if organisation is None or organisation.kind != kind:
        raise ValidationError(
            {"organisation": f"角色“{Role(role).label}”须属于{KIND_LABELS[kind]}类单位"}
        )
    if capability and not getattr(organisation, capability):
        raise ValidationError({"organisation": f"单位“{organisation}”不具备该角色所需职能"})


@transaction.atomic
def create_user(
    actor,
    *,
    username: str,
    password: str,
    role: str,
    organisation,
    display_name: str = "",
    person=None,
    is_staff: bool = False,
) -> User:
    check_role_fits(role, organisation)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已被使用"})
    user = User(
        username=username,
        role=role,
        organisation=organisation,
        display_name=display_name,
        person=person,
        is_staff=is_staff or role == Role.SYSTEM_ADMIN,
        is_superuser=role == Role.SYSTEM_ADMIN,
    )
    user.set_password(password)
    user.save()
    record_event(
        actor,
        "account.create",
        user,
        {"role": role, "organisation": organisation.pk},
        object_number=username,
    )
    return user


def _lock_threshold() -> int:
    return settings.LOGIN_FAILURE_LIMIT


@transaction.atomic
def record_login_failure(user: User) -> User:
    """Count a failed password; at the limit the account is locked for a while."""
    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    user.refresh_from_db(fields=["failed_logins", "locked_until"])
    if user.failed_logins >= _lock_threshold() and not user.is_locked():
        until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        User.objects.filter(pk=user.pk).update(locked_until=until, failed_logins=0)
        user.locked_until = until
        record_event(None, "account.lock", user, {"until": until.isoformat()})
    return user


def record_login_success(user: User) -> None:
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)


@transaction.atomic
def unlock_user(actor, user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    record_event(actor, "account.unlock", user)


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii")).hexdigest()


@transaction.atomic
def issue_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its plain value, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写令牌用途"})
    if len(name) > 60:
        raise ValidationError({"name": "令牌用途不能超过 60 个字"})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:10], key_hash=_hash_token(raw)
    )
    record_event(user, "api_token.issue", token, {"name": name}, object_number=token.prefix)
    return token, raw


@transaction.atomic
def revoke_api_token(actor: User, token: ApiToken) -> None:
    if token.revoked_at:
        return
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record_event(actor, "api_token.revoke", token, object_number=token.prefix)


def user_for_token(raw: str) -> User | None:
    if not raw or not raw.isascii() or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(key_hash=_hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
