"""Several counties in one database: every operation of the JSON API, for every role of a county.

The operations come from /api/openapi.json, so a new endpoint is covered (or fails here until its
path parameter is placed in RECORD_OF). Lists, figures and counts of a 慈溪市 user are the same
before and after 余姚市 is added and never name it; an operation on a 余姚市 record answers as for a
record that does not exist; 宁波市's users read 余姚市's records as 余姚市's own do and change nothing.
"""

from __future__ import annotations

import re

import pytest

from zerodisturb.api import api
from zerodisturb.audit.models import AuditEvent
from zerodisturb.web.tests.isolation import (
    CITY_ROLES,
    COUNTY_ROLES,
    MISSING,
    _db_in_world,  # noqa: F401  (autouse fixture)
    body_text,
    city_world,
    client_for,
    leaks,
    normalised,
)

SCHEMA = api.get_openapi_schema()
# The record a path parameter names; per path where one name means different things.
RECORD_OF = {
    "org_id": "enterprise",
    "person_id": "person",
    "item_id": "item",
    "contract_id": "contract",
    "credential_id": "credential",
    "visit_id": "visit",
    "evaluation_id": "evaluation",
    "ticket_id": "ticket",
    "complaint_id": "complaint",
    "problem_id": "problem",
    "case_id": "exit_case",
    "alert_id": "alert",
    "survey_id": "survey",
    "invitation_id": "invitation",
    "job_id": "import_job",
}
PER_PATH = {"/api/v1/scorecards/{org_id}": {"org_id": "provider"}}
FIXED = {"action": "acknowledge"}
QUERY = "?period=year&year=2026"


def _public(path: str) -> bool:
    return "/public/" in path or path.endswith("/public")


LISTS = sorted(
    path
    for path, ops in SCHEMA["paths"].items()
    if "get" in ops and "{" not in path and not _public(path) and path != "/api/v1/me"
)
WITH_RECORD = sorted(
    (method, path)
    for path, ops in SCHEMA["paths"].items()
    if "{" in path and not _public(path)
    for method in ops
)


def url_for(path: str, records: dict | None) -> str:
    def fill(match):
        name = match.group(1)
        if name in FIXED:
            return FIXED[name]
        what = PER_PATH.get(path, {}).get(name) or RECORD_OF.get(name)
        assert what, f"{path}: add what {{{name}}} names to RECORD_OF"
        return str(MISSING if records is None else records[what].pk)

    return re.sub(r"\{(\w+)\}", fill, path)


def snapshot(here) -> dict:
    seen = {}
    for role in COUNTY_ROLES:
        client = client_for(here.county.users[role])
        for path in LISTS:
            response = client.get(path + QUERY)
            seen[(role, path)] = response.status_code, normalised(body_text(response))
    return seen


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from city_world(django_db_blocker, tmp_path_factory, snapshot)


def test_every_operation_is_placed():
    assert "/api/v1/visits" in LISTS and "/api/v1/oversight/kpis" in LISTS
    for _method, path in WITH_RECORD:
        url_for(path, None)


def _call(client, method: str, url: str):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, data="{}", content_type="application/json")


@pytest.mark.parametrize("role", COUNTY_ROLES)
def test_lists_and_figures_unchanged_by_another_county(world, role):
    client = client_for(world.here.county.users[role])
    for path in LISTS:
        response = client.get(path + QUERY)
        text = normalised(body_text(response))
        assert not leaks(text), (role, path)
        assert (response.status_code, text) == world.before[(role, path)], (role, path)


@pytest.mark.parametrize("role", COUNTY_ROLES)
def test_filters_naming_the_other_county_show_nothing_of_it(world, role):
    client = client_for(world.here.county.users[role])
    r, there = world.there.records, world.there
    query = (
        f"{QUERY}&county={there.code}&agency={r['agency'].pk}&provider={r['provider'].pk}"
        f"&enterprise={r['enterprise'].pk}&locality={there.county.town.pk}"
        f"&when=2026-05-12T09:00:00%2B08:00&q=兴科化纤"
    )
    for path in LISTS:
        response = client.get(path + query)
        assert response.status_code < 500, path
        assert not leaks(body_text(response)), (role, path)


@pytest.mark.parametrize("role", COUNTY_ROLES)
def test_records_of_the_other_county_answer_as_if_missing(world, role):
    client = client_for(world.here.county.users[role])
    events = AuditEvent.objects.filter(county_code=world.there.code).count()
    wrong = []
    for method, path in WITH_RECORD:
        got = _call(client, method, url_for(path, world.there.records))
        expected = _call(client, method, url_for(path, None))
        if got.status_code != expected.status_code or leaks(body_text(got)):
            wrong.append(f"{method.upper()} {path}: {got.status_code}, not {expected.status_code}")
    assert not wrong
    assert AuditEvent.objects.filter(county_code=world.there.code).count() == events


@pytest.mark.parametrize("role", COUNTY_ROLES)
def test_own_records_name_nothing_of_the_other_county(world, role):
    client = client_for(world.here.county.users[role])
    for method, path in WITH_RECORD:
        if method == "get":
            response = client.get(url_for(path, world.here.records))
            assert response.status_code < 500, path
            assert not leaks(body_text(response)), (role, path)


@pytest.mark.parametrize("role", CITY_ROLES)
def test_the_city_reads_each_county_like_its_own_users(world, role):
    city = client_for(world.city_users[role])
    for rich in (world.here, world.there):
        own = client_for(rich.county.users[role])
        for method, path in WITH_RECORD:
            if method == "get" and "{job_id}" not in path:  # an import is its uploader's
                url = url_for(path, rich.records)
                assert city.get(url).status_code == own.get(url).status_code, (role, url)
        listed = city.get("/api/v1/visits").json()
        assert rich.records["visit"].number in str(listed) or listed["count"] > 22


@pytest.mark.parametrize("role", CITY_ROLES)
def test_the_city_changes_nothing_in_a_county(world, role):
    city = client_for(world.city_users[role])
    events = AuditEvent.objects.exclude(county_code="330200").count()
    for method, path in WITH_RECORD:
        if method != "get":
            url = url_for(path, world.there.records)
            response = getattr(city, method)(
                url,
                data='{"reason": "市级抽查", "note": "市级抽查"}',
                content_type="application/json",
            )
            assert response.status_code < 500, path
    assert AuditEvent.objects.exclude(county_code="330200").count() == events
