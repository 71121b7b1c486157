"""Fault tests' helpers: processes of the real app on a throwaway database, killed mid-work.

The parent (a pytest test) starts children with `child_env(var_dir)` — the production settings,
the database-backed task queue and a SQLite file in `var_dir` — and reads the file with sqlite3.
Children run `python -m zerodisturb.testing.faults COMMAND …` to set up data or finish work, or
the app's own commands (db_worker, run_deadlines, gunicorn).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def child_env(var_dir: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "ZD_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="zerodisturb.settings",
        ZD_VAR_DIR=str(var_dir),
        # The test's own secrets, not the checkout's file (xdist workers would race to create it).
        ZD_SECRETS_FILE=str(var_dir / "secrets.json"),
        ZD_TASK_BACKEND="django_tasks_db.DatabaseBackend",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(var_dir: Path, *args: str, timeout: float = 300, **extra: str) -> str:
    out = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=REPO,
        env=child_env(var_dir, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def helper(var_dir: Path, *args: str, timeout: float = 300, **extra: str) -> dict:
    """Run one command of this module in a child; its last output line is JSON."""
    out = subprocess.run(
        [PYTHON, "-m", "zerodisturb.testing.faults", *args],
        cwd=REPO,
        env=child_env(var_dir, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def start(var_dir: Path, argv: list[str], log: Path, **extra: str) -> subprocess.Popen:
    """A long-running child in its own process group (so SIGKILL takes its children too)."""
    return subprocess.Popen(
        argv,
        cwd=REPO,
        env=child_env(var_dir, **extra),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill_hard(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        kill_hard(proc)


def wait_until(condition: Callable[[], object], *, timeout: float, what: str, proc=None):
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds or as soon
    as `proc` (the child doing the work) has exited. Each pause is a wait on `proc` when given."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        if proc is not None:
            try:
                proc.wait(timeout=0.02)
            except subprocess.TimeoutExpired:
                continue
            raise AssertionError(f"{what}: the child exited ({proc.returncode}) first")
        time.sleep(0.02)  # pragma: no cover - polling interval, not a fixed wait
    raise AssertionError(f"timed out waiting for {what}")


def db(var_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(var_dir / "db.sqlite3", timeout=20)


def query(var_dir: Path, sql: str, *params):
    with db(var_dir) as conn:
        return conn.execute(sql, params).fetchall()


def write_lock_held(var_dir: Path) -> bool:
    """True while another connection holds SQLite's write lock (a write transaction is open)."""
    conn = sqlite3.connect(var_dir / "db.sqlite3", timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the child side -------------------------------------------------------------------------


def _setup_import(rows: str, var_dir: str, upload: str) -> dict:
    from django.db import transaction

    from zerodisturb.accounts.services import issue_api_token
    from zerodisturb.conftest import build_county
    from zerodisturb.registry.jobs import start_import
    from zerodisturb.registry.tests.workbooks import enterprise_rows, workbook_bytes

    with transaction.atomic():
        county = build_county()
        supervisor = county.users["supervisor"]
        _token, raw = issue_api_token(supervisor, "faults")
    data = workbook_bytes(enterprise_rows(int(rows), county.town.name, seed=int(rows)))
    path = Path(var_dir) / "big.xlsx"
    path.write_bytes(data)
    job = start_import(supervisor, "big.xlsx", data).pk if upload == "yes" else None
    return {"job": job, "token": raw, "county": county.code, "workbook": str(path)}


def _setup_county() -> dict:
    from django.db import transaction

    from zerodisturb.accounts.services import issue_api_token
    from zerodisturb.conftest import build_county

    with transaction.atomic():
        county = build_county()
        _token, raw = issue_api_token(county.users["supervisor"], "faults")
    return {"token": raw}


def _resume_imports() -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from zerodisturb.registry.jobs import IMPORT_LEASE, resume_stale_imports

    # As the deadlines worker would, once the dead worker's lease has run out.
    later = timezone.now() + IMPORT_LEASE + timedelta(seconds=1)
    return {"resumed": resume_stale_imports(later), "again": resume_stale_imports(later)}


def _setup_complaints(count: str) -> dict:
    from datetime import datetime

    from django.db import transaction

    from zerodisturb.complaints.intake import create_public_complaint
    from zerodisturb.conftest import build_county
    from zerodisturb.testing.commissioning import SHANGHAI

    received = datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)
    with transaction.atomic():
        county = build_county()
        ids = [
            create_public_complaint(
                county_code=county.code,
                phone="13812345678",
                text=f"有人自称第三方机构上门推销检测服务（第 {i} 件）。",
                now=received,
            ).pk
            for i in range(int(count))
        ]
    return {"complaints": len(ids)}


COMMANDS = {
    "setup-county": _setup_county,
    "setup-import": _setup_import,
    "resume-imports": _resume_imports,
    "setup-complaints": _setup_complaints,
}


def main(argv: list[str]) -> None:
    import django

    django.setup()
    print(json.dumps(COMMANDS[argv[0]](*argv[1:])))


if __name__ == "__main__":
    main(sys.argv[1:])
