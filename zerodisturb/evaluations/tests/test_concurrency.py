"""Two submissions of one evaluation make one row: the unique constraint decides, the loser gets a
clear message (on PostgreSQL, also with two real threads at once)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from zerodisturb.evaluations.models import Evaluation
from zerodisturb.evaluations.services import evaluations as evaluation_services
from zerodisturb.evaluations.tests.conftest import BAD, rate


@pytest.mark.django_db
def test_a_submission_that_slips_past_the_check_meets_the_constraint(rated_world, monkeypatch):
    rate(rated_world.world, rated_world.visit)
    # As if the second request read "not rated yet" just before the first one committed.
    monkeypatch.setattr(evaluation_services, "already_rated", lambda visit: False)
    with pytest.raises(ValidationError) as refused:
        rate(rated_world.world, rated_world.visit, level=5)
    assert "已经评价过" in refused.value.message_dict["visit"][0]
    assert Evaluation.objects.get().level == 4


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_make_one_evaluation(rated_world):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def submit(level_overrides):
        try:
            barrier.wait(timeout=30)
            results.append(
                rate(
                    rated_world.world,
                    rated_world.visit,
                    now=rated_world.visit.checked_out_at + timedelta(hours=1),
                    **level_overrides,
                )
            )
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(o,)) for o in ({}, BAD)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert Evaluation.objects.count() == 1
