"""How an audit event is hashed: canonical JSON of its fields followed by the previous hash."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from json.encoder import encode_basestring
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


def canonical_payload(payload: Any) -> str:
    """The payload exactly as `canonical_bytes` writes it inside an event (what the column keeps)."""
    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default
    )


def _int(value: int | None) -> str:
    return "null" if value is None else str(int(value))


def _str(value: str | None) -> str:
    return "null" if value is None else encode_basestring(str(value))


# The columns row_canonical takes, in the order of the canonical JSON keys.
CANONICAL_COLUMNS = (
    "action",
    "actor_id",
    "actor_label",
    "county_code",
    "object_id",
    "object_number",
    "object_type",
    "occurred_at",
    "organisation_id",
    "organisation_label",
    "payload",
    "request_id",
    "seq",
)


def row_canonical(
    action, actor_id, actor_label, county_code, object_id, object_number, object_type,
    occurred_us, organisation_id, organisation_label, payload_text, request_id, seq,
) -> bytes:  # fmt: skip
    """`canonical_bytes` rebuilt from stored columns, the stored payload text spliced in as is."""
    s = _str  # encode_basestring is the escaping json.dumps uses with ensure_ascii=False
    return (
        f'{{"action":{s(action)},"actor_id":{_int(actor_id)},"actor_label":{s(actor_label)},'
        f'"county_code":{s(county_code)},"object_id":{s(object_id)},'
        f'"object_number":{s(object_number)},"object_type":{s(object_type)},'
        f'"occurred_at":{int(occurred_us)},"organisation_id":{_int(organisation_id)},'
        f'"organisation_label":{s(organisation_label)},"payload":{payload_text},'
        f'"request_id":{s(request_id)},"seq":{int(seq)}}}'
    ).encode()


def _json_string(column: str) -> str:
    # json_object escapes like json.dumps(ensure_ascii=False) and, unlike to_json, is immutable,
    # as a generated column requires: '{"k" : "<escaped>"}' minus its first 7 and last characters.
    return f"left(substr(json_object(ARRAY['k'], ARRAY[{column}::text])::text, 8), -1)"


def _json_int(column: str) -> str:
    return f"coalesce({column}::text, 'null')"


# PostgreSQL's own computation of event_hash from the stored columns (payload is stored as its
# canonical text), kept in the generated column audit_auditevent.row_hash. Every write of a row,
# trigger or no trigger, recomputes it, so a changed column shows as row_hash <> hash.
# decode(replace(…), 'escape') is the immutable way to take the UTF-8 bytes of a text.
_CANONICAL_SQL = " || ".join(
    [
        """'{"action":'""",
        _json_string("action"),
        """',"actor_id":'""",
        _json_int("actor_id"),
        """',"actor_label":'""",
        _json_string("actor_label"),
        """',"county_code":'""",
        _json_string("county_code"),
        """',"object_id":'""",
        _json_string("object_id"),
        """',"object_number":'""",
        _json_string("object_number"),
        """',"object_type":'""",
        _json_string("object_type"),
        """',"occurred_at":'""",
        "(extract(epoch FROM occurred_at - timestamptz '1970-01-01 00:00:00+00') * 1000000)"
        "::bigint::text",
        """',"organisation_id":'""",
        _json_int("organisation_id"),
        """',"organisation_label":'""",
        _json_string("organisation_label"),
        """',"payload":'""",
        "payload",
        """',"request_id":'""",
        _json_string("request_id"),
        """',"seq":'""",
        "seq::text",
        "'}'",
    ]
)
ROW_HASH_SQL = (
    f"encode(sha256(decode(replace({_CANONICAL_SQL} || prev_hash, '\\', '\\\\'), 'escape')), 'hex')"
)
