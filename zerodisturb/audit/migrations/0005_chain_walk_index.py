"""PostgreSQL: an index that holds what verify_chain reads, so the walk never visits the rows.

The walk reads seq, id, prev_hash, hash and row_hash of every event in seq order; from this index
alone (an index-only scan) that is about a third of the bytes of the table. Measured on 1.56M
events: 1.2-1.4 s of backend CPU per walk instead of 1.8-2.1 s.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS audit_auditevent_chain_walk ON audit_auditevent (seq) "
    "INCLUDE (id, prev_hash, hash, row_hash)"
)
DROP = "DROP INDEX IF EXISTS audit_auditevent_chain_walk"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_payload_canonical_text")]
    operations = [migrations.RunPython(forward, backward)]
