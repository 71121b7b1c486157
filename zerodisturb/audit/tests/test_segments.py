"""The PostgreSQL walk in segments (parallel connections at scale) reports exactly what one walk
over the whole chain reports, for any segment size and wherever the chain is broken: a row
altered, deleted (at a segment's edge too), several breaks, a truncated tail."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from zerodisturb.audit import verify
from zerodisturb.audit.models import AuditEvent
from zerodisturb.audit.services import PendingEvent, record_events
from zerodisturb.audit.verify import verify_chain

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the PostgreSQL walk"),
]

EVENTS = 12


def _append(n: int) -> list[AuditEvent]:
    with transaction.atomic():
        return record_events(
            None,
            [
                PendingEvent("test.event", "test.thing", str(i), f"T-{i}", "330282", {"i": i})
                for i in range(n)
            ],
        )


def _raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # the append-only trigger off
        cursor.execute(sql, params)
        cursor.execute("SET session_replication_role = origin")


def _report(segment_events: int, monkeypatch):
    monkeypatch.setattr(verify, "SEGMENT_EVENTS", segment_events)
    r = verify_chain()
    return (r.ok, r.checked, r.broken_seq, r.broken_id, r.reason)


def _delete(*seqs):
    return lambda: _raw("DELETE FROM audit_auditevent WHERE seq = ANY(%s)", [list(seqs)])


def _alter(seq):
    return lambda: _raw(
        "UPDATE audit_auditevent SET actor_label = actor_label || '!' WHERE seq = %s", [seq]
    )


SCENARIOS = {
    "intact": lambda: None,
    **{f"deleted {s}": _delete(s) for s in (1, 2, 3, 4, 6, 7, 11)},
    **{f"altered {s}": _alter(s) for s in (1, 3, 4, 9)},
    "deleted 3 and 4": _delete(3, 4),
    "deleted 5 to 9": _delete(5, 6, 7, 8, 9),
    "altered 8, deleted 10": lambda: (_alter(8)(), _delete(10)()),
    "deleted 10, altered 2": lambda: (_delete(10)(), _alter(2)()),
    "tail 11 and 12 deleted": _delete(11, 12),
    "seq 5 moved past the head": lambda: _raw("UPDATE audit_auditevent SET seq = 99 WHERE seq = 5"),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_segment_size_reports_what_one_walk_reports(scenario, monkeypatch):
    _append(EVENTS)
    SCENARIOS[scenario]()
    whole = _report(10**9, monkeypatch)
    assert whole[0] == (scenario == "intact")
    for size in (1, 2, 3, 4, 5, 7):
        assert _report(size, monkeypatch) == whole, f"segments of {size}"
    # The Python walk, which trusts nothing the database computed, agrees where the chain breaks.
    full = verify_chain(full=True)
    assert (full.ok, full.broken_seq) == whole[::2][:2]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_segments_are_walked_in_parallel(monkeypatch):
    _append(EVENTS)
    walked = []
    real = verify._in_own_connection
    monkeypatch.setattr(verify, "_in_own_connection", lambda s: walked.append(s.lo) or real(s))
    monkeypatch.setattr(verify, "SEGMENT_EVENTS", 5)
    assert verify_chain().ok and verify_chain().checked == EVENTS
    assert sorted(walked) == [1, 1, 6, 6, 11, 11]  # two walks of three segments
    _alter(7)()
    report = verify_chain()
    assert (report.ok, report.broken_seq, report.checked) == (False, 7, 6)
