"""The payload is kept as its canonical JSON text; on PostgreSQL a generated row_hash column.

Existing rows get the text `chain.canonical_payload` makes of the dict the old column returns,
which is what verify_chain hashed until now, so every existing hash stays valid. On PostgreSQL the
append-only trigger is lifted for the backfill, inside this migration's transaction, and put back
before it commits. row_hash is PostgreSQL's own event_hash of the row (see chain.ROW_HASH_SQL; the
expression is frozen here as it was when the column was made).
"""

import json

from django.db import migrations

import zerodisturb.audit.fields
from zerodisturb.audit.chain import canonical_payload

TRIGGER_OFF = "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent"
TRIGGER_ON = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
BATCH = 5000


def _string(column):
    return f"left(substr(json_object(ARRAY['k'], ARRAY[{column}::text])::text, 8), -1)"


def _int(column):
    return f"coalesce({column}::text, 'null')"


CANONICAL = " || ".join(
    [
        """'{"action":'""",
        _string("action"),
        """',"actor_id":'""",
        _int("actor_id"),
        """',"actor_label":'""",
        _string("actor_label"),
        """',"county_code":'""",
        _string("county_code"),
        """',"object_id":'""",
        _string("object_id"),
        """',"object_number":'""",
        _string("object_number"),
        """',"object_type":'""",
        _string("object_type"),
        """',"occurred_at":'""",
        "(extract(epoch FROM occurred_at - timestamptz '1970-01-01 00:00:00+00') * 1000000)"
        "::bigint::text",
        """',"organisation_id":'""",
        _int("organisation_id"),
        """',"organisation_label":'""",
        _string("organisation_label"),
        """',"payload":'""",
        "payload",
        """',"request_id":'""",
        _string("request_id"),
        """',"seq":'""",
        "seq::text",
        "'}'",
    ]
)
ROW_HASH = (
    f"encode(sha256(decode(replace({CANONICAL} || prev_hash, '\\', '\\\\'), 'escape')),"
    " 'hex')"
)


def fill_payload_text(apps, schema_editor):
    connection = schema_editor.connection
    postgres = connection.vendor == "postgresql"
    source = "payload::text" if postgres else "payload"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(TRIGGER_OFF)
        cursor.execute("SELECT coalesce(max(id), 0) FROM audit_auditevent")
        last_id, done = cursor.fetchone()[0], 0
        while done < last_id:
            cursor.execute(
                f"SELECT id, {source} FROM audit_auditevent WHERE id > %s AND id <= %s",
                [done, done + BATCH],
            )
            rows = [(canonical_payload(json.loads(p)), pk) for pk, p in cursor.fetchall()]
            if rows and postgres:
                cursor.execute(
                    "UPDATE audit_auditevent e SET payload_text = v.t FROM "
                    "unnest(%s::bigint[], %s::text[]) AS v(id, t) WHERE e.id = v.id",
                    [[pk for _, pk in rows], [t for t, _ in rows]],
                )
            elif rows:
                cursor.executemany(
                    "UPDATE audit_auditevent SET payload_text = %s WHERE id = %s", rows
                )
            done += BATCH
        if postgres:
            cursor.execute(TRIGGER_ON)
            # ALTER TABLE below refuses to run while deferred foreign-key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def restore_payload_json(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        if postgres:
            cursor.execute(TRIGGER_OFF)
        cast = "::jsonb" if postgres else ""
        cursor.execute(f"UPDATE audit_auditevent SET payload = payload_text{cast}")
        if postgres:
            cursor.execute(TRIGGER_ON)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def add_row_hash(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE audit_auditevent ADD COLUMN row_hash text "
            f"GENERATED ALWAYS AS ({ROW_HASH}) STORED",
            params=None,
        )


def drop_row_hash(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE audit_auditevent DROP COLUMN row_hash", params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_partition_by_year")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="payload_text",
            field=zerodisturb.audit.fields.CanonicalJSONField(blank=True, default=dict),
        ),
        migrations.RunPython(fill_payload_text, restore_payload_json),
        migrations.RemoveField(model_name="auditevent", name="payload"),
        migrations.RenameField(
            model_name="auditevent", old_name="payload_text", new_name="payload"
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="payload",
            field=zerodisturb.audit.fields.CanonicalJSONField(
                blank=True, default=dict, verbose_name="变更内容"
            ),
        ),
        migrations.RunPython(add_row_hash, drop_row_hash),
    ]
