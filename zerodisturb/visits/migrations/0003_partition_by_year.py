"""PostgreSQL: visits range-partitioned by year of window_start (SQLite is left as it is).

The foreign keys that pointed at visits_visit (parties, staff, officers, scans, findings,
documents, evaluations, invitations, rectifications, complaints) are dropped on PostgreSQL:
a partitioned table can only be referenced through a key that contains window_start. Django
still emulates on_delete, and the services only ever attach rows to a visit they just loaded.
Visit numbers come from the row-locked numbering sequence; the unique index keeps window_start.
"""

from django.db import migrations

from zerodisturb.partitions import partition_by_year


def forward(apps, schema_editor):
    partition_by_year(schema_editor, "visits_visit", "window_start")


class Migration(migrations.Migration):
    # Every migration that creates a foreign key to visits_visit must run before this one.
    dependencies = [
        ("visits", "0002_visit_overdue_notified_at"),
        ("complaints", "0001_initial"),
        ("evaluations", "0001_initial"),
    ]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
