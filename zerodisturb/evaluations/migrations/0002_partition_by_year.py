"""PostgreSQL: evaluations range-partitioned by year of submitted_at (SQLite is left as it is).

One evaluation per visit and enterprise must hold across years, so evaluation_once stays global
through a key table kept by a trigger (submit_evaluation still gets its IntegrityError). The
foreign keys from invitations and rectifications to evaluations are dropped on PostgreSQL.
"""

from django.db import migrations

from zerodisturb.partitions import partition_by_year


def forward(apps, schema_editor):
    partition_by_year(
        schema_editor,
        "evaluations_evaluation",
        "submitted_at",
        global_unique={"evaluation_once": ["visit_id", "enterprise_id"]},
    )


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial"), ("visits", "0003_partition_by_year")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
