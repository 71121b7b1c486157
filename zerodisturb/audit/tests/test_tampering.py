"""Changing any hashed column of one event in the database is named with that event's seq."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction

from zerodisturb.audit.models import AuditEvent
from zerodisturb.audit.services import PendingEvent, record_events
from zerodisturb.audit.verify import CONTENT_CHANGED, ROW_HASH_CHANGED, verify_chain

pytestmark = pytest.mark.django_db


def _append(n: int, actor) -> list[AuditEvent]:
    with transaction.atomic():
        return record_events(
            actor,
            [
                PendingEvent("test.event", "test.thing", str(i), f"T-{i}", "330282", {"i": i})
                for i in range(n)
            ],
        )


def _tamper(sql: str, params) -> None:
    """Write below the ORM with the append-only trigger off, as a database superuser could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def _stored(value):
    # SQLite keeps datetimes as Django writes them: naive UTC text.
    if connection.vendor == "sqlite" and hasattr(value, "tzinfo"):
        return str(value.replace(tzinfo=None))
    return value


# column -> new value given the original event (each differs from what record_events wrote).
CHANGES = {
    "occurred_at": lambda e: _stored(e.occurred_at + timedelta(microseconds=1)),
    "actor_id": lambda e: None,
    "actor_label": lambda e: e.actor_label + " ",
    "organisation_id": lambda e: 999,
    "organisation_label": lambda e: "别的单位",
    "county_code": lambda e: "330200",
    "action": lambda e: "test.other",
    "object_type": lambda e: "test.other",
    "object_id": lambda e: "99",
    "object_number": lambda e: "T-99",
    "payload": lambda e: '{"i":99}',
    "request_id": lambda e: "req-forged",
}


@pytest.mark.parametrize("full", [False, True], ids=["routine", "full"])
@pytest.mark.parametrize("column", sorted(CHANGES))
def test_changed_column_is_named(column, full, django_user_model):
    user = django_user_model.objects.create_user("auditor", password="x")
    events = _append(5, user)
    target = events[2]
    _tamper(
        f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s",
        [CHANGES[column](target), target.pk],
    )
    assert verify_chain(full=not full).ok is False  # the other mode agrees
    report = verify_chain(full=full)
    assert not report.ok
    assert (report.broken_seq, report.broken_id, report.checked) == (3, target.pk, 2)
    assert report.reason == CONTENT_CHANGED


def test_payload_with_the_same_content_written_differently_is_named(django_user_model):
    events = _append(3, None)
    _tamper("UPDATE audit_auditevent SET payload = %s WHERE id = %s", ['{"i": 1}', events[1].pk])
    report = verify_chain()
    assert (report.ok, report.broken_seq) == (False, 2)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL refuses such a value")
def test_unreadable_time_is_named_not_a_crash():
    events = _append(3, None)
    _tamper("UPDATE audit_auditevent SET occurred_at = 'yesterday' WHERE id = %s", [events[1].pk])
    report = verify_chain()
    assert (report.ok, report.broken_seq, report.reason) == (False, 2, CONTENT_CHANGED)


def test_swapped_seq_is_named():
    events = _append(5, None)
    for seq, event in ((1003, events[2]), (3, events[3]), (4, events[2])):
        _tamper("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [seq, event.pk])
    report = verify_chain()
    assert not report.ok and report.broken_seq == 3


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.parametrize(
    "ddl",
    [
        "ALTER TABLE audit_auditevent DROP COLUMN row_hash",
        "ALTER TABLE audit_auditevent DROP COLUMN row_hash; ALTER TABLE audit_auditevent "
        "ADD COLUMN row_hash text GENERATED ALWAYS AS (hash) STORED",
        "ALTER TABLE audit_auditevent ALTER COLUMN row_hash DROP EXPRESSION",
    ],
)
def test_row_hash_that_is_no_longer_computed_from_the_row_is_refused(ddl):
    _append(3, None)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending FK checks
        cursor.execute(ddl)
    report = verify_chain()
    assert not report.ok and report.reason == ROW_HASH_CHANGED
