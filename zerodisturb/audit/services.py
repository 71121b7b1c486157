"""Appending to the audit chain. Call `record_event` inside the transaction that makes the change."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from zerodisturb.audit.chain import event_hash
from zerodisturb.audit.context import current_request_id
from zerodisturb.audit.models import AuditEvent, ChainHead


@dataclass
class PendingEvent:
    action: str
    object_type: str
    object_id: str = ""
    object_number: str = ""
    county_code: str = ""
    payload: dict[str, Any] = field(default_factory=dict)


def _json_safe(payload: dict[str, Any]) -> dict[str, Any]:
    # Decimals, dates and UUIDs become strings once, so the stored JSON hashes the same when read.
    return json.loads(json.dumps(payload, default=str, ensure_ascii=False))


def describe(obj: Any) -> tuple[str, str, str, str]:
    """(object_type, object_id, object_number, county_code) for a model instance."""
    object_type = f"{obj._meta.app_label}.{obj._meta.model_name}"
    number = getattr(obj, "number", "") or getattr(obj, "credit_code", "") or ""
    county = getattr(obj, "county_code", "") or ""
    return object_type, str(obj.pk), str(number), str(county)


def _lock_head(count: int) -> tuple[int, str]:
    """Reserve `count` sequence numbers; the row lock is held until the transaction ends."""
    ChainHead.objects.get_or_create(id=1)
    # UPDATE first: on PostgreSQL it takes the row lock, on SQLite the write lock, so two writers
    # can never read the same head.
    ChainHead.objects.filter(id=1).update(seq=F("seq") + count)
    head = ChainHead.objects.get(id=1)
    return head.seq - count, head.last_hash


def record_events(actor, events: list[PendingEvent]) -> list[AuditEvent]:
    """Append several events in order, with one lock on the chain head."""
    if not events:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("record_events must run inside the transaction that makes the change")
    actor_id = getattr(actor, "pk", None)
    actor_label = actor.get_username() if actor_id else "system"
    organisation = getattr(actor, "organisation", None) if actor_id else None
    organisation_id = getattr(organisation, "pk", None)
    organisation_label = str(organisation) if organisation else ""
    request_id = current_request_id.get()
    now = timezone.now()
    first_seq, prev_hash = _lock_head(len(events))
    rows = []
    for offset, pending in enumerate(events, start=1):
        fields = {
            "seq": first_seq + offset,
            "occurred_at": now,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "organisation_id": organisation_id,
            "organisation_label": organisation_label,
            "county_code": pending.county_code or getattr(organisation, "county_code", "") or "",
            "action": pending.action,
            "object_type": pending.object_type,
            "object_id": pending.object_id,
            "object_number": pending.object_number,
            "payload": _json_safe(pending.payload),
            "request_id": request_id,
        }
        digest = event_hash(fields, prev_hash)
        rows.append(AuditEvent(**fields, prev_hash=prev_hash, hash=digest))
        prev_hash = digest
    AuditEvent.objects.bulk_create(rows, batch_size=2000)
    ChainHead.objects.filter(id=1).update(last_hash=prev_hash)
    return rows


def record_event(
    actor, action: str, obj: Any = None, payload: dict[str, Any] | None = None, **describe_as
) -> AuditEvent:
    """Append one event about `obj` (a model instance) or about what `describe_as` names."""
    described = describe(obj) if obj is not None else ("", "", "", "")
    object_type, object_id, object_number, county_code = (
        describe_as.get(name) or value
        for name, value in zip(
            ("object_type", "object_id", "object_number", "county_code"), described, strict=True
        )
    )
    pending = PendingEvent(
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_number=object_number,
        county_code=county_code,
        payload=payload or {},
    )
    return record_events(actor, [pending])[0]


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
