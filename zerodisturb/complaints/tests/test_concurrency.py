"""Acknowledging twice (two officers, one click twice) records one acknowledgement; on
PostgreSQL, ten simultaneous calls do too."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from zerodisturb.audit.models import AuditEvent
from zerodisturb.complaints import services
from zerodisturb.complaints.tests.world import RECEIVED
from zerodisturb.testing.factories import UserFactory

H = timedelta(hours=1)


@pytest.mark.django_db
def test_a_second_acknowledge_changes_nothing(complaint_world):
    w = complaint_world
    c = w.complain()
    c, first = services.acknowledge_complaint(w.officer, c, now=RECEIVED + H)
    c, second = services.acknowledge_complaint(w.officer, c, now=RECEIVED + 2 * H)
    assert (first, second) == (True, False)
    assert c.acknowledged_at == RECEIVED + H
    assert AuditEvent.objects.filter(action="complaint.acknowledge").count() == 1
    assert c.entries.filter(kind="acknowledged").count() == 1


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_acknowledgements_make_one(complaint_world):
    w = complaint_world
    c = w.complain()
    officers = [w.officer] + [
        UserFactory(username=f"ack{i}", role="agency_officer", organisation=w.orgs["agency"])
        for i in range(9)
    ]
    barrier = threading.Barrier(len(officers))
    results, errors = [], []

    def run(officer):
        try:
            barrier.wait(timeout=30)
            results.append(services.acknowledge_complaint(officer, c, now=RECEIVED + H)[1])
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == [False] * 9 + [True]
    assert AuditEvent.objects.filter(action="complaint.acknowledge").count() == 1
