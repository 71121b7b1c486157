"""Human-readable numbers (WT-330282-2026-0007): gap-free per key, safe under concurrent writers."""

from django.db import connection
from django.db.models import F

from zerodisturb.registry.models.sequences import NumberSequence


def next_number(key: str) -> int:
    """Call inside the transaction that uses the number; the row lock holds until it ends."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_number must run inside a transaction")
    NumberSequence.objects.get_or_create(key=key)
    NumberSequence.objects.filter(key=key).update(value=F("value") + 1)
    return NumberSequence.objects.get(key=key).value
