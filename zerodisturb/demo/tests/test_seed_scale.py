"""seed_scale at CI size: the counts asked for, valid codes, the cap kept, an intact audit chain,
and no second run into the same counties unless --add; --fast leaves the schema as it found it
(also after a failed or killed load) and the evaluation key table full."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Count

from zerodisturb.audit.verify import verify_chain
from zerodisturb.demo import fast_load
from zerodisturb.demo.scale import county_codes
from zerodisturb.evaluations.models import Evaluation
from zerodisturb.registry.models import Division, Organisation
from zerodisturb.registry.validators import credit_code_error
from zerodisturb.visits.models import Visit, VisitOfficer, VisitParty, VisitStaff

pytestmark = pytest.mark.django_db


def seed(*extra: str, **sizes) -> None:
    args = [
        f"--{k}={v}" for k, v in {"counties": 2, "enterprises": 60, "visits": 600, **sizes}.items()
    ]
    call_command("seed_scale", *args, "--batch=250", "--no-rollups", *extra)


def test_counts_codes_and_chain():
    seed()
    counties = county_codes(2)
    assert set(Division.objects.filter(level="county").values_list("code", flat=True)) == set(
        counties
    )
    enterprises = Organisation.objects.filter(kind="enterprise")
    assert enterprises.count() == 60
    assert all(
        credit_code_error(c) is None for c in enterprises.values_list("credit_code", flat=True)
    )
    assert Visit.objects.count() == 600
    assert sorted(
        Visit.objects.order_by().values_list("county_code", flat=True).distinct()
    ) == sorted(counties)
    # Every visit has a lead party, staff on its contract's provider and an officer.
    assert VisitParty.objects.filter(is_lead=True).count() == 600
    assert (
        VisitStaff.objects.order_by().values("visit").distinct().count() >= 500
    )  # cancelled/planned too
    assert VisitOfficer.objects.order_by().values("visit").distinct().count() == 600
    assert Evaluation.objects.exists()
    assert len(set(Visit.objects.values_list("number", flat=True))) == 600
    report = verify_chain()
    assert report.ok, report.message()
    assert report.checked == 600 + Evaluation.objects.count()


def test_yearly_cap_is_kept():
    seed()
    over = (
        VisitParty.objects.filter(counts_for_cap=True)
        .values("agency", "visit__enterprise", "year")
        .annotate(n=Count("pk"))
        .filter(n__gt=2)
    )
    assert not over.exists()


def test_second_run_refused_and_add_is_explicit():
    seed()
    with pytest.raises(CommandError, match="--add"):
        seed()
    seed("--add", enterprises=20, visits=100)
    assert Organisation.objects.filter(kind="enterprise").count() == 80
    assert Visit.objects.count() == 700
    assert verify_chain().ok


def test_dashboard_rollups_are_rebuilt():
    call_command("seed_scale", "--counties=1", "--enterprises=20", "--visits=200")
    from zerodisturb.oversight.models import KpiRollup

    assert KpiRollup.objects.filter(county_code=county_codes(1)[0]).exists()


def schema() -> set[str]:
    """Every index and constraint definition of the database (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "UNION ALL SELECT conrelid::regclass || ' ' || conname || ' ' || "
            "pg_get_constraintdef(oid) || ' ' || convalidated FROM pg_constraint"
        )
        return {r[0] for r in cursor.fetchall()}


def saved_left() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [fast_load.SAVED])
        return cursor.fetchone()[0]


def assert_duplicate_evaluation_refused():
    evaluation = Evaluation.objects.first()
    evaluation.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        evaluation.save()


def test_fast_load_same_data_shape_and_schema_kept():
    before = schema() if connection.vendor == "postgresql" else set()
    seed("--fast")
    assert Visit.objects.count() == 600
    report = verify_chain()
    assert report.ok, report.message()
    assert report.checked == 600 + Evaluation.objects.count()
    assert_duplicate_evaluation_refused()
    if connection.vendor == "postgresql":
        assert schema() == before
        assert not saved_left()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM evaluations_evaluation__evaluation_once")
            assert cursor.fetchone()[0] == Evaluation.objects.count()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="fast mode is PostgreSQL only")
def test_fast_load_restores_after_a_failed_load(monkeypatch):
    before = schema()
    seed_scale_command = "zerodisturb.demo.management.commands.seed_scale.stream_visits"

    def fail(*args, **kwargs):
        raise RuntimeError("load failed")

    monkeypatch.setattr(seed_scale_command, fail)
    with pytest.raises(RuntimeError, match="load failed"):
        seed("--fast")
    assert schema() == before
    assert not saved_left()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="fast mode is PostgreSQL only")
def test_next_run_restores_what_a_dead_load_dropped():
    before = schema()
    assert fast_load.drop() > 50  # as a --fast run killed half-way leaves it
    assert schema() != before and saved_left()
    seed()
    assert schema() == before
    assert not saved_left()
    assert verify_chain().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="--jobs is PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_parallel_fast_load():
    before = schema()
    seed("--fast", "--jobs=2", counties=3, enterprises=60, visits=900)
    assert Visit.objects.count() == 900
    assert len(set(Visit.objects.values_list("number", flat=True))) == 900
    report = verify_chain()
    assert report.ok, report.message()
    assert report.checked == 900 + Evaluation.objects.count()
    assert schema() == before
    assert_duplicate_evaluation_refused()
