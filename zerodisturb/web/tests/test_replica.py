"""Read replicas: the router's rules, and a real streaming replica serving the reads it routes.

The second test builds a throwaway PostgreSQL primary and a streaming replica (pg_basebackup -R)
on free loopback ports, so it runs where PostgreSQL's server binaries are installed (the CI's
PostgreSQL run) and is skipped on a SQLite-only machine.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.test import override_settings

from zerodisturb.dbrouter import ReplicaRouter, replica_reads, use_replica
from zerodisturb.registry.models import Organisation

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
WITH_REPLICA = {"default": {}, "replica": {}}


def test_reads_go_to_the_replica_only_when_asked_and_configured():
    router = ReplicaRouter()
    with override_settings(DATABASES=WITH_REPLICA):
        assert router.db_for_read(Organisation) is None  # not opted in: the primary
        with replica_reads():
            assert router.db_for_read(Organisation) == "replica"
        assert router.db_for_write(Organisation) == "default"
        assert router.allow_migrate("replica", "registry") is False
        assert router.allow_migrate("default", "registry") is True
        assert use_replica(lambda: router.db_for_read(Organisation))() == "replica"
    with replica_reads():  # no replica configured: the primary
        assert router.db_for_read(Organisation) is None


@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary():
    router = ReplicaRouter()
    with override_settings(DATABASES=WITH_REPLICA), replica_reads():
        # pytest-django wraps this test in a transaction, as a write request would be.
        assert router.db_for_read(Organisation) == "default"


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*args: str, **kwargs) -> subprocess.CompletedProcess:
    cmd = list(args)
    if os.geteuid() == 0:  # the server refuses to run as root
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120, **kwargs)


@pytest.mark.skipif(
    _pg_bin() is None or "postgres" not in os.environ.get("DATABASE_URL", ""),
    reason="needs PostgreSQL server binaries; runs in the CI's PostgreSQL pass",
)
def test_a_streaming_replica_serves_routed_reads_and_refuses_writes():
    pg = _pg_bin()
    work = Path(tempfile.mkdtemp(prefix="zd-replica-"))
    primary, replica = work / "primary", work / "replica"
    p_port, r_port = _free_port(), _free_port()
    if os.geteuid() == 0:
        shutil.chown(work, "postgres", "postgres")
    started = []
    try:
        _as_postgres(str(pg / "initdb"), "-D", str(primary), "-A", "trust", "-U", "postgres")
        conf = (
            f"port = {p_port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{work}'\n"
            "wal_level = replica\nmax_wal_senders = 4\nfsync = off\n"
            "synchronous_commit = remote_apply\n"
        )
        with open(primary / "postgresql.conf", "a") as f:
            f.write(conf)
        with open(primary / "pg_hba.conf", "a") as f:
            f.write("host replication all 127.0.0.1/32 trust\n")
        _as_postgres(
            str(pg / "pg_ctl"), "-D", str(primary), "-w", "-l", str(work / "p.log"), "start"
        )
        started.append(primary)
        _as_postgres(
            str(pg / "createdb"), "-h", "127.0.0.1", "-p", str(p_port), "-U", "postgres", "zd"
        )
        _as_postgres(
            str(pg / "pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(p_port), "-U", "postgres", "-D", str(replica)),
            *("-R", "-X", "stream"),
        )
        with open(replica / "postgresql.conf", "a") as f:
            f.write(f"port = {r_port}\nhot_standby = on\n")
        _as_postgres(
            str(pg / "pg_ctl"), "-D", str(replica), "-w", "-l", str(work / "r.log"), "start"
        )
        started.append(replica)
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(
            DJANGO_SETTINGS_MODULE="zerodisturb.settings",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{p_port}/zd",
            DATABASE_REPLICA_URL=f"postgres://postgres@127.0.0.1:{r_port}/zd",
            ZD_VAR_DIR=str(work / "var"),
            ZD_SECRETS_FILE=str(work / "secrets.json"),
        )
        probe = subprocess.run(
            [sys.executable, "-m", "zerodisturb.testing.replica_probe"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert probe.returncode == 0, probe.stderr[-3000:]
        result = json.loads(probe.stdout.strip().splitlines()[-1])
    finally:
        for data in reversed(started):
            _as_postgres(str(pg / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(work, ignore_errors=True)

    assert result["primary_port"] == p_port and result["replica_port"] == r_port
    assert result["plain_read_alias"] == "default"  # reads not opted in: the primary
    assert result["replica_read_alias"] == "replica"
    assert result["replica_read_port"] == r_port
    assert result["replica_sees_row"] is True
    assert result["in_transaction_alias"] == "default"
    assert result["write_alias"] == "default"
    assert "read-only transaction" in result["replica_write_error"]
