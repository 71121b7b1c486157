"""The audit chain: normal appends verify; altering, deleting or inserting a row is caught."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from zerodisturb.audit.chain import event_hash
from zerodisturb.audit.models import AppendOnlyError, AuditEvent
from zerodisturb.audit.services import PendingEvent, record_event, record_events
from zerodisturb.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def _append(n: int, actor=None) -> list[AuditEvent]:
    with transaction.atomic():
        return record_events(
            actor,
            [
                PendingEvent("test.event", "test.thing", str(i), f"T-{i}", "330282", {"i": i})
                for i in range(n)
            ],
        )


def _raw(sql: str, params=()) -> None:
    """Tamper below the ORM, as someone with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a superuser can switch triggers off
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_normal_appends_verify_and_link():
    events = _append(5)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[1].prev_hash == events[0].hash
    report = verify_chain()
    assert report.ok and report.checked == 5
    call_command("verify_audit")  # exits 0


@pytest.mark.django_db(transaction=True)
def test_event_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        record_events(None, [PendingEvent("x", "y")])


def test_orm_refuses_update_and_delete():
    event = _append(1)[0]
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_altered_payload_is_named():
    events = _append(5)
    _raw("UPDATE audit_auditevent SET payload = %s WHERE id = %s", ['{"i": 99}', events[2].pk])
    report = verify_chain()
    assert not report.ok
    assert (report.broken_seq, report.broken_id) == (3, events[2].pk)
    with pytest.raises(CommandError, match=r"事件 #3"):
        call_command("verify_audit")


def test_altered_actor_is_caught_even_with_rehash_of_that_row_alone():
    events = _append(4)
    fields = {
        f: getattr(events[1], f)
        for f in (
            "seq",
            "occurred_at",
            "actor_id",
            "actor_label",
            "organisation_id",
            "organisation_label",
            "county_code",
            "action",
            "object_type",
            "object_id",
            "object_number",
            "payload",
            "request_id",
        )
    }
    fields["actor_label"] = "someone-else"
    forged = event_hash(fields, events[1].prev_hash)
    _raw(
        "UPDATE audit_auditevent SET actor_label = %s, hash = %s WHERE id = %s",
        ["someone-else", forged, events[1].pk],
    )
    report = verify_chain()
    assert not report.ok and report.broken_seq == 3  # the next event no longer links


def test_deleted_middle_row_is_named():
    events = _append(5)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = verify_chain()
    assert not report.ok
    assert report.broken_seq == 3 and "缺少" in report.reason


def test_deleted_last_row_is_caught_by_the_head():
    events = _append(3)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    report = verify_chain()
    assert not report.ok and "链头" in report.reason


def test_inserted_row_is_named():
    events = _append(3)
    # Shift the later rows to make room, then insert a forged event with a plausible hash.
    _raw("UPDATE audit_auditevent SET seq = seq + 100 WHERE seq >= 3")
    forged = {
        "seq": 3,
        "occurred_at": events[1].occurred_at,
        "actor_id": None,
        "actor_label": "x",
        "organisation_id": None,
        "organisation_label": "",
        "county_code": "330282",
        "action": "forged",
        "object_type": "t",
        "object_id": "1",
        "object_number": "",
        "payload": {},
        "request_id": "",
    }
    digest = event_hash(forged, events[1].hash)
    _raw(
        "INSERT INTO audit_auditevent (seq, occurred_at, actor_label, organisation_label,"
        " county_code, action, object_type, object_id, object_number, payload, request_id,"
        " prev_hash, hash) VALUES (3, %s, 'x', '', '330282', 'forged', 't', '1', '', '{}', '',"
        " %s, %s)",
        [events[1].occurred_at, events[1].hash, digest],
    )
    report = verify_chain()
    assert not report.ok
    assert report.broken_seq in (3, 4, 103)


def test_event_about_an_object_carries_its_number_and_request_id(county):
    from zerodisturb.audit.context import current_request_id

    token = current_request_id.set("req-123")
    try:
        with transaction.atomic():
            event = record_event(
                county.users["supervisor"],
                "registry.check",
                county.orgs["enterprise"],
                {"note": "ok"},
            )
    finally:
        current_request_id.reset(token)
    assert event.object_number == county.orgs["enterprise"].credit_code
    assert event.request_id == "req-123"
    assert event.organisation_label == str(county.orgs["judicial"])
    assert verify_chain().ok
