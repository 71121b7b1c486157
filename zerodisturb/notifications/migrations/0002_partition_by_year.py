"""PostgreSQL: notifications range-partitioned by year of created_at (SQLite is left as it is).

"Once per recipient and dedupe key" must hold across years, so notify_once stays global through
a key table kept by a trigger; notify() still gets its IntegrityError on a second send.
"""

from django.db import migrations

from zerodisturb.partitions import partition_by_year


def forward(apps, schema_editor):
    partition_by_year(
        schema_editor,
        "notifications_notification",
        "created_at",
        global_unique={"notify_once": ["recipient_id", "dedupe_key"]},
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
