"""Registry actions: create or update enterprises, providers and people, one at a time or in bulk.

Input comes already cleaned by `registry.cleaning`; every change writes its audit event in the same
transaction. Re-saving identical data changes nothing and writes no event.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zerodisturb.audit.services import PendingEvent, record_event, record_events
from zerodisturb.cachestamps import invalidate
from zerodisturb.registry.models import Organisation, Person
from zerodisturb.registry.pii import lookup_hash

ELSEWHERE = {
    "credit_code": "该统一社会信用代码已在其他区县登记，本县不能登记或修改它",
    "id_number": "该身份证号码已在其他区县登记，本县不能登记或修改该人员",
}


def _same_county(instance, clean: dict, field: str) -> None:
    if instance is not None and instance.county_code != clean.get("county_code"):
        raise ValidationError({field: ELSEWHERE[field]})
    if instance is not None and "kind" in clean and instance.kind != clean["kind"]:
        raise ValidationError(
            {field: f"该号码已登记为{instance.get_kind_display()}“{instance}”，不能改登为其他类型"}
        )


ORGANISATION_FIELDS = (
    "county_code",
    "kind",
    "name",
    "credit_code",
    "locality",
    "sector",
    "address",
    "contact_name",
    "contact_phone",
    "qualifications",
)
PERSON_FIELDS = ("county_code", "organisation", "kind", "name", "id_number", "phone", "title")
# Personal data never goes into the audit payload in clear.
_SECRET_FIELDS = {"contact_phone", "id_number", "phone"}


def _audit_value(name: str, value):
    if name in _SECRET_FIELDS:
        return "***" if value else ""
    if hasattr(value, "pk"):
        return value.pk
    return value


def _changes(instance, clean: dict, names: tuple[str, ...]) -> dict[str, list]:
    changes = {}
    for name in names:
        if name not in clean:
            continue
        old = None
        new = clean[name]
        if instance is not None:
            field = instance._meta.get_field(name)
            if field.is_relation:
                # Compare ids, as model equality does, without fetching the related row: that
                # was one query per record when a bulk import re-checks existing records.
                old, new = getattr(instance, field.attname), getattr(new, "pk", new)
            else:
                old = getattr(instance, name)
        if old != new and not (old in (None, "") and new in (None, "")):
            changes[name] = [_audit_value(name, old), _audit_value(name, new)]
    return changes


def _apply(instance, clean: dict, names: tuple[str, ...]) -> None:
    for name in names:
        if name in clean:
            setattr(instance, name, clean[name])


@transaction.atomic
def save_organisation(actor, clean: dict, instance: Organisation | None = None) -> Organisation:
    """Create, or update `instance` (or the one with the same credit code)."""
    if instance is None and clean.get("credit_code"):
        instance = (
            Organisation.objects.select_for_update()
            .filter(credit_code=clean["credit_code"])
            .first()
        )
    elif instance is not None and clean.get("credit_code"):
        clash = Organisation.objects.filter(credit_code=clean["credit_code"]).exclude(
            pk=instance.pk
        )
        if clash.exists():
            raise ValidationError({"credit_code": "该统一社会信用代码已属于另一家单位"})
    _same_county(instance, clean, "credit_code")
    changes = _changes(instance, clean, ORGANISATION_FIELDS)
    if instance is not None and not changes:
        return instance
    action = "organisation.update" if instance is not None else "organisation.create"
    instance = instance or Organisation()
    _apply(instance, clean, ORGANISATION_FIELDS)
    instance.contact_phone_hash = lookup_hash(instance.contact_phone)
    instance.full_clean(validate_unique=False)
    instance.save()
    record_event(actor, action, instance, {"kind": instance.kind, "changes": changes})
    return instance


@transaction.atomic
def save_person(actor, clean: dict, instance: Person | None = None) -> Person:
    """Create, or update `instance` (or the person with the same ID number)."""
    id_hash = lookup_hash(clean["id_number"]) if clean.get("id_number") else None
    if instance is None and id_hash:
        instance = Person.objects.select_for_update().filter(id_hash=id_hash).first()
    elif instance is not None and id_hash:
        if Person.objects.filter(id_hash=id_hash).exclude(pk=instance.pk).exists():
            raise ValidationError({"id_number": "该身份证号码已登记为另一人员"})
    _same_county(instance, clean, "id_number")
    changes = _changes(instance, clean, PERSON_FIELDS)
    if instance is not None and not changes:
        return instance
    action = "person.update" if instance is not None else "person.create"
    instance = instance or Person()
    _apply(instance, clean, PERSON_FIELDS)
    instance.id_hash = lookup_hash(instance.id_number)
    instance.phone_hash = lookup_hash(instance.phone)
    instance.save()
    record_event(
        actor,
        action,
        instance,
        {"kind": instance.kind, "changes": changes},
        object_number=instance.masked_id_number,
    )
    return instance


@transaction.atomic
def set_active(actor, obj: Organisation | Person, active: bool, reason: str = "") -> None:
    if obj.active == active:
        return
    type(obj).objects.filter(pk=obj.pk).update(active=active)
    invalidate("people")  # a scan refuses the credential of someone who left (visits.scancache)
    obj.active = active
    action = f"{obj._meta.model_name}.{'activate' if active else 'deactivate'}"
    record_event(actor, action, obj, {"reason": reason})


@dataclass
class BulkResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    events: list[PendingEvent] = field(default_factory=list)


def bulk_save_organisations(actor, rows: list[dict]) -> BulkResult:
    """Upsert many organisations keyed by credit code; call inside a transaction."""
    result = BulkResult()
    codes = [row["credit_code"] for row in rows]
    existing = {}
    # The only index on credit_code is the partial unique one (non-empty codes): saying so lets
    # the database use it instead of scanning the table for every chunk. No ordering: a dict.
    with_code = Organisation.objects.exclude(credit_code="").order_by()
    for start in range(0, len(codes), 2000):
        chunk = codes[start : start + 2000]
        existing.update({o.credit_code: o for o in with_code.filter(credit_code__in=chunk)})
    to_create, to_update, changed_fields = [], [], set()
    for row in rows:
        instance = existing.get(row["credit_code"])
        _same_county(instance, row, "credit_code")
        changes = _changes(instance, row, ORGANISATION_FIELDS)
        if instance is not None and not changes:
            result.unchanged += 1
            continue
        if instance is None:
            instance = Organisation()
            to_create.append(instance)
        else:
            to_update.append(instance)
            changed_fields.update(changes)
        _apply(instance, row, ORGANISATION_FIELDS)
        instance.contact_phone_hash = lookup_hash(instance.contact_phone)
        instance.updated_at = timezone.now()
        instance._audit_changes = changes
    Organisation.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        fields = sorted(changed_fields | {"contact_phone_hash", "updated_at"})
        Organisation.objects.bulk_update(to_update, fields, batch_size=1000)
    for action, items in (("organisation.create", to_create), ("organisation.update", to_update)):
        for org in items:
            result.events.append(
                PendingEvent(
                    action=action,
                    object_type="registry.organisation",
                    object_id=str(org.pk),
                    object_number=org.credit_code,
                    county_code=org.county_code,
                    payload={"kind": org.kind, "changes": org._audit_changes, "via": "import"},
                )
            )
    result.created, result.updated = len(to_create), len(to_update)
    return result


def bulk_save_people(actor, rows: list[dict]) -> BulkResult:
    """Upsert many people keyed by ID-number hash; call inside a transaction."""
    result = BulkResult()
    for row in rows:
        row["id_hash"] = lookup_hash(row["id_number"])
    hashes = [row["id_hash"] for row in rows]
    existing = {}
    # exclude(""): so the partial unique index is used; order_by(): no join for the ordering.
    with_hash = Person.objects.exclude(id_hash="").order_by()
    for start in range(0, len(hashes), 2000):
        chunk = hashes[start : start + 2000]
        existing.update({p.id_hash: p for p in with_hash.filter(id_hash__in=chunk)})
    to_create, to_update, changed_fields = [], [], set()
    for row in rows:
        instance = existing.get(row["id_hash"])
        _same_county(instance, row, "id_number")
        changes = _changes(instance, row, PERSON_FIELDS)
        if instance is not None and not changes:
            result.unchanged += 1
            continue
        if instance is None:
            instance = Person(id_hash=row["id_hash"])
            to_create.append(instance)
        else:
            to_update.append(instance)
            changed_fields.update(changes)
        _apply(instance, row, PERSON_FIELDS)
        instance.phone_hash = lookup_hash(instance.phone)
        instance.updated_at = timezone.now()
        instance._audit_changes = changes
    Person.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        fields = sorted(changed_fields | {"phone_hash", "updated_at"})
        Person.objects.bulk_update(to_update, fields, batch_size=1000)
    for action, items in (("person.create", to_create), ("person.update", to_update)):
        for person in items:
            result.events.append(
                PendingEvent(
                    action=action,
                    object_type="registry.person",
                    object_id=str(person.pk),
                    object_number=person.masked_id_number,
                    county_code=person.county_code,
                    payload={
                        "kind": person.kind,
                        "changes": person._audit_changes,
                        "via": "import",
                    },
                )
            )
    result.created, result.updated = len(to_create), len(to_update)
    return result


def write_bulk_events(actor, *results: BulkResult) -> None:
    record_events(actor, [event for result in results for event in result.events])
