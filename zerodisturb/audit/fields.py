"""The payload column: a dict kept as the exact canonical JSON text that the chain hashes."""

from __future__ import annotations

import json

from django.db import models

from zerodisturb.audit.chain import canonical_payload


class CanonicalJSONField(models.TextField):
    """Reads and writes a dict like a JSONField, stores `chain.canonical_payload(value)`.

    A jsonb column would store its own text form (other key order, spaces), so verification would
    have to rebuild the hashed bytes in Python. Kept as the hashed text, the database can hash it as
    it is (see chain.ROW_HASH_SQL). JSON key lookups (payload__key) are not available.
    """

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(value)

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        return None if value is None else canonical_payload(value)

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))
