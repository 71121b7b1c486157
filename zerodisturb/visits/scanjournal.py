"""Repeat valid scans, written to the scan log in small batches instead of one commit each.

What a scan must leave is committed before its answer (scanning.scan): every refused scan
(forged, altered, expired, replayed — the security record) and each assignment's first valid scan,
with the visit's `valid_scan_at` (on PostgreSQL without waiting for the WAL flush, see
scanning._record_first). A valid code scanned again (the manager reloads the page, an
officer scans too) changes nothing; its log row only counts it. Those rows wait here for at most
`SCAN_LOG_BATCH_MS` or `MAX_ROWS` rows and go in as one transaction, by a timer thread per
process, by the request that fills the batch, and at exit (gunicorn's graceful stop). A process
killed outright loses at most the last interval's repeat scans, never a refusal or a first scan.
While the database refuses the writes, the rows wait (up to MAX_PENDING, the oldest dropped past
that) and only the timer retries, so that no request waits on a backlog.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import IntegrityError, connection

log = logging.getLogger(__name__)

MAX_ROWS = 200
# Rows kept for a retry while the database is unreachable; past this the oldest are dropped.
MAX_PENDING = 50_000
# The timer never waits less than this, whatever SCAN_LOG_BATCH_MS says (0 turns batching off:
# a timer started before would otherwise spin).
MIN_WAIT_SECONDS = 0.05


class ScanJournal:
    def __init__(
        self,
        write: Callable[[Sequence[Sequence]], None],
        max_rows: int = MAX_ROWS,
        timer: bool = True,
    ):
        self._write = write
        self.max_rows = max_rows
        self._timer = timer  # False: only a full batch, flush() and the exit write
        self._rows: list[Sequence] = []
        self._lock = threading.Lock()  # guards _rows
        self._flushing = threading.Lock()  # one batch in the database at a time
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._timer_pid = 0
        self._failing = False  # the last write failed: the timer retries, not the requests
        atexit.register(self.flush)
        # A forked child (a gunicorn worker) starts with nothing pending and fresh locks: what the
        # parent held is the parent's to write, and a lock held at the fork would never be freed.
        os.register_at_fork(after_in_child=self._after_fork)

    def _after_fork(self) -> None:
        self._rows = []
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = None
        self._timer_pid = 0

    def add(self, row: Sequence) -> None:
        with self._lock:
            self._rows.append(row)
            full = len(self._rows) >= self.max_rows
        if full and not self._failing:
            self.flush()
        elif self._timer:
            self._ensure_timer()

    def pending(self) -> int:
        with self._lock:
            return len(self._rows)

    def flush(self, close_on_error: bool = False) -> int:
        """Write what is waiting; the rows written. On a database error they wait for the next try."""
        with self._flushing:
            with self._lock:
                rows, self._rows = self._rows, []
            if not rows:
                return 0
            try:
                self._write(rows)
                self._failing = False
                return len(rows)
            except IntegrityError:
                # One bad row (its visit deleted meanwhile) must not hold back the others.
                return self._one_by_one(rows, close_on_error)
            except Exception:
                self._retry_later(rows, close_on_error)
                return 0

    def _one_by_one(self, rows: list[Sequence], close_on_error: bool) -> int:
        written = 0
        for index, row in enumerate(rows):
            try:
                self._write([row])
                written += 1
            except IntegrityError:
                log.error("扫码记录无法写入（关联记录已不存在），已舍弃：%r", row)
            except Exception:
                self._retry_later(rows[index:], close_on_error)
                break
        return written

    def _retry_later(self, rows: list[Sequence], close_on_error: bool) -> None:
        log.exception("扫码记录批量写入失败，%d 条稍后重试", len(rows))
        self._failing = True
        with self._lock:
            self._rows[:0] = rows
            del self._rows[: max(0, len(self._rows) - MAX_PENDING)]
        if close_on_error:  # the timer's own connection: opened afresh next time
            connection.close()

    def _ensure_timer(self) -> None:
        # Started lazily in the process that scans: a thread started before a fork would not run
        # in the forked gunicorn worker.
        pid = os.getpid()
        if self._timer_pid == pid:
            return
        with self._lock:
            if self._timer_pid == pid:
                return
            self._timer_pid = pid
        self._thread = threading.Thread(target=self._run, name="scan-journal", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """End the timer thread after a last write (tests; the exit writes without it)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self._wake.wait(max(MIN_WAIT_SECONDS, settings.SCAN_LOG_BATCH_MS / 1000))
                self._wake.clear()
                self.flush(close_on_error=True)
        finally:
            connection.close()
