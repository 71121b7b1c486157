"""PostgreSQL only: several workers detecting at the same moment open each alert once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from zerodisturb.alerts.choices import AlertKind
from zerodisturb.alerts.models import Alert, AlertOccurrence
from zerodisturb.alerts.services import detect_alerts
from zerodisturb.problems.models import Problem
from zerodisturb.testing.visits import VISIT_DAY

from .scenarios import visit_without_scan

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_simultaneous_runs_open_one_alert(visit_world):
    visit_without_scan(visit_world)
    now = VISIT_DAY + timedelta(days=1)
    barrier = threading.Barrier(5)
    opened, errors = [], []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            opened.append(detect_alerts(AlertKind.VISIT_NO_SCAN, now))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(opened) == 1
    assert Alert.objects.count() == 1 and AlertOccurrence.objects.count() == 1
    assert Problem.objects.filter(kind="alert").count() == 1
