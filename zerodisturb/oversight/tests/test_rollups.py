"""Rollups: the worker's incremental refresh from the audit trail, its idempotency, clocks that
run out, valid scans, and the rebuild command; and a property test: random scenarios give the
same figures from the rollups as from the raw records."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zerodisturb.audit.services import record_event
from zerodisturb.complaints.models import Complaint
from zerodisturb.evaluations.models import Evaluation, Rectification
from zerodisturb.oversight.catalogue import KPIS
from zerodisturb.oversight.deadlines import JOBS
from zerodisturb.oversight.figures import board, compute, totals
from zerodisturb.oversight.models import KpiRollup, RollupState
from zerodisturb.oversight.periods import Period
from zerodisturb.oversight.rollups import rebuild, refresh
from zerodisturb.oversight.tests.rawfigures import raw_totals
from zerodisturb.oversight.tests.scenario import NOW, at
from zerodisturb.visits.choices import VisitStatus
from zerodisturb.visits.models import ScanLog, Visit

pytestmark = pytest.mark.django_db
NO_FILTERS = {"agency": None, "provider": None, "locality": None, "domain": None}


def visits_2026(dash) -> float:
    return board(dash.code, Period(2026), NO_FILTERS).by_key()["visits"].value


def touch(obj, action="visit.check_in"):
    with transaction.atomic():
        record_event(None, action, obj, {})


def test_worker_job_registered():
    assert JOBS["kpi_rollups"] is refresh


def test_first_refresh_rebuilds_then_follows_the_audit_trail(dash):
    dash.visit(at(2026, 5, 12))
    refresh(now=NOW)
    state = RollupState.objects.get()
    assert state.refreshed_at == NOW
    assert visits_2026(dash) == 1
    # A change recorded in the audit trail is picked up by the next run …
    visit = dash.visit(at(2026, 5, 13))
    touch(visit)
    assert refresh(now=NOW + timedelta(minutes=10)) == 1
    assert visits_2026(dash) == 2
    # … running again changes nothing and recomputes nothing.
    rows = list(KpiRollup.objects.values_list("pk", "visits"))
    assert refresh(now=NOW + timedelta(minutes=20)) == 0
    assert list(KpiRollup.objects.values_list("pk", "visits")) == rows
    # A cancellation moves the figure back.
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.CANCELLED)
    touch(visit, "visit.cancel")
    refresh(now=NOW + timedelta(minutes=30))
    assert visits_2026(dash) == 1


def test_rows_written_without_an_audit_event_need_the_rebuild_command(dash):
    refresh(now=NOW)
    dash.visit(at(2026, 5, 12))
    refresh(now=NOW + timedelta(minutes=10))
    assert visits_2026(dash) == 0
    call_command("rebuild_kpi_rollups", county=dash.code)
    assert visits_2026(dash) == 1


def test_a_valid_scan_is_counted_at_the_next_refresh(dash):
    visit = dash.visit(at(2026, 5, 12), scanned=False)
    refresh(now=NOW)
    key = "code_shown_rate"
    assert board(dash.code, Period(2026), NO_FILTERS).by_key()[key].value == 0
    later = NOW + timedelta(minutes=5)
    Visit.objects.filter(pk=visit.pk).update(valid_scan_at=later)
    ScanLog.objects.create(
        county_code=dash.code,
        visit=visit,
        valid=True,
        code="",
        message="",
        token_hash="x",
        scanned_at=later,
    )
    refresh(now=NOW + timedelta(minutes=10))
    assert board(dash.code, Period(2026), NO_FILTERS).by_key()[key].value == 1.0


def test_clocks_that_run_out_are_counted_without_any_write(dash):
    received = NOW - timedelta(hours=1)
    dash.complaint(received)  # acknowledge due tomorrow
    refresh(now=NOW)
    rate = board(dash.code, Period(2026), NO_FILTERS).by_key()["complaint_ack_rate"]
    assert rate.value is None  # nothing due yet: "—"
    refresh(now=NOW + timedelta(days=3))
    rate = board(dash.code, Period(2026), NO_FILTERS).by_key()["complaint_ack_rate"]
    assert (rate.numerator, rate.denominator) == (0, 1)


# ── rollup equals raw, over random scenarios ─────────────────────────────────────────────────
visit_spec = st.fixed_dictionaries(
    {
        "day": st.integers(0, 729),  # 2025-01-01 … 2026-12-31
        "hour": st.sampled_from([0, 7, 9, 15, 23]),  # midnight in county time included
        "other_party": st.booleans(),
        "other_enterprise": st.booleans(),
        "status": st.sampled_from(list(VisitStatus.values)),
        "scanned": st.booleans(),
        "officer": st.booleans(),
        "joined": st.booleans(),
        "level": st.none() | st.integers(1, 5),
        "rect": st.none() | st.tuples(st.integers(-20, 40), st.none() | st.integers(-5, 30)),
        "complaint": st.none()
        | st.tuples(st.booleans(), st.none() | st.integers(0, 30), st.none() | st.integers(0, 40)),
    }
)
periods = st.sampled_from(
    [Period(2026), Period(2025), Period(2026, "quarter", 2), Period(2026, "month", 5)]
)
dims = st.sampled_from(["none", "agency", "provider", "locality", "domain"])


def build(dash, specs):
    for model in (Rectification, Evaluation, Complaint, Visit):
        model.objects.all().delete()
    start = date(2025, 1, 1)
    for s in specs:
        day = start + timedelta(days=s["day"])
        when = at(day.year, day.month, day.day, s["hour"])
        visit = dash.visit(
            when,
            party=dash.other if s["other_party"] else dash.lead,
            enterprise=dash.other_enterprise if s["other_enterprise"] else dash.enterprise,
            status=s["status"],
            scanned=s["scanned"],
            officer=s["officer"],
            joined_by=(dash.lead if s["other_party"] else dash.other) if s["joined"] else None,
        )
        if s["level"]:
            e = dash.evaluation(visit, s["level"], when + timedelta(hours=3))
            if s["rect"]:
                due, done = s["rect"]
                dash.rectification(
                    e,
                    day + timedelta(days=due),
                    when + timedelta(days=done) if done is not None else None,
                )
        if s["complaint"]:
            substantiated, acked, closed = s["complaint"]
            dash.complaint(
                when,
                visit=visit if s["other_party"] else None,
                acknowledged_at=when + timedelta(days=acked) if acked is not None else None,
                closed_at=when + timedelta(days=closed) if closed is not None else None,
                substantiated=substantiated,
                decided_at=when + timedelta(days=2) if substantiated else None,
            )


def filters_for(dash, dim):
    value = {
        "none": None,
        "agency": dash.other.contract.agency_id,
        "provider": dash.lead.contract.provider_id,
        "locality": dash.county.town.pk,
        "domain": dash.other.contract.item.current_version.domain_id,
    }[dim]
    return {**NO_FILTERS, dim: value} if value else dict(NO_FILTERS)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(visit_spec, max_size=12), period=periods, dim=dims)
def test_rollups_equal_raw(dash, specs, period, dim):
    build(dash, specs)
    rebuild(now=NOW)
    filters = filters_for(dash, dim)
    today = NOW.date()
    rolled = totals(dash.code, period.start, period.end, filters)
    raw = raw_totals(dash.code, period.start, period.end, filters, today)
    for col, value in raw.sums.items():
        assert rolled[col] == value, col
    assert rolled.enterprises == raw.enterprises
    for kpi in KPIS:
        assert compute(kpi, rolled) == compute(kpi, raw), kpi.key


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=st.lists(visit_spec, max_size=6), second=st.lists(visit_spec, max_size=6))
def test_incremental_refresh_equals_rebuild(dash, first, second):
    build(dash, first)
    RollupState.objects.all().delete()
    refresh(now=NOW)
    before = set(Visit.objects.values_list("pk", flat=True))
    # More rows arrive, each through an audited change; old ones are changed too.
    start = date(2025, 1, 1)
    for s in second:
        day = start + timedelta(days=s["day"])
        visit = dash.visit(at(day.year, day.month, day.day, s["hour"]), scanned=s["scanned"])
        touch(visit)
    for visit in Visit.objects.filter(pk__in=before)[:2]:
        Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.CANCELLED)
        touch(visit, "visit.cancel")
    later = NOW + timedelta(minutes=10)
    refresh(now=later)
    incremental = sorted(
        KpiRollup.objects.values_list(
            "day", "source", "agency_id", "provider_id", "locality_id", "domain_id", "visits"
        )
    )
    rebuild(now=later)
    rebuilt = sorted(
        KpiRollup.objects.values_list(
            "day", "source", "agency_id", "provider_id", "locality_id", "domain_id", "visits"
        )
    )
    assert incremental == rebuilt
