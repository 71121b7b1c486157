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
