"""What a scan of a visit code shows the enterprise, and the log of every scan.

A code is good only if: the signature is ours and the slot is fresh; the visit exists, is today,
not cancelled or ended; the credential belongs to the visit and is valid; its contract is filed,
accepted and in force; and, when an enterprise user scans, the visit is to that enterprise.

The checks read cached facts (scancache). Every scan goes into the log: a refusal and an
assignment's first valid scan before the answer, a repeat valid scan within a second, in a batch
(scanjournal).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, partial

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from zerodisturb import prepared
from zerodisturb.credentials.models import Credential
from zerodisturb.credentials.tokens import TokenRefused, verify
from zerodisturb.singleflight import SingleFlight
from zerodisturb.visits import scancache
from zerodisturb.visits.models import ScanLog, Visit, VisitStaff
from zerodisturb.visits.scanjournal import ScanJournal


@dataclass
class ScanResult:
    valid: bool
    code: str
    message: str
    visit_id: int | None = None
    credential_id: int | None = None
    county_code: str = ""
    # The details shown to whoever scans; None when the code names no assignment of ours.
    answer: dict | None = field(default=None, repr=False)
    answer_built: str = ""  # ScanFacts.built: names this version of the answer
    facts: scancache.ScanFacts | None = field(default=None, repr=False)

    @property
    def found(self) -> bool:
        return self.answer is not None

    # The models, loaded only by the callers that need them (the HTML page, tests).
    @cached_property
    def visit(self) -> Visit | None:
        return Visit.objects.filter(pk=self.visit_id).first() if self.visit_id else None

    @cached_property
    def credential(self) -> Credential | None:
        if not self.credential_id:
            return None
        return Credential.objects.filter(pk=self.credential_id).first()

    @cached_property
    def assignment(self) -> VisitStaff | None:
        if not self.found:
            return None
        return VisitStaff.objects.get(visit_id=self.visit_id, credential_id=self.credential_id)


def _check(token: str, now: datetime, actor) -> tuple[ScanResult, bool]:
    """The verdict, and whether the visit's first valid scan is still to be recorded."""
    try:
        claims = verify(token, now)
    except TokenRefused as refused:
        result = ScanResult(False, refused.code, refused.message)
        if refused.claims:  # genuine but stale: log it against its visit (a screenshot, usually)
            row = Visit.objects.filter(pk=refused.claims.visit_id).values_list("pk", "county_code")
            if row := row.first():
                result.visit_id, result.county_code = row
            if Credential.objects.filter(pk=refused.claims.credential_id).exists():
                result.credential_id = refused.claims.credential_id
        return result, False
    facts = scancache.facts(claims.visit_id, claims.credential_id)
    if facts is None:
        result = ScanResult(False, "unknown_visit", "找不到对应的入企安排")
        row = Visit.objects.filter(pk=claims.visit_id).values_list("pk", "county_code").first()
        if row:
            result.visit_id, result.county_code = row
        return result, False
    valid, code, message = scancache.judge(facts, now, actor)
    result = ScanResult(
        valid,
        code,
        message,
        facts.visit_id,
        facts.credential_id,
        facts.county_code,
        facts.answer,
        facts.built,
        facts,
    )
    return result, valid and not facts.code_shown


_INSERT: dict[str, str] = {}


def _insert_sql() -> str:
    """One INSERT with every column given: no ORM compilation on the hot path."""
    vendor = connection.vendor
    if vendor not in _INSERT:
        qn = connection.ops.quote_name
        columns = [
            ScanLog._meta.get_field(name).column
            for name in (
                "county_code",
                "visit",
                "credential",
                "valid",
                "code",
                "message",
                "token_hash",
                "scanned_by",
                "scanned_at",
            )
        ]
        _INSERT[vendor] = "INSERT INTO {} ({}) VALUES ({})".format(
            qn(ScanLog._meta.db_table),
            ", ".join(qn(c) for c in columns),
            ", ".join(["%s"] * len(columns)),
        )
    return _INSERT[vendor]


def _row(result: ScanResult, token: str, actor, now: datetime) -> list:
    scanned_by = actor.pk if actor is not None and actor.is_authenticated else None
    return [
        result.county_code,
        result.visit_id,
        result.credential_id,
        result.valid,
        result.code,
        result.message[:200],
        hashlib.sha256(token.encode("utf-8", "replace")).hexdigest(),
        scanned_by,
        connection.ops.adapt_datetimefield_value(now),
    ]


_SHOWN: dict[str, str] = {}


def _shown_sql() -> str:
    """The visit's first valid scan, once: the conditional UPDATE, written once per database.

    It names the visit's window_start too, the partition key of visits on PostgreSQL, so that
    the statement touches one yearly partition, not all of them (planning it for ten partitions
    cost more than running it). A visit moved meanwhile (its facts are then stale) is not marked:
    the scan after the move sees the new facts and records it."""
    vendor = connection.vendor
    if vendor not in _SHOWN:
        qn = connection.ops.quote_name
        meta = Visit._meta
        shown = qn(meta.get_field("valid_scan_at").column)
        start = qn(meta.get_field("window_start").column)
        _SHOWN[vendor] = (
            f"UPDATE {qn(meta.db_table)} SET {shown} = %s "
            f"WHERE {qn(meta.pk.column)} = %s AND {start} = %s AND {shown} IS NULL"
        )
    return _SHOWN[vendor]


def _log(result: ScanResult, token: str, actor, now: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(), _row(result, token, actor, now))


def _no_flush_wait(cursor, own: bool) -> None:
    """The commit of this transaction, if it is `own` (not a caller's), does not wait for the WAL
    flush (PostgreSQL; SQLite's commits here never do)."""
    if own and connection.vendor == "postgresql":
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _write_batch(rows) -> None:
    # Repeat scans, which already wait in memory before this: no need to wait for a WAL flush.
    own = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        _no_flush_wait(cursor, own)
        cursor.executemany(_insert_sql(), rows)


journal = ScanJournal(_write_batch)


def _batching() -> bool:
    # Inside a caller's transaction the row belongs to it (it may name a visit not yet committed).
    return settings.SCAN_LOG_BATCH_MS > 0 and not connection.in_atomic_block


_FIRST: dict[bool, str] = {}


def _first_sql(no_flush_wait: bool) -> str:
    """PostgreSQL: the log row and the visit's flag in one statement (a data-modifying WITH),
    atomic by itself; outside a transaction it is one round trip instead of five (BEGIN, SET,
    INSERT, UPDATE, COMMIT). `no_flush_wait`: the INSERT's RETURNING sets synchronous_commit off
    until the end of the statement's own transaction (evaluated once, for its one row: a
    data-modifying WITH always runs to completion, read or not)."""
    if no_flush_wait not in _FIRST:
        returning = " RETURNING set_config('synchronous_commit', 'off', true)"
        _FIRST[no_flush_wait] = "WITH logged AS ({}{}) {}".format(
            _insert_sql(), returning if no_flush_wait else "", _shown_sql()
        )
    return _FIRST[no_flush_wait]


def _record_first(result: ScanResult, token: str, actor, now: datetime) -> None:
    """The assignment's first valid scan: its log row and the visit's "code shown" time, together.

    On PostgreSQL the commit does not wait for the WAL flush (synchronous_commit off for this
    transaction only): it is visible at once, but a crash of the database server (or a failover)
    within about 3 × wal_writer_delay (0.6 s by default) may lose it, and the enterprise then
    scans again. Never behind a check-in: the check-in reads this committed record, commits after
    it and waits for its own flush, which writes all WAL before it. (SQLite here, WAL with
    synchronous=NORMAL, loses recent commits only to an operating-system crash or power loss.)
    Inside a caller's transaction nothing changes: the setting would reach the caller's writes."""
    adapt = connection.ops.adapt_datetimefield_value
    row = _row(result, token, actor, now)
    shown = [adapt(now), result.visit_id, adapt(result.facts.window_start)]
    if connection.vendor == "postgresql":
        with prepared.cursor() as cursor:  # a prepared statement
            cursor.execute(_first_sql(not connection.in_atomic_block), row + shown)
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_insert_sql(), row)
            cursor.execute(_shown_sql(), shown)
    # Committed (the views call scan() outside any transaction): later scans skip the UPDATE.
    # Only this flag of the cached facts changes, so they are updated, not rebuilt.
    scancache.code_shown(result.facts)


# Scans of the same assignment in this process at the same moment, when its first valid scan is
# still to be recorded: one records it, the others wait and are then logged as repeats.
_first_scans = SingleFlight()


def scan(token: str, now: datetime | None = None, actor=None) -> ScanResult:
    """Check a scanned code, log the scan, and mark the visit's code as shown when valid."""
    now = now or timezone.now()
    token = token or ""
    result, first_valid = _check(token, now, actor)
    if first_valid:
        record = partial(_record_first, result, token, actor, now)
        if connection.in_atomic_block:
            # A caller's transaction (tests) may hold locks that the recording call would wait
            # for: no waiting on each other here.
            record()
            return result
        _none, twin_recorded = _first_scans.do((result.visit_id, result.credential_id), record)
        if not twin_recorded:
            return result
    if result.valid and _batching():
        journal.add(_row(result, token, actor, now))  # a repeat: nothing changes but the count
        return result
    _log(result, token, actor, now)  # one statement: its own transaction (autocommit)
    return result
