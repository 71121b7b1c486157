"""SQLite: the gate's writes take turns across the server's processes on a file lock.

SQLite lets one writer at a time into a database. A writer that finds another one in it waits in
SQLite's busy handler, which sleeps and tries again after 1, 2, 5, 10, 15, 20, 25 … ms, while the
writer it waits for needs a tenth of a millisecond. Under load (several gunicorn workers, each with
several threads, each first scan of a visit writing before it answers) the writers then sleep far
longer than they wait: measured with bench/load.py's floor yardstick, the throughput of a scan that
writes fell to half that of one that does not. A blocking `flock` on a file beside the database
wakes the next writer as soon as the lock is free; a thread lock in front of it lets one thread
of a process at a time wait on the file (flock belongs to the open file, which all the threads of
a process share).

Only the writes wrapped in `sqlite_writer()` take turns here; any other write still meets them in
SQLite's own lock, as before. Not in a caller's transaction (its lock order is the caller's), not
for an in-memory database, not on PostgreSQL. Settings: SQLITE_WRITE_LOCK (ZD_SQLITE_WRITE_LOCK,
on by default).
"""

from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

_thread_lock = threading.Lock()
_files: dict[tuple[int, str], int] = {}  # (process id, lock file) -> descriptor


def lock_path(conn) -> str:
    return f"{conn.settings_dict['NAME']}.writelock"


def _descriptor(path: str) -> int | None:
    # Per process: a descriptor inherited through fork() shares its lock with the parent's.
    key = (os.getpid(), path)
    if key not in _files:
        try:
            _files[key] = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        except OSError:
            return None  # a read-only directory: SQLite's own lock alone, as before
    return _files[key]


@contextmanager
def sqlite_writer(alias: str = "default"):
    """Around one write transaction (or one autocommit write) of the connection `alias`."""
    conn = connections[alias]
    if (
        conn.vendor != "sqlite"
        or not settings.SQLITE_WRITE_LOCK
        or conn.in_atomic_block
        or conn.is_in_memory_db()
    ):
        yield
        return
    fd = _descriptor(lock_path(conn))
    if fd is None:
        yield
        return
    with _thread_lock:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
