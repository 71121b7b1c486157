"""The load scenario of bench/load.py at CI size: a few users against gunicorn for a few seconds.

Behaviour only, never timing: no failed request, no 5xx, one check-in per visit however many users
confirmed it and in whichever phase, and one scan-log row per scan sent (the script checks the
database after gunicorn has stopped and exits 1 otherwise). Every phase runs for a fraction of a
second: the paced warm-up and scenario (their people wait ~0 s here), saturation, one step of the
step search and the ratio rounds (scan, bare view and the floor yardstick). Most of the test's time
is the migration and gunicorn's start. The script uses its own throwaway SQLite database, not the
test database.
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
            "--seconds=1.5",
            "--think=0,0.005",
            "--warmup-seconds=0.3",
            "--saturation-seconds=0.5",
            "--steps=2",
            "--step-seconds=0.3",
            "--ratio-seconds=0.6",
            "--rounds=1",
            "--visits=60",
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
    paced = {row["endpoint"]: row for row in result["scenario"]}
    assert paced["scan"]["requests"] > 0 and paced["check-in"]["requests"] > 0
    assert paced["dashboard"]["requests"] > 0
    assert result["visits_checked_in_paced"] > 0
    saturated = {row["endpoint"]: row for row in result["saturation"]}
    assert saturated["scan"]["requests"] > 0 and result["capacity"]["rps"] > 0
    rows = result["scenario"] + result["saturation"] + result["ratio_rounds"]
    assert all(row["errors"] == 0 for row in rows)
    rounds = {row["endpoint"]: row for row in result["ratio_rounds"]}
    assert all(rounds[name]["requests"] > 0 for name in ("scan", "bare", "floor"))
    assert result["ratio"] > 0 and result["floor_ratio"] > 0
    assert result["visits_checked_in"] >= result["visits_checked_in_paced"]


def test_the_first_scan_benchmark_scans_every_visit_valid(tmp_path):
    """bench/first_scan.py at CI size: it exits 1 when any scan is refused."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "first_scan.py"), "--visits=5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "database: sqlite; 5 visits" in run.stdout
    assert "first scan of a visit: CPU" in run.stdout and "repeat scan:" in run.stdout
