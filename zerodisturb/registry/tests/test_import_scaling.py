"""The import's cost per row: no query per existing record, whatever the file's size."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zerodisturb.audit.models import AuditEvent
from zerodisturb.registry.importing import import_workbook
from zerodisturb.registry.models import Organisation
from zerodisturb.registry.tests.workbooks import enterprise_rows, person_row, workbook_bytes

pytestmark = pytest.mark.django_db


def _reimport_queries(rows: int, town: str) -> int:
    data = workbook_bytes(enterprise_rows(rows, town, seed=rows))
    assert import_workbook(None, data, "330282").results["enterprises"].created == rows
    with CaptureQueriesContext(connection) as queries:
        again = import_workbook(None, data, "330282")
    assert again.results["enterprises"].unchanged == rows
    return len(queries)


def test_reimport_queries_do_not_grow_with_the_rows(county):
    # Comparing an existing record's locality once fetched the locality: a query per row.
    assert _reimport_queries(300, county.town.name) == _reimport_queries(30, county.town.name)


def test_moving_an_enterprise_to_another_locality_is_an_update_with_the_ids(county):
    rows = enterprise_rows(2, county.town.name, seed=3)
    import_workbook(None, workbook_bytes(rows), "330282")
    rows[0][2] = county.other_town.name
    report = import_workbook(None, workbook_bytes(rows), "330282")
    assert (report.results["enterprises"].updated, report.results["enterprises"].unchanged) == (
        1,
        1,
    )
    moved = Organisation.objects.get(credit_code=rows[0][1])
    assert moved.locality == county.other_town
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.payload["changes"] == {"locality": [county.town.pk, county.other_town.pk]}


def test_import_finds_existing_records_by_index_not_by_scanning_the_table(county):
    # The key indexes are partial (non-empty codes only); a look-up that does not say "non-empty"
    # cannot use them and reads the whole table once per chunk: quadratic at 100,000 rows.
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plans")
    people = [person_row(county.orgs["provider"].credit_code)]
    data = workbook_bytes(enterprise_rows(20, county.town.name, seed=4), people=people)
    assert import_workbook(None, data, "330282").ok
    with CaptureQueriesContext(connection) as queries:
        assert import_workbook(None, data, "330282").ok
    looked_up = 0
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.startswith("SELECT") or not re.search(
                r"registry_(organisation|person)", sql
            ):
                continue
            plan = [row[-1] for row in cursor.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()]
            assert not [step for step in plan if re.match(r"SCAN registry_", step)], (sql, plan)
            looked_up += 1
    assert looked_up >= 3  # enterprises, the people's unit, people
