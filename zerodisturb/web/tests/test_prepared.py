"""PreparedValues gives the rows the ORM's own values_list() gives, converted the same way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zerodisturb.prepared import PreparedValues
from zerodisturb.registry.models import Organisation

pytestmark = pytest.mark.django_db


def query(pk):
    return Organisation.objects.filter(pk=pk).values_list("name", "created_at", "locality__name")


def test_rows_equal_the_orms_for_each_value(county):
    prepared = PreparedValues(Organisation, query)
    orgs = list(Organisation.objects.filter(county_code=county.code)[:5])
    assert len(orgs) == 5
    for org in orgs:
        assert prepared.rows(org.pk) == list(query(org.pk))
    assert prepared.rows(10**9) == []
    created = prepared.rows(orgs[0].pk)[0][1]
    assert timezone.is_aware(created) and abs(created - timezone.now()) < timedelta(hours=1)


def test_compiled_once_then_one_query_per_run(county):
    calls = []
    prepared = PreparedValues(Organisation, lambda pk: calls.append(pk) or query(pk))
    pk = Organisation.objects.filter(county_code=county.code).first().pk
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            prepared.rows(pk)
    assert len(calls) == 1 and len(queries) == 3


def test_a_query_not_taking_the_value_once_is_refused(county):
    prepared = PreparedValues(Organisation, lambda pk: Organisation.objects.values_list("name"))
    with pytest.raises(ValueError):
        prepared.rows(1)


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_on_postgresql_the_query_is_prepared_once_per_connection(county):
    connection.ensure_connection()
    assert connection.connection.prepare_threshold == 0  # settings: DB_PREPARED_STATEMENTS
    prepared = PreparedValues(Organisation, query)
    org = Organisation.objects.filter(county_code=county.code).first()
    before = prepared_statements()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert prepared.rows(org.pk) == list(query(org.pk))
    assert len(queries) == 3 * 2  # ours and the ORM's, each logged as usual
    ours = queries.captured_queries[0]["sql"]  # with its value written out, as Django's are
    assert ours.startswith("SELECT") and f"= {org.pk}" in ours
    new = [s for s in prepared_statements() if s not in before]
    assert len(new) == 1 and "registry_organisation" in new[0]  # ours, once; never the ORM's


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_with_prepared_statements_off_nothing_is_prepared(county):
    connection.ensure_connection()
    connection.connection.prepare_threshold = None  # as with DB_PREPARED_STATEMENTS=false
    try:
        prepared = PreparedValues(Organisation, query)
        org = Organisation.objects.filter(county_code=county.code).first()
        before = prepared_statements()
        assert prepared.rows(org.pk) == list(query(org.pk))
        assert prepared_statements() == before
    finally:
        connection.connection.prepare_threshold = 0


def test_the_setting_turns_prepared_statements_off(monkeypatch):
    import importlib

    import zerodisturb.settings as project_settings

    url = "postgres://u@127.0.0.1:5432/db"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATABASE_REPLICA_URL", url)
    try:
        on = importlib.reload(project_settings).DATABASES
        assert {db["OPTIONS"]["prepare_threshold"] for db in on.values()} == {0}
        monkeypatch.setenv("DB_PREPARED_STATEMENTS", "false")
        off = importlib.reload(project_settings).DATABASES
        assert all("prepare_threshold" not in db.get("OPTIONS", {}) for db in off.values())
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)
