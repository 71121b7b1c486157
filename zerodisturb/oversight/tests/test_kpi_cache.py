"""The figures read from the rollups are cached, and a rollup run makes the next load read anew.

The cache is keyed by the rollups' version (last run and its stamp), the county, the period, the
filters and the viewer's forced scope: no figure outlives a run, and no viewer gets another's.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zerodisturb.audit.services import record_event
from zerodisturb.conftest import login_client
from zerodisturb.oversight.rollups import refresh
from zerodisturb.oversight.tests.scenario import NOW, at

pytestmark = pytest.mark.django_db
KPIS = "/api/v1/oversight/kpis?year=2026&period=year"


def visits(client, query: str = "") -> float:
    answer = client.get(KPIS + query)
    assert answer.status_code == 200, answer.content
    return next(k for k in answer.json()["kpis"] if k["key"] == "visits")["value"]


def queries(client) -> int:
    with CaptureQueriesContext(connection) as done:
        client.get(KPIS)
    return len(done)


def test_a_rollup_run_shows_new_visits_at_once_even_with_the_same_now(dash):
    dash.visit(at(2026, 3, 2))
    dash.rollup()
    supervisor = login_client(dash.county.users["supervisor"])
    first = queries(supervisor)
    assert visits(supervisor) == 1
    assert queries(supervisor) < first  # the rollup sums came from the cache

    later = dash.visit(at(2026, 3, 3))
    record_event(dash.lead.officer, "visit.check_in", later, {})  # what refresh() follows
    assert visits(supervisor) == 1  # the dashboard reads the rollups, not the raw visits
    refresh(now=NOW)  # the worker's job; the same `now` as the run before
    assert visits(supervisor) == 2
    dash.visit(at(2026, 4, 1))
    dash.rollup()  # a full rebuild retires the cached figures as well
    assert visits(supervisor) == 3


def test_the_viewers_scope_and_the_filters_are_part_of_the_key(dash):
    dash.visit(at(2026, 3, 2))
    dash.visit(at(2026, 3, 3), party=dash.other)
    dash.visit(at(2026, 3, 4), party=dash.other)
    dash.rollup()
    supervisor = login_client(dash.county.users["supervisor"])
    assert visits(supervisor) == 3
    assert visits(login_client(dash.lead.officer)) == 1
    assert visits(login_client(dash.other.officer)) == 2
    assert visits(supervisor, f"&agency={dash.other.contract.agency_id}") == 2
    assert visits(supervisor) == 3
