"""PostgreSQL only: twenty phones confirming one arrival make one check-in; the last slot goes once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from zerodisturb.audit.models import AuditEvent
from zerodisturb.audit.verify import verify_chain
from zerodisturb.credentials.tokens import sign
from zerodisturb.testing.commissioning import panel_fixture  # noqa: F401  (a fixture)
from zerodisturb.testing.visits import (  # noqa: F401  (visit_world is a fixture)
    VISIT_DAY,
    escort_for,
    plan_args,
    planned_visit,
    visit_world_fixture,
)
from zerodisturb.visits.choices import VisitStatus
from zerodisturb.visits.frequency import counted_visits
from zerodisturb.visits.models import Visit
from zerodisturb.visits.scanning import scan
from zerodisturb.visits.services import check_in, plan_visit

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

GATE = VISIT_DAY + timedelta(minutes=5)


def race(jobs: list) -> tuple[list, list]:
    """Run the callables at the same moment, one thread each; (results, errors)."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []

    def run(job) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(job())
        except Exception as exc:  # collected and asserted by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_twenty_simultaneous_check_ins_make_one(visit_world):
    visit = planned_visit(visit_world).visit
    token = sign(visit.pk, visit_world.lead.credential.pk, GATE)
    assert scan(token, GATE, visit_world.enterprise_user).valid
    # The enterprise contact and the escort, on ten phones each.
    actors = [visit_world.enterprise_user, visit_world.lead.escort_user] * 10

    results, errors = race(
        [lambda actor=actor: check_in(actor, visit, now=GATE) for actor in actors]
    )

    assert errors == []
    assert len(results) == 20
    assert sum(claimed for _, claimed in results) == 1
    assert {v.pk for v, _ in results} == {visit.pk}
    assert all(v.status == VisitStatus.IN_PROGRESS for v, _ in results)
    visit.refresh_from_db()
    assert (visit.status, visit.checked_in_at) == (VisitStatus.IN_PROGRESS, GATE)
    assert AuditEvent.objects.filter(action="visit.check_in").count() == 1
    report = verify_chain()
    assert report.ok, report.message()


def test_two_officers_taking_the_last_slot_at_once(visit_world):
    lead = visit_world.lead
    planned_visit(visit_world)  # one of two used
    agency = lead.officer.organisation
    second_escort, second_officer = escort_for(agency, "second_officer_same_agency")
    second_officer.person = None  # plans, does not escort
    second_officer.save(update_fields=["person"])
    enterprise = visit_world.enterprise

    def plan_by(officer, escort, days: int):
        args = plan_args(lead, enterprise, VISIT_DAY + timedelta(days=days), officers=[escort])
        return lambda: plan_visit(officer, **args)

    results, errors = race(
        [plan_by(lead.officer, lead.escort, 7), plan_by(second_officer, second_escort, 8)]
    )

    assert len(results) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert "已达上限" in errors[0].message_dict["enterprise"][0]
    assert Visit.objects.count() == 2
    assert counted_visits(agency.pk, enterprise.pk, 2026) == 2


def test_eight_phones_scanning_a_fresh_code_at_once_build_and_record_it_once(
    visit_world, monkeypatch
):
    from zerodisturb.visits import scancache, scanning
    from zerodisturb.visits.models import ScanLog

    visit = planned_visit(visit_world).visit
    token = sign(visit.pk, visit_world.lead.credential.pk, GATE)
    builds, records = [], []
    build, record = scancache.build, scanning._record_first

    # The first build and the first record each hold on until the seven other phones wait for
    # them: every scan then meets the work in flight, whatever the threads' timing.
    def counted_build(visit_id, credential_id, current):
        builds.append(1)
        key = scancache.facts_key(visit_id, credential_id, current)
        assert scancache._builds.wait_for_waiting(key, 7), "the other scans built for themselves"
        return build(visit_id, credential_id, current)

    def counted_record(result, *args):
        records.append(1)
        key = (result.visit_id, result.credential_id)
        assert scanning._first_scans.wait_for_waiting(key, 7), "the others recorded themselves"
        return record(result, *args)

    monkeypatch.setattr(scancache, "build", counted_build)
    monkeypatch.setattr(scanning, "_record_first", counted_record)

    results, errors = race([lambda: scan(token, GATE) for _ in range(8)])

    assert errors == []
    assert [r.valid for r in results] == [True] * 8
    assert (len(builds), len(records)) == (1, 1)
    assert ScanLog.objects.filter(visit=visit, valid=True).count() == 8
    visit.refresh_from_db()
    assert visit.valid_scan_at == GATE


def test_first_scans_of_eight_visits_at_once_are_each_recorded_once(visit_world):
    from zerodisturb.visits.models import ScanLog

    visits = [
        planned_visit(
            visit_world,
            VISIT_DAY + timedelta(minutes=n),
            kind="complaint",
            reason="企业投诉核查",
            plan=None,
        ).visit
        for n in range(8)
    ]
    credential = visit_world.lead.credential.pk

    results, errors = race(
        [lambda v=v: scan(sign(v.pk, credential, GATE), GATE) for v in visits for _ in range(2)]
    )

    assert errors == []
    assert len(results) == 16 and all(r.valid for r in results)
    assert ScanLog.objects.filter(valid=True).count() == 16
    for visit in visits:
        visit.refresh_from_db()
        assert visit.valid_scan_at == GATE


def test_the_scan_log_commits_without_waiting_for_the_flush_but_a_check_in_waits(visit_world):
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    def no_wait(captured) -> list[str]:
        return [q["sql"] for q in captured.captured_queries if "synchronous_commit" in q["sql"]]

    visit = planned_visit(visit_world).visit
    token = sign(visit.pk, visit_world.lead.credential.pk, GATE)
    with CaptureQueriesContext(connection) as first:
        assert scan(token, GATE, visit_world.enterprise_user).valid
    with CaptureQueriesContext(connection) as arrival:
        check_in(visit_world.enterprise_user, visit, now=GATE)
    # The first scan's one statement sets it for its own transaction (set_config(..., true)).
    assert [q for q in no_wait(first) if "set_config('synchronous_commit', 'off', true)" in q]
    assert no_wait(arrival) == []
    with connection.cursor() as cursor:  # a local setting: gone with the scan's transaction
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"

    # The repeat scans' batch, written by the journal in a transaction of its own: the same.
    from zerodisturb.visits.scanjournal import ScanJournal
    from zerodisturb.visits.scanning import _row, _write_batch

    journal = ScanJournal(_write_batch, timer=False)
    journal.add(_row(scan(token, GATE), token, None, GATE))
    with CaptureQueriesContext(connection) as batch:
        assert journal.flush() == 1
    assert no_wait(batch) == ["SET LOCAL synchronous_commit TO OFF"]

    # Inside a caller's transaction the setting would reach the caller's own writes: not there.
    other = planned_visit(visit_world, VISIT_DAY + timedelta(hours=3)).visit
    with CaptureQueriesContext(connection) as inside, transaction.atomic():
        assert scan(sign(other.pk, visit_world.lead.credential.pk, GATE), GATE).valid
    assert no_wait(inside) == []
    other.refresh_from_db()
    assert other.valid_scan_at == GATE
