"""zerodisturb.writelock: on a SQLite file, the wrapped writes hold a file lock that any other open
of the file (another process) must wait for; inside a transaction, in memory, switched off or on
PostgreSQL it does nothing; each process opens the file for itself."""

from __future__ import annotations

import fcntl
import os

import pytest
from django.db import connection, connections, transaction

from zerodisturb import writelock

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_file(tmp_path, monkeypatch):
    """The test database as if it were a file (the test database is in memory)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    path = tmp_path / "db.sqlite3.writelock"
    monkeypatch.setattr(writelock, "lock_path", lambda conn: str(path))
    monkeypatch.setattr(type(connections["default"]), "is_in_memory_db", lambda self: False)
    writelock._files.clear()
    yield path
    for fd in writelock._files.values():
        os.close(fd)
    writelock._files.clear()


def held_elsewhere(path) -> bool:
    """Whether another open of the lock file (as another process has) is kept out."""
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


@pytest.mark.django_db(transaction=True)  # outside any transaction, as the scan log writes
def test_the_lock_is_held_for_the_write_and_released_after(on_file):
    with writelock.sqlite_writer():
        assert held_elsewhere(on_file)
    assert not held_elsewhere(on_file)
    with pytest.raises(RuntimeError), writelock.sqlite_writer():
        raise RuntimeError("a failed write")
    assert not held_elsewhere(on_file)  # released after an error too


@pytest.mark.django_db(transaction=True)
def test_nothing_inside_a_transaction_or_when_switched_off(on_file, settings):
    with transaction.atomic(), writelock.sqlite_writer():
        assert not on_file.exists()
    settings.SQLITE_WRITE_LOCK = False
    with writelock.sqlite_writer():
        assert not on_file.exists()


@pytest.mark.django_db(transaction=True)
def test_each_process_opens_the_file_for_itself(on_file, monkeypatch):
    with writelock.sqlite_writer():
        pass
    monkeypatch.setattr(writelock.os, "getpid", lambda: -1)  # as in a forked worker
    with writelock.sqlite_writer():
        assert held_elsewhere(on_file)
    assert len(writelock._files) == 2


def test_nothing_on_postgresql_or_in_memory():
    if connection.vendor == "sqlite":
        assert connection.is_in_memory_db()  # the test database
    with writelock.sqlite_writer():
        assert writelock._files == {}
