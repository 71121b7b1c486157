"""scripts/backup.sh: dump, restore into a new database, verify_audit green and row counts equal —
and the check fails when the restored copy differs (a tampered audit event, a missing row)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection, transaction

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "backup.sh"

# Writes a small county with audit events into whatever DATABASE_URL points at.
FILL = """
import django; django.setup()
from django.db import transaction
from zerodisturb.audit.services import record_event
from zerodisturb.conftest import build_county
with transaction.atomic():
    county = build_county()
    for org in county.orgs.values():
        record_event(None, "backup.test", org, {"name": org.name})
"""


def _env(database_url: str, var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="zerodisturb.settings",
        DATABASE_URL=database_url,
        ZD_VAR_DIR=str(var_dir),
        ZD_SECRETS_FILE=str(var_dir / "secrets.json"),
        PY=sys.executable,
    )
    return env


def _run(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def _backup(*args, env) -> subprocess.CompletedProcess:
    return _run("bash", SCRIPT, *args, env=env)


def test_sqlite_dump_restore_check_and_a_tampered_copy_fails(tmp_path):
    source = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    env = _env(source, tmp_path)
    assert _run(sys.executable, "manage.py", "migrate", "-v0", env=env).returncode == 0
    filled = _run(sys.executable, "-c", FILL, env=env)
    assert filled.returncode == 0, filled.stderr

    dump = tmp_path / "backup.sqlite3"
    assert _backup("dump", dump, env=env).returncode == 0
    target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    restored = _backup("restore", dump, target, env=env)
    assert restored.returncode == 0, restored.stderr
    checked = _backup("check", target, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "行数一致" in checked.stdout

    # Restoring over an existing database is refused, and leaves it as it was.
    again = _backup("restore", dump, target, env=env)
    assert again.returncode != 0 and "已存在" in again.stderr

    # A restored copy whose audit trail was altered fails the check (SQLite has no trigger).
    with sqlite3.connect(tmp_path / "restored.sqlite3") as db:
        db.execute("UPDATE audit_auditevent SET payload = '{}' WHERE seq = 2")
    tampered = _backup("check", target, env=env)
    assert tampered.returncode != 0

    # So does a copy that lost rows.
    other = f"sqlite:///{tmp_path / 'short.sqlite3'}"
    assert _backup("restore", dump, other, env=env).returncode == 0
    with sqlite3.connect(tmp_path / "short.sqlite3") as db:
        db.execute("DELETE FROM notifications_notification")
        db.execute("DELETE FROM registry_person WHERE id = (SELECT MAX(id) FROM registry_person)")
    short = _backup("check", other, env=env)
    assert short.returncode != 0 and "行数不一致" in short.stderr


@pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""), reason="PostgreSQL pass of the CI only"
)
@pytest.mark.django_db(transaction=True)
def test_postgresql_dump_restore_into_a_new_database_and_check(tmp_path):
    from zerodisturb.audit.services import record_event
    from zerodisturb.conftest import build_county

    with transaction.atomic():
        county = build_county()
        for org in county.orgs.values():
            record_event(None, "backup.test", org, {"name": org.name})
    settings = connection.settings_dict
    base = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    source = f"{base}/{settings['NAME']}"
    name = f"zd_restore_{uuid.uuid4().hex[:8]}"
    target = f"{base}/{name}"
    env = _env(source, tmp_path)
    try:
        dump = tmp_path / "backup.dump"
        dumped = _backup("dump", dump, env=env)
        assert dumped.returncode == 0, dumped.stderr
        restored = _backup("restore", dump, target, env=env)
        assert restored.returncode == 0, restored.stderr
        checked = _backup("check", target, env=env)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "行数一致" in checked.stdout
        again = _backup("restore", dump, target, env=env)
        assert again.returncode != 0 and "已存在" in again.stderr
    finally:
        _run("psql", f"{base}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{name}"', env=env)
