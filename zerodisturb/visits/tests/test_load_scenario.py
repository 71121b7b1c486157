"""The load scenario of bench/load.py at CI size: a few users against gunicorn for a few seconds.

Behaviour only, never timing: no failed request, no 5xx, one check-in per visit however many
users scanned its code, and one scan-log row per scan sent (the script checks the database and
exits 1 otherwise). The script uses its own throwaway SQLite database, not the test database.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_load_scenario_logs_every_scan_and_checks_in_once(tmp_path):
    figures = tmp_path / "load.json"
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load.py"),
            "--users=6",
            "--supervisors=1",
            "--seconds=2.5",
            "--ratio-seconds=1",
            "--rounds=1",
            "--visits=40",
            "--enterprises=5",
            "--workers=1",
            "--threads=4",
            f"--json={figures}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(figures.read_text())
    assert result["problems"] == []
    by = {row["endpoint"]: row for row in result["scenario"]}
    assert by["scan"]["requests"] > 0 and by["check-in"]["requests"] > 0
    assert by["dashboard"]["requests"] > 0 and by["kpis"]["requests"] > 0
    assert all(row["errors"] == 0 for row in result["scenario"] + result["ratio_rounds"])
    assert result["visits_checked_in"] > 0
