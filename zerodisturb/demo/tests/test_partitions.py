"""PostgreSQL only: the time-partitioned tables, their global guarantees, partitions made ahead."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from zerodisturb.audit.models import AuditEvent
from zerodisturb.audit.services import record_event
from zerodisturb.audit.verify import verify_chain
from zerodisturb.evaluations.models import Evaluation
from zerodisturb.notifications.models import Notification
from zerodisturb.partitions import PARTITIONED, ensure_partitions
from zerodisturb.visits.models import Visit

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db,
]


def rows(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def test_the_growing_tables_are_partitioned_by_year():
    partitioned = {r[0] for r in rows("SELECT partrelid::regclass::text FROM pg_partitioned_table")}
    assert set(PARTITIONED) <= partitioned
    this_year = timezone.localdate().year
    for table in PARTITIONED:
        children = {
            r[0]
            for r in rows(
                "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass",
                [table],
            )
        }
        assert {
            f"{table}_default",
            f"{table}_y{this_year}",
            f"{table}_y{this_year + 1}",
        } <= children


def test_seeded_rows_land_in_their_year_and_the_chain_holds():
    call_command("seed_scale", "--counties=1", "--enterprises=30", "--visits=300", "--no-rollups")
    per_partition = dict(
        rows("SELECT tableoid::regclass::text, count(*) FROM visits_visit GROUP BY 1")
    )
    years = {
        v.window_start.astimezone(timezone.get_current_timezone()).year for v in Visit.objects.all()
    }
    assert set(per_partition) == {f"visits_visit_y{y}" for y in years}
    assert sum(per_partition.values()) == 300
    assert verify_chain().ok
    # The foreign keys that pointed at visits are gone; the services keep them right.
    orphans = rows(
        "SELECT count(*) FROM visits_visitparty p "
        "WHERE NOT EXISTS (SELECT 1 FROM visits_visit v WHERE v.id = p.visit_id)"
    )
    assert orphans == [(0,)]


def test_one_evaluation_per_visit_across_partitions():
    call_command("seed_scale", "--counties=1", "--enterprises=10", "--visits=80", "--no-rollups")
    evaluation = Evaluation.objects.first()
    later = evaluation.submitted_at + timedelta(days=400)  # another year, another partition
    with pytest.raises(IntegrityError, match="evaluation_once"), transaction.atomic():
        Evaluation.objects.create(
            county_code=evaluation.county_code,
            visit_id=evaluation.visit_id,
            enterprise_id=evaluation.enterprise_id,
            author_id=evaluation.author_id,
            level=5,
            attitude=5,
            professionalism=5,
            code_shown=True,
            officer_present=True,
            nothing_sold=True,
            burden=5,
            submitted_at=later,
            amend_until=later,
        )
    # Deleting frees the key again.
    Evaluation.objects.filter(pk=evaluation.pk).delete()
    assert not rows(
        "SELECT 1 FROM evaluations_evaluation__evaluation_once WHERE visit_id = %s",
        [evaluation.visit_id],
    )


def test_notification_sent_once_per_key(django_user_model):
    from zerodisturb.notifications.services import notify

    user = django_user_model.objects.create(username="n1")
    with transaction.atomic():
        assert len(notify([user], title="t", dedupe_key="k")) == 1
    with transaction.atomic():
        assert notify([user], title="t", dedupe_key="k") == []
    assert Notification.objects.count() == 1


def test_audit_events_stay_append_only():
    call_command("seed_scale", "--counties=1", "--enterprises=5", "--visits=20", "--no-rollups")
    event = AuditEvent.objects.first()
    for sql in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])


def test_partitions_made_ahead_take_rows_out_of_the_default():
    far = date.today().year + 6
    when = timezone.make_aware(datetime(far, 3, 1, 12))
    call_command("seed_scale", "--counties=1", "--enterprises=2", "--visits=4", "--no-rollups")
    visit = Visit.objects.first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE visits_visit SET window_start = %s WHERE id = %s", [when, visit.pk])
    assert rows("SELECT count(*) FROM visits_visit_default") == [(1,)]
    created = ensure_partitions(connection, years_ahead=6)
    assert f"visits_visit_y{far}" in created
    assert rows("SELECT count(*) FROM visits_visit_default") == [(0,)]
    assert rows(f"SELECT count(*) FROM visits_visit_y{far}") == [(1,)]
    assert Visit.objects.get(pk=visit.pk).window_start == when


def test_audit_events_leave_the_default_partition_and_the_chain_still_holds():
    # The audit table has a generated column (row_hash): moving rows must let it be recomputed.
    far = date.today().year + 6
    when = timezone.make_aware(datetime(far, 3, 1, 12))
    with mock.patch("zerodisturb.audit.services.timezone.now", return_value=when):
        with transaction.atomic():  # a clock gone wrong: a year with no partition yet
            event = record_event(None, "test.future", None, {"i": 1}, object_type="test.thing")
    assert rows("SELECT count(*) FROM audit_auditevent_default WHERE id = %s", [event.pk]) == [(1,)]
    created = ensure_partitions(connection, years_ahead=6)
    assert f"audit_auditevent_y{far}" in created
    assert rows(f"SELECT count(*) FROM audit_auditevent_y{far}") == [(1,)]
    assert rows("SELECT count(*) FROM audit_auditevent_default") == [(0,)]
    assert verify_chain().ok and verify_chain(full=True).ok
