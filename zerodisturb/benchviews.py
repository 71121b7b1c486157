"""Yardsticks of the benchmarks under bench/; routed only with ZD_BENCH_ENDPOINTS.

`bare`: a bare Django JSON view (bench/scan_verify.py, bench/load.py).

`floor`: the least work any correct scan of a visit code must do, done the cheapest way this stack
offers, and nothing more: bench/load.py --floor compares it with the bare view as it does the scan,
so that it shows how far a scan's throughput could go on a machine at all. What it keeps of a scan:

- the rate limit and the signature, checked exactly as the scan does (the same functions);
- the assignment's state (visit, credential) read with one statement on the database driver's own
  cursor (no ORM, no Django cursor), at most once per FACTS_SECONDS per process, as the scan's
  cached facts: a cancelled visit or a revoked credential must be refused within that time;
- the visit's first valid scan written before the answer, once: its log row and the visit marked,
  in one transaction (one statement on PostgreSQL, without waiting for the WAL flush, as the scan);
  with ZD_BENCH_FLOOR_WRITES=batched (load.py --floor batched) only marked in memory and logged
  in the next batch, as a scan that gave up writing the first scan before answering would;
- every other scan's log row, written in batches of a hundred;
- an answer of the size a scan's answer must at least have: the verdict, the visit's number and
  the fixed texts of what the staff may not do and of the enterprise's rights.

What it leaves out (a correct scan needs it): the stamps that make a change visible at once in the
process that made it, the people, names and contract shown, the enterprise's own check, every
refusal's reason. It marks a visit shown in its own table (bench_floor_shown, which load.py fills
from the visits' state before its rounds), so that the scan's and the floor's rounds find the same
visits not yet shown; its log rows have the code "floor".
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass

from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from zerodisturb.credentials.models import Credential
from zerodisturb.credentials.public_api import throttle
from zerodisturb.credentials.tokens import TokenRefused, verify
from zerodisturb.visits.choices import VisitStatus
from zerodisturb.visits.scancache import FACTS_SECONDS

SHOWN_TABLE = "bench_floor_shown"
BATCH = 100
FIRST_BATCHED = os.environ.get("ZD_BENCH_FLOOR_WRITES", "sync") == "batched"
_now = timezone.now  # the clock (tests hold it at their visit's day)


def bare(request):
    return JsonResponse({"valid": True, "code": "valid", "message": "ok"})


def create_shown_table(cursor) -> None:
    """The floor's own "code shown" flags (a Django cursor: load.py, before the rounds)."""
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {SHOWN_TABLE} (visit_id bigint PRIMARY KEY)")


@dataclass(slots=True)
class _Entry:
    body: bytes
    read_at: float
    shown: bool
    county: str
    good: bool  # the visit is on and today, the credential active


_entries: dict[tuple[int, int], _Entry] = {}  # (visit, credential) -> what was read, this process
_pending: list[tuple] = []  # repeat scans' log rows, not yet written
_pending_lock = threading.Lock()
_sql: dict[str, dict[str, str]] = {}


def _statements(vendor: str) -> dict[str, str]:
    if vendor not in _sql:
        from zerodisturb.visits.models import Visit, VisitStaff
        from zerodisturb.visits.scanning import _insert_sql

        m = "?" if vendor == "sqlite" else "%s"
        v, s, c = Visit._meta, VisitStaff._meta, Credential._meta
        insert = _insert_sql().replace("%s", m)  # the scan's own INSERT, in the driver's style
        mark = f"INSERT INTO {SHOWN_TABLE} (visit_id) VALUES ({m}) ON CONFLICT DO NOTHING"
        _sql[vendor] = {
            "read": (
                f"SELECT v.number, v.county_code, v.status, v.window_start, c.status, f.visit_id "
                f"FROM {s.db_table} s JOIN {v.db_table} v ON v.id = s.visit_id "
                f"JOIN {c.db_table} c ON c.id = s.credential_id "
                f"LEFT JOIN {SHOWN_TABLE} f ON f.visit_id = s.visit_id "
                f"WHERE s.visit_id = {m} AND s.credential_id = {m}"
            ),
            "insert": insert,
            "mark": mark,
            # PostgreSQL: both in one statement, its commit not waiting for the WAL flush.
            "first": (
                f"WITH logged AS ({insert} RETURNING "
                f"set_config('synchronous_commit', 'off', true)) {mark}"
            ),
        }
    return _sql[vendor]


def _run(first: tuple | None = None, read: tuple | None = None, batch: list | None = None):
    """On the driver's own cursor: the read, the first scan's writes, or a batch of log rows."""
    conn = connections["default"]
    conn.ensure_connection()
    sql = _statements(conn.vendor)
    postgres = conn.vendor == "postgresql"
    with conn.wrap_database_errors:
        cursor = conn.connection.cursor()
        try:
            if read is not None:
                if postgres:
                    cursor.execute(sql["read"], read, prepare=True)
                else:
                    cursor.execute(sql["read"], read)
                return cursor.fetchone()
            if first is not None and postgres:
                cursor.execute(sql["first"], first, prepare=True)
                return None
            cursor.execute("BEGIN" if postgres else "BEGIN IMMEDIATE")
            if postgres:  # as the scan's batches: no waiting for the WAL flush
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            try:
                if first is not None:
                    cursor.execute(sql["insert"], first[:-1])
                    cursor.execute(sql["mark"], first[-1:])
                else:
                    cursor.executemany(sql["insert"], batch)
                cursor.execute("COMMIT")
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
        finally:
            cursor.close()
    return None


@functools.cache
def _tail() -> bytes:
    from zerodisturb.visits.public_api import MAY_NOT, RIGHTS

    return json.dumps({"may_not": MAY_NOT, "rights": RIGHTS})[1:].encode()


def floor(request, token: str):
    throttle(request, "scan")
    now = _now()
    try:
        claims = verify(token, now)
    except TokenRefused as refused:
        return JsonResponse({"valid": False, "code": refused.code, "message": refused.message})
    key = (claims.visit_id, claims.credential_id)
    conn = connections["default"]
    entry = _entries.get(key)
    if entry is None or time.time() > entry.read_at + FACTS_SECONDS:
        row = _run(read=key)
        if row is None:
            return JsonResponse({"valid": False, "code": "unknown_visit", "message": "找不到"})
        number, county, status, start, credential, shown = row
        if conn.vendor == "sqlite":  # naive UTC, as the ORM would convert it
            start = conn.ops.convert_datetimefield_value(start, None, conn)
        good = (
            status in (VisitStatus.PLANNED, VisitStatus.IN_PROGRESS)
            and credential == Credential.Status.ACTIVE
            and timezone.localdate(start) == timezone.localdate(now)
        )
        head = {"valid": True, "code": "valid", "message": "有效：可以入企", "visit_number": number}
        body = json.dumps(head)[:-1].encode() + b", " + _tail()
        entry = _entries[key] = _Entry(body, time.time(), shown is not None, county, good)
    if not entry.good:
        return JsonResponse({"valid": False, "code": "refused", "message": "不能入企"})
    at = now if conn.vendor == "postgresql" else conn.ops.adapt_datetimefield_value(now)
    log = (
        entry.county,
        claims.visit_id,
        claims.credential_id,
        True,
        "floor",
        "有效：可以入企",
        hashlib.sha256(token.encode()).hexdigest(),
        None,
        at,
    )
    if not entry.shown and not FIRST_BATCHED:
        _run(first=(*log, claims.visit_id))
        entry.shown = True
    else:
        with _pending_lock:
            _pending.append(log)
            batch = _pending[:] if len(_pending) >= BATCH else None
            if batch:
                _pending.clear()
        if batch:
            _run(batch=batch)
    return HttpResponse(entry.body, content_type="application/json; charset=utf-8")
