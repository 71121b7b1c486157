"""The batched scan log (visits.scanjournal): what must be durable is written before the answer,
repeat valid scans arrive in one batch, and a failed batch loses nothing it could keep."""

from __future__ import annotations

import atexit
import os
import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import IntegrityError, OperationalError, transaction
from django.test import override_settings

from zerodisturb.credentials.tokens import sign
from zerodisturb.testing.commissioning import panel_fixture  # noqa: F401
from zerodisturb.testing.visits import VISIT_DAY, planned_visit, visit_world_fixture  # noqa: F401
from zerodisturb.visits import scancache, scanning
from zerodisturb.visits.models import ScanLog
from zerodisturb.visits.scanjournal import ScanJournal

GATE = VISIT_DAY + timedelta(minutes=5)


@pytest.fixture
def journal(monkeypatch):
    cache.clear()
    scancache._local.clear()
    # No timer thread: it would write through its own connection, outside the test's transaction.
    own = ScanJournal(scanning._write_batch, max_rows=5, timer=False)
    monkeypatch.setattr(scanning, "journal", own)
    with override_settings(SCAN_LOG_BATCH_MS=1000):
        yield own
    cache.clear()
    scancache._local.clear()


@pytest.fixture
def visit(visit_world):
    return planned_visit(visit_world).visit


def scanned(world, visit, token=None):
    token = token or sign(visit.pk, world.lead.credential.pk, GATE)
    return scanning.scan(token, GATE, world.enterprise_user)


@pytest.mark.django_db(transaction=True)  # no test-wide transaction: as in a request
def test_the_first_valid_scan_is_written_at_once_and_repeats_wait_for_the_batch(
    journal, visit_world, visit
):
    assert scanned(visit_world, visit).valid
    first = ScanLog.objects.get()
    assert first.valid and first.visit_id == visit.pk
    visit.refresh_from_db()
    assert visit.valid_scan_at == GATE

    for _ in range(3):
        assert scanned(visit_world, visit).valid
    assert ScanLog.objects.count() == 1
    assert journal.pending() == 3

    assert journal.flush() == 3
    rows = ScanLog.objects.order_by("pk")
    assert rows.count() == 4 and journal.pending() == 0
    repeat = rows.last()
    assert (repeat.valid, repeat.code, repeat.visit_id, repeat.scanned_at) == (
        True,
        first.code,
        visit.pk,
        GATE,
    )
    assert repeat.credential_id == visit_world.lead.credential.pk
    assert repeat.scanned_by_id == visit_world.enterprise_user.pk
    assert repeat.token_hash == first.token_hash


@pytest.mark.django_db(transaction=True)  # no test-wide transaction: as in a request
def test_refusals_never_wait(journal, visit_world, visit):
    assert scanned(visit_world, visit).valid
    token = sign(visit.pk, visit_world.lead.credential.pk, GATE)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    result = scanned(visit_world, visit, forged)
    assert not result.valid
    assert ScanLog.objects.filter(valid=False, code=result.code).count() == 1
    assert journal.pending() == 0


@pytest.mark.django_db(transaction=True)  # no test-wide transaction: as in a request
def test_a_full_batch_is_written_by_the_scan_that_fills_it(journal, visit_world, visit):
    assert scanned(visit_world, visit).valid
    for _ in range(journal.max_rows):
        scanned(visit_world, visit)
    assert journal.pending() == 0
    assert ScanLog.objects.count() == 1 + journal.max_rows


@pytest.mark.django_db(transaction=True)  # no test-wide transaction: as in a request
def test_inside_a_transaction_the_scan_is_written_with_it(journal, visit_world, visit):
    assert scanned(visit_world, visit).valid
    with transaction.atomic():
        assert scanned(visit_world, visit).valid
        assert ScanLog.objects.count() == 2
    assert journal.pending() == 0


def test_a_failed_batch_is_kept_and_written_next_time():
    written: list = []
    failures = [OperationalError("server closed the connection")]

    def write(rows):
        if failures:
            raise failures.pop()
        written.extend(rows)

    journal = ScanJournal(write, max_rows=100, timer=False)
    for n in range(3):
        journal.add([n])
    assert journal.flush() == 0
    assert journal.pending() == 3 and written == []
    journal.add([3])
    assert journal.flush() == 4
    assert written == [[0], [1], [2], [3]]  # in the order scanned


def test_a_row_the_database_refuses_does_not_hold_back_the_others():
    written: list = []

    def write(rows):
        if any(row == ["gone"] for row in rows):
            raise IntegrityError("FOREIGN KEY constraint failed")
        written.extend(rows)

    journal = ScanJournal(write, max_rows=100, timer=False)
    for row in (["a"], ["gone"], ["b"]):
        journal.add(row)
    assert journal.flush() == 2
    assert written == [["a"], ["b"]] and journal.pending() == 0


def test_the_timer_writes_a_partial_batch_by_itself():
    done = threading.Event()
    written: list = []

    def write(rows):
        written.extend(rows)
        done.set()

    journal = ScanJournal(write, max_rows=100)
    try:
        with override_settings(SCAN_LOG_BATCH_MS=10):
            journal.add(["x"])
            assert done.wait(timeout=10)  # an event set by the writer, not a sleep
    finally:
        journal.stop()  # joins the thread: it does not outlive the test
    assert written == [["x"]] and journal.pending() == 0


def test_while_writes_fail_the_requests_leave_the_retries_to_the_timer():
    attempts: list[int] = []

    def write(rows):
        attempts.append(len(rows))
        raise OperationalError("server closed the connection")

    journal = ScanJournal(write, max_rows=2, timer=False)
    journal.add([1])
    journal.add([2])  # fills the batch: this request tries once
    for n in range(3, 10):
        journal.add([n])  # still over the batch size, but the last write failed
    assert attempts == [2] and journal.pending() == 9
    assert journal.flush() == 0 and attempts == [2, 9]  # the timer's retry takes them all
    atexit.unregister(journal.flush)  # its rows can never be written: not at the exit either


def test_a_forked_child_starts_with_nothing_pending():
    journal = ScanJournal(lambda rows: None, max_rows=100, timer=False)
    journal.add(["parent's"])
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report what it holds, then leave without running atexit hooks
        os.write(write, str(journal.pending()).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert os.read(read, 10) == b"0" and journal.pending() == 1
