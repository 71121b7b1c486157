"""PostgreSQL only: the append-only trigger, and 20 writers at once keep one unbroken chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError

from zerodisturb.audit.models import AuditEvent
from zerodisturb.audit.services import PendingEvent, record_events
from zerodisturb.audit.verify import verify_chain

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.mark.django_db
def test_trigger_refuses_update_and_delete_below_the_orm():
    with transaction.atomic():
        event = record_events(None, [PendingEvent("t", "t")])[0]
    for sql in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_transactions_do_not_fork_the_chain():
    barrier = threading.Barrier(20)
    errors = []

    def writer(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                record_events(
                    None,
                    [
                        PendingEvent("parallel", "t", str(n), payload={"n": n}),
                        PendingEvent("parallel.second", "t", str(n)),
                    ],
                )
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.count() == 40
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, 41))
    report = verify_chain()
    assert report.ok, report.message()
