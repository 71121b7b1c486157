"""How an audit event is hashed: canonical JSON of its fields followed by the previous hash."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "organisation_id",
    "organisation_label",
    "county_code",
    "action",
    "object_type",
    "object_id",
    "object_number",
    "payload",
    "request_id",
)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    data = {name: fields[name] for name in HASHED_FIELDS}
    # Timestamps are hashed as UTC microseconds so that a database round trip cannot change them.
    occurred = data["occurred_at"]
    if isinstance(occurred, datetime):
        data["occurred_at"] = (occurred - _EPOCH) // timedelta(microseconds=1)
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default
    ).encode("utf-8")


def event_hash(fields: dict[str, Any], prev_hash: str) -> str:
    digest = hashlib.sha256(canonical_bytes(fields))
    digest.update(prev_hash.encode("ascii"))
    return digest.hexdigest()
