"""Faults: the deadlines worker is killed (SIGKILL) in the middle of a run.

Hundreds of public complaints have let every clock run out. The worker claims and escalates each
one in its own transaction (zerodisturb/once.py), so the kill leaves each complaint either fully
escalated (claim, file entry, audit event, notifications) or untouched; the next run handles the
rest, and every complaint ends with exactly one escalation per clock. Throwaway SQLite file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from zerodisturb.testing import faults

COMPLAINTS = 400
CLOCKS = {  # claim column → (clock in the notification key, reason written in the file)
    "ack_overdue_at": ("ack", "超期未受理"),
    "reply_overdue_at": ("reply", "超期未首次答复"),
    "close_overdue_at": ("close", "超期未办结"),
}


@pytest.fixture
def var_dir(tmp_path_factory, tmp_path) -> Path:
    template = tmp_path_factory.getbasetemp() / "deadlines-migrated"
    if not template.exists():
        template.mkdir()
        faults.manage(template, "migrate", "--noinput", "-v0")
    return Path(shutil.copytree(template, tmp_path / "var"))


def claimed(var_dir, column: str) -> set[int]:
    rows = faults.query(var_dir, f"SELECT id FROM complaints_complaint WHERE {column} IS NOT NULL")
    return {pk for (pk,) in rows}


def escalations(var_dir, reason: str) -> dict[int, int]:
    rows = faults.query(
        var_dir,
        "SELECT complaint_id, count(*) FROM complaints_complaintentry"
        " WHERE kind = 'escalated' AND text = ? GROUP BY complaint_id",
        reason,
    )
    return dict(rows)


def notified(var_dir, clock: str) -> set[int]:
    rows = faults.query(
        var_dir,
        "SELECT DISTINCT dedupe_key FROM notifications_notification WHERE dedupe_key LIKE ?",
        f"complaint:%:escalated:{clock}",
    )
    return {int(key.split(":")[1]) for (key,) in rows}


def escalate_events(var_dir) -> int:
    return faults.query(
        var_dir, "SELECT count(*) FROM audit_auditevent WHERE action = 'complaint.escalate'"
    )[0][0]


def assert_each_claimed_row_handled_once(var_dir) -> int:
    handled = 0
    for column, (clock, reason) in CLOCKS.items():
        rows = claimed(var_dir, column)
        entries = escalations(var_dir, reason)
        assert set(entries) == rows, column  # claimed ⇔ escalated: no half-done complaint
        assert set(entries.values()) <= {1}, column
        assert notified(var_dir, clock) == rows
        handled += len(rows)
    assert escalate_events(var_dir) == handled
    return handled


def test_killing_the_deadlines_worker_mid_run_then_the_next_run_finishes_each_row_once(
    var_dir, tmp_path
):
    assert faults.helper(var_dir, "setup-complaints", str(COMPLAINTS)) == {"complaints": COMPLAINTS}
    worker = faults.start(
        var_dir, [faults.PYTHON, "manage.py", "run_deadlines"], tmp_path / "deadlines.log"
    )
    try:
        faults.wait_until(
            lambda: 0 < len(claimed(var_dir, "ack_overdue_at")) < COMPLAINTS,
            timeout=180,
            what="the worker half-way through the overdue complaints",
            proc=worker,
        )
        faults.kill_hard(worker)
    finally:
        faults.stop(worker)

    partly = assert_each_claimed_row_handled_once(var_dir)
    assert 0 < partly < COMPLAINTS * len(CLOCKS)

    faults.manage(var_dir, "run_deadlines")
    assert assert_each_claimed_row_handled_once(var_dir) == COMPLAINTS * len(CLOCKS)
    faults.manage(var_dir, "run_deadlines")  # and once more: nothing new
    assert assert_each_claimed_row_handled_once(var_dir) == COMPLAINTS * len(CLOCKS)
    faults.manage(var_dir, "verify_audit")  # exits non-zero on a broken hash chain
