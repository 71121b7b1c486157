"""Events written before the payload became canonical text still verify after the migration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from zerodisturb.audit.chain import event_hash
from zerodisturb.audit.models import GENESIS_HASH
from zerodisturb.audit.verify import verify_chain

BEFORE = [("audit", "0003_partition_by_year")]
AFTER = [("audit", "0005_chain_walk_index")]
# Key order, spacing and nesting that a jsonb or SQLite JSON column writes in its own way.
PAYLOADS = [
    {"z": 1, "a": ["中文", 1.5, None, True], "m": {"y": '换\n行"引号"', "b": -2}},
    {},
    {"visit": "RQ-330282-2026-000001", "reason": "企业负责人确认到达 \u2028 😀"},
]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_events_from_before_the_migration_verify_after_it():
    _migrate(BEFORE)
    try:
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        event_model, head_model = (
            old.get_model("audit", "AuditEvent"),
            old.get_model("audit", "ChainHead"),
        )
        prev_hash = GENESIS_HASH
        start = datetime(2025, 12, 31, 15, 59, 59, 999999, tzinfo=UTC)
        for seq, payload in enumerate(PAYLOADS, start=1):
            fields = {
                "seq": seq,
                "occurred_at": start + timedelta(microseconds=seq),
                "actor_id": None,
                "actor_label": "system",
                "organisation_id": None,
                "organisation_label": "",
                "county_code": "330282",
                "action": "test.before",
                "object_type": "test.thing",
                "object_id": str(seq),
                "object_number": f"T-{seq}",
                "payload": payload,
                "request_id": "",
            }
            digest = event_hash(fields, prev_hash)
            event_model.objects.create(**fields, prev_hash=prev_hash, hash=digest)
            prev_hash = digest
        head_model.objects.create(id=1, seq=len(PAYLOADS), last_hash=prev_hash)
    finally:
        _migrate(AFTER)
    report = verify_chain()
    assert report.ok and report.checked == len(PAYLOADS), report.message()
