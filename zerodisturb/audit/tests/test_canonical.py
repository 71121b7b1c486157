"""The hashed bytes rebuilt from stored columns (Python and PostgreSQL) equal canonical_bytes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zerodisturb.audit.chain import _json_string, canonical_bytes, canonical_payload, row_canonical
from zerodisturb.audit.context import current_request_id
from zerodisturb.audit.services import PendingEvent, record_events
from zerodisturb.audit.verify import _occurred_us, verify_chain

# Any text a database column can hold: control characters, U+2028, emoji; not NUL or surrogates.
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
MOMENTS = st.datetimes(datetime(1900, 1, 1), datetime(2200, 1, 1), timezones=st.just(UTC))
IDS = st.none() | st.integers(1, 2**62)
NO_DB_CHECKS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@given(
    strings=st.lists(TEXT, min_size=8, max_size=8),
    ids=st.tuples(IDS, IDS),
    seq=st.integers(1, 2**62),
    occurred=MOMENTS,
    payload=st.dictionaries(TEXT, JSON, max_size=4),
)
def test_python_rebuild_from_columns_equals_canonical_bytes(strings, ids, seq, occurred, payload):
    action, actor_label, county, object_id, number, object_type, org_label, request_id = strings
    fields = {
        "seq": seq,
        "occurred_at": occurred,
        "actor_id": ids[0],
        "actor_label": actor_label,
        "organisation_id": ids[1],
        "organisation_label": org_label,
        "county_code": county,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_number": number,
        "payload": payload,
        "request_id": request_id,
    }
    rebuilt = row_canonical(
        action, ids[0], actor_label, county, object_id, number, object_type,
        _occurred_us(occurred), ids[1], org_label, canonical_payload(payload), request_id, seq,
    )  # fmt: skip
    assert rebuilt == canonical_bytes(fields)


def test_sqlite_style_naive_utc_text_gives_the_same_microseconds():
    moment = datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert _occurred_us(str(moment.replace(tzinfo=None))) == _occurred_us(moment) == -1


@pytest.mark.django_db
@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
def test_postgres_escapes_strings_as_json_dumps_does(text):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_json_string('%s')}", [text])
        assert cursor.fetchone()[0] == json.dumps(text, ensure_ascii=False)


@pytest.mark.django_db
@NO_DB_CHECKS
@given(
    strings=st.lists(TEXT.map(lambda s: s[:6]), min_size=5, max_size=5),
    request_id=TEXT,
    occurred=MOMENTS,
    payload=st.dictionaries(TEXT, JSON, max_size=4),
)
def test_any_event_verifies_and_postgres_computes_its_hash(strings, request_id, occurred, payload):
    action, object_type, object_id, number, county = strings
    token = current_request_id.set(request_id)
    try:
        with mock.patch.object(timezone, "now", return_value=occurred), transaction.atomic():
            event = record_events(
                None, [PendingEvent(action, object_type, object_id, number, county, payload)]
            )[0]
    finally:
        current_request_id.reset(token)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT row_hash FROM audit_auditevent WHERE id = %s", [event.pk])
            assert cursor.fetchone()[0] == event.hash
    report = verify_chain()
    assert report.ok, report.message()
