"""Faults: PostgreSQL restarts (pg_ctl restart -m fast) while gunicorn is serving requests.

A throwaway PostgreSQL instance on a free loopback port (as in test_replica.py), the app migrated
onto it and served by gunicorn with persistent connections (CONN_MAX_AGE) and health checks;
four client threads keep asking for /api/v1/me and a registry list. Only requests in flight
while the server was down may fail; every request sent after it is back succeeds, without
restarting the app. Runs where PostgreSQL's server binaries are installed (the CI's PostgreSQL
pass); the machine's own PostgreSQL is never touched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from zerodisturb.testing import faults
from zerodisturb.web.tests.test_replica import _as_postgres, _pg_bin

CLIENTS = 4
PATHS = ("/api/v1/me", "/api/v1/registry/organisations?page_size=5")

pytestmark = pytest.mark.skipif(
    _pg_bin() is None or "postgres" not in os.environ.get("DATABASE_URL", ""),
    reason="needs PostgreSQL server binaries; runs in the CI's PostgreSQL pass",
)


class Load:
    """Client threads sending requests back to back, each outcome kept as (sent, done, ok)."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.outcomes: list[tuple[float, float, bool, str]] = []
        self.stopped = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(CLIENTS)]

    def _run(self, index: int) -> None:
        n = index
        while not self.stopped.is_set():
            path = PATHS[n % len(PATHS)]
            n += 1
            request = urllib.request.Request(
                f"http://127.0.0.1:{self.port}{path}",
                headers={"Authorization": f"Bearer {self.token}"},
            )
            sent = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    ok, what = response.status == 200, str(response.status)
            except urllib.error.HTTPError as exc:
                ok, what = False, str(exc.code)
            except OSError as exc:
                ok, what = False, type(exc).__name__
            self.outcomes.append((sent, time.monotonic(), ok, what))

    def successes_after(self, moment: float) -> int:
        return sum(1 for sent, _done, ok, _ in list(self.outcomes) if ok and sent > moment)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        for thread in self.threads:
            thread.join(timeout=60)


def test_a_postgresql_restart_fails_only_in_flight_requests_and_the_app_recovers(tmp_path):
    pg = _pg_bin()
    work = Path(tempfile.mkdtemp(prefix="zd-restart-"))
    data, port = work / "data", faults.free_port()
    if os.geteuid() == 0:
        shutil.chown(work, "postgres", "postgres")
    ctl = [str(pg / "pg_ctl"), "-D", str(data), "-w", "-l", str(work / "pg.log")]
    started, web = False, None
    try:
        _as_postgres(str(pg / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
        with open(data / "postgresql.conf", "a") as f:
            f.write(
                f"port = {port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{work}'\nfsync = off\n"
            )
        _as_postgres(*ctl, "start")
        started = True
        _as_postgres(
            str(pg / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "zd"
        )
        database = {"DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/zd"}
        var_dir = tmp_path / "var"
        var_dir.mkdir()
        faults.manage(var_dir, "migrate", "--noinput", "-v0", timeout=600, **database)
        token = faults.helper(var_dir, "setup-county", **database)["token"]
        web_port = faults.free_port()
        web = faults.start(
            var_dir,
            [
                faults.PYTHON, "-m", "gunicorn", "zerodisturb.wsgi",
                "--bind", f"127.0.0.1:{web_port}", "--workers", "1", "--threads", str(CLIENTS),
            ],
            tmp_path / "web.log",
            **database,
        )  # fmt: skip
        faults.wait_until(
            lambda: faults.listening(web_port), timeout=120, what="gunicorn listening", proc=web
        )
        with Load(web_port, token) as load:
            faults.wait_until(
                lambda: load.successes_after(0) >= 20, timeout=120, what="the app serving", proc=web
            )
            down = time.monotonic()
            _as_postgres(*ctl, "-m", "fast", "restart")
            up = time.monotonic()
            faults.wait_until(
                lambda: load.successes_after(up) >= 40,
                timeout=120,
                what="requests succeeding after the restart",
                proc=web,
            )
        assert web.poll() is None  # the app was not restarted
    finally:
        if web is not None:
            faults.stop(web)
        if started:
            _as_postgres(str(pg / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(work, ignore_errors=True)

    failed = [o for o in load.outcomes if not o[2]]
    before = [o for o in load.outcomes if o[1] < down]
    after = [o for o in load.outcomes if o[0] > up]
    assert before and all(ok for _s, _d, ok, _ in before), "failures before the restart"
    # In flight while the server went down or was starting: sent before it was back up.
    assert all(sent <= up for sent, _d, _ok, _ in failed), failed
    assert len(after) >= 40 and all(ok for _s, _d, ok, _ in after)
    print(f"\n{len(load.outcomes)} requests, {len(failed)} failed during the restart window "
          f"({up - down:.2f} s): {sorted({what for *_x, what in failed})}")  # fmt: skip
