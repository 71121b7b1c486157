"""Typed readers for settings that come from environment variables, and the local secrets file.

Settings are read only from the environment; when a secret is not given, one is generated once into
an ignored local file so that a fresh clone runs without manual set-up.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def local_secret(name: str, secrets_file: Path, generate) -> str:
    """Return env var `name`, else the value kept in `secrets_file`, else generate and keep one."""
    given = os.environ.get(name)
    if given:
        return given
    stored: dict[str, str] = {}
    if secrets_file.exists():
        stored = json.loads(secrets_file.read_text(encoding="utf-8"))
    if name not in stored:
        stored[name] = generate()
        secrets_file.parent.mkdir(parents=True, exist_ok=True)
        secrets_file.write_text(json.dumps(stored, indent=2), encoding="utf-8")
        secrets_file.chmod(0o600)
    return stored[name]


def new_secret_key() -> str:
    return secrets.token_urlsafe(50)


def new_fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
