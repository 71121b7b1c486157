"""Faults: the process running a registry import is killed (SIGKILL) in the middle of writing.

The import writes all its rows in one transaction, so the killed run leaves none behind; its job
stays "running" with a heartbeat that no longer moves, and once the lease has run out the next
deadlines-worker run claims it and finishes it exactly once. Two ways to die are tried: the
task worker (db_worker, where imports run in production) and the web process (gunicorn with
the tasks run inside the request). Runs on a throwaway SQLite file whatever the test database.
"""

from __future__ import annotations

import shutil
import threading
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from zerodisturb.registry.jobs import IMPORT_LEASE, resume_stale_imports, run_import
from zerodisturb.registry.models import ImportJob, Organisation
from zerodisturb.registry.tests.workbooks import enterprise_rows, workbook_bytes
from zerodisturb.testing import faults

ROWS = 6000  # enough for the write transaction to stay open while we look


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    template = tmp_path_factory.mktemp("migrated")
    faults.manage(template, "migrate", "--noinput", "-v0")
    return template


@pytest.fixture
def var_dir(migrated, tmp_path) -> Path:
    """A copy of the migrated throwaway database (and its secret key) for one test."""
    return Path(shutil.copytree(migrated, tmp_path / "var"))


def job_row(var_dir, job_id):
    rows = faults.query(
        var_dir, "SELECT status, phase, done FROM registry_importjob WHERE id = ?", job_id
    )
    return rows[0] if rows else None


def enterprises(var_dir) -> int:
    return faults.query(var_dir, "SELECT count(*) FROM registry_organisation")[0][0]


def writing(var_dir, job_id) -> bool:
    """The import is inside its write transaction: phase 写入 reported, SQLite's lock held."""
    row = job_row(var_dir, job_id)
    return bool(
        row and row[0] == "running" and row[1] == "写入" and faults.write_lock_held(var_dir)
    )


def finish_after_crash(var_dir, job_id, before: int) -> None:
    # Killed inside the transaction: nothing of it was written, and the job is stuck running.
    assert enterprises(var_dir) == before
    assert job_row(var_dir, job_id)[0] == "running"
    # The next deadlines-worker run (after the lease) finishes it; a second one finds nothing.
    assert faults.helper(var_dir, "resume-imports") == {"resumed": 1, "again": 0}
    assert job_row(var_dir, job_id)[0] == "succeeded"
    assert enterprises(var_dir) == before + ROWS
    finished = faults.query(
        var_dir,
        "SELECT count(*) FROM audit_auditevent WHERE action = 'import.succeeded'",
    )[0][0]
    assert finished == 1


def test_killing_the_task_worker_mid_import_loses_nothing_and_the_job_finishes_once(
    var_dir, tmp_path
):
    setup = faults.helper(var_dir, "setup-import", str(ROWS), str(var_dir), "yes")
    job_id, before = setup["job"], enterprises(var_dir)
    worker = faults.start(
        var_dir,
        [faults.PYTHON, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1"],
        tmp_path / "worker.log",
    )
    try:
        faults.wait_until(
            lambda: writing(var_dir, job_id), timeout=180, what="the import writing", proc=worker
        )
        faults.kill_hard(worker)
    finally:
        faults.stop(worker)
    finish_after_crash(var_dir, job_id, before)


def test_killing_the_web_process_mid_import_loses_nothing_and_the_job_finishes_once(
    var_dir, tmp_path
):
    setup = faults.helper(var_dir, "setup-import", str(ROWS), str(var_dir), "no")
    before = enterprises(var_dir)
    port = faults.free_port()
    web = faults.start(
        var_dir,
        [
            faults.PYTHON, "-m", "gunicorn", "zerodisturb.wsgi",
            "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "300",
        ],
        tmp_path / "web.log",
        # The tasks run inside the request here, so the web process is the one importing.
        ZD_TASK_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )  # fmt: skip
    upload = threading.Thread(target=_upload, args=(port, setup), daemon=True)
    try:
        faults.wait_until(
            lambda: faults.listening(port), timeout=120, what="gunicorn listening", proc=web
        )
        upload.start()
        job_id = faults.wait_until(
            lambda: faults.query(var_dir, "SELECT max(id) FROM registry_importjob")[0][0],
            timeout=120,
            what="the upload's job",
            proc=web,
        )
        faults.wait_until(
            lambda: writing(var_dir, job_id), timeout=180, what="the import writing", proc=web
        )
        faults.kill_hard(web)
    finally:
        faults.stop(web)
    upload.join(timeout=30)
    finish_after_crash(var_dir, job_id, before)


def _upload(port: int, setup: dict) -> None:
    boundary = "zdfaultsboundary"
    data = Path(setup["workbook"]).read_bytes()
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.xlsx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/registry/imports",
        data=body,
        headers={
            "Authorization": f"Bearer {setup['token']}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    try:
        urllib.request.urlopen(request, timeout=300)
    except OSError:
        pass  # the server is killed under this request: no answer is expected


# The lease itself, in-process.


def _job(county, status, heartbeat_at):
    data = workbook_bytes(enterprise_rows(3, county.town.name, seed=3))
    return ImportJob.objects.create(
        county_code=county.code,
        created_by=county.users["supervisor"],
        filename="a.xlsx",
        sha256="x",
        content=data,
        status=status,
        heartbeat_at=heartbeat_at,
    )


def test_a_running_import_with_a_live_heartbeat_is_left_to_its_worker(county):
    now = timezone.now()
    job = _job(county, ImportJob.Status.RUNNING, now - timedelta(minutes=1))

    assert run_import(job.pk, now=now).status == ImportJob.Status.RUNNING
    assert resume_stale_imports(now) == 0
    assert not Organisation.objects.filter(name__startswith="慈溪市测试").exists()


def test_a_running_import_whose_worker_died_is_finished_once_by_the_deadlines_worker(county):
    from zerodisturb.deadlines.worker import JOBS

    now = timezone.now()
    job = _job(county, ImportJob.Status.RUNNING, now - IMPORT_LEASE - timedelta(seconds=1))

    assert JOBS["stale_imports"](now) == 1
    assert JOBS["stale_imports"](now) == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED
    assert Organisation.objects.filter(name__startswith="慈溪市测试").count() == 3
