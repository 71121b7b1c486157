"""PostgreSQL: audit events range-partitioned by year of occurred_at (SQLite is left as it is).

seq and hash stay unique per partition with occurred_at in the key; across partitions the chain
head's row lock hands out each seq once and verify_chain names any duplicate. The append-only
trigger is put back on the partitioned table, which clones it onto every partition.
"""

from django.db import migrations

from zerodisturb.partitions import partition_by_year

APPEND_ONLY = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    partition_by_year(schema_editor, "audit_auditevent", "occurred_at")
    schema_editor.execute(APPEND_ONLY, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
