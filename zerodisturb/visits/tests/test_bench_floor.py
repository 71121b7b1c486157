"""The yardstick /bench/floor/ of bench/load.py (zerodisturb.benchviews.floor): it answers a good
code valid and refuses a bad one, writes a visit's first scan before the answer once, and logs the
repeats in batches; batched, it writes nothing before the answer."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory

from zerodisturb import benchviews
from zerodisturb.credentials.tokens import sign
from zerodisturb.testing.commissioning import panel_fixture  # noqa: F401
from zerodisturb.testing.visits import VISIT_DAY, planned_visit, visit_world_fixture  # noqa: F401
from zerodisturb.visits.models import ScanLog, Visit

GATE = VISIT_DAY + timedelta(minutes=5)
pytestmark = pytest.mark.django_db(transaction=True)  # the floor runs its own transactions


@pytest.fixture
def floor(monkeypatch):
    monkeypatch.setattr(benchviews, "_now", lambda: GATE)
    monkeypatch.setattr(benchviews, "BATCH", 3)
    benchviews._entries.clear()
    benchviews._pending.clear()
    with connection.cursor() as cursor:
        benchviews.create_shown_table(cursor)
    yield benchviews
    benchviews._entries.clear()
    benchviews._pending.clear()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {benchviews.SHOWN_TABLE}")


def answer(token: str) -> dict:
    response = benchviews.floor(RequestFactory().get(f"/bench/floor/{token}"), token)
    assert response.status_code == 200
    return json.loads(response.content)


def shown() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT visit_id FROM {benchviews.SHOWN_TABLE}")
        return [row[0] for row in cursor.fetchall()]


def test_a_good_code_is_valid_its_first_scan_written_at_once_and_repeats_in_batches(
    floor, visit_world
):
    visit = planned_visit(visit_world).visit
    token = sign(visit.pk, visit_world.lead.credential.pk, GATE)
    got = answer(token)
    assert got["valid"] is True and got["visit_number"] == visit.number
    assert got["may_not"] and got["rights"]
    assert shown() == [visit.pk]
    first = ScanLog.objects.get()
    assert (first.code, first.visit_id, first.valid) == ("floor", visit.pk, True)

    assert answer(token)["valid"] and answer(token)["valid"]
    assert ScanLog.objects.count() == 1 and len(floor._pending) == 2
    assert answer(token)["valid"]  # the third repeat fills the batch: written
    assert ScanLog.objects.count() == 4 and floor._pending == []
    assert shown() == [visit.pk]


def test_a_cancelled_visit_and_a_forged_code_are_refused_and_nothing_is_written(floor, visit_world):
    visit = planned_visit(visit_world).visit
    Visit.objects.filter(pk=visit.pk).update(status="cancelled")
    assert answer(sign(visit.pk, visit_world.lead.credential.pk, GATE))["valid"] is False
    assert answer("not-a-token")["valid"] is False
    assert answer(sign(visit.pk + 999, visit_world.lead.credential.pk, GATE))["valid"] is False
    assert ScanLog.objects.count() == 0 and shown() == []


def test_a_visit_of_another_day_is_refused(floor, visit_world):
    visit = planned_visit(visit_world, when=VISIT_DAY + timedelta(days=1)).visit
    assert answer(sign(visit.pk, visit_world.lead.credential.pk, GATE))["valid"] is False


def test_batched_the_first_scan_waits_for_the_batch_too(floor, visit_world, monkeypatch):
    monkeypatch.setattr(benchviews, "FIRST_BATCHED", True)
    visit = planned_visit(visit_world).visit
    token = sign(visit.pk, visit_world.lead.credential.pk, GATE)
    assert answer(token)["valid"]
    assert ScanLog.objects.count() == 0 and shown() == [] and len(floor._pending) == 1
