"""PostgreSQL only: simultaneous votes decide an item exactly once; the budget gate holds under races."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from zerodisturb.audit.models import AuditEvent
from zerodisturb.audit.verify import verify_chain
from zerodisturb.commissioning.choices import Decision, ItemStatus
from zerodisturb.contracts.models import Contract
from zerodisturb.testing.commissioning import (
    approved_item,
    at,
    recorded_contract,
    submitted_item,
    vote,
)

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

SUBMITTED = at(2026, 3, 2)
VOTED = at(2026, 3, 5)


def race(jobs: list) -> tuple[list, list]:
    """Run the callables at the same moment, one thread each; (results, errors)."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []

    def run(job) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(job())
        except Exception as exc:  # collected and asserted by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def decisions_of(item) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="item.decide", object_id=str(item.pk)))


def test_five_departments_voting_at_once_decide_once(panel):
    item = submitted_item(panel, SUBMITTED)
    cuts = {panel.seats[1].pk: "90000", panel.seats[3].pk: "85000"}

    def voter(seat):
        if seat.pk in cuts:
            return lambda: vote(panel, item, seat, Decision.APPROVE_CUT, cuts[seat.pk], now=VOTED)
        return lambda: vote(panel, item, seat, now=VOTED)

    results, errors = race([voter(seat) for seat in panel.seats])

    assert errors == []
    assert len(results) == 5
    item.refresh_from_db()
    assert item.status == ItemStatus.APPROVED_REDUCED
    assert item.approved_budget == Decimal("85000.00")
    decided = decisions_of(item)
    assert len(decided) == 1
    assert decided[0].payload["approved_budget"] == "85000.00"
    assert AuditEvent.objects.filter(action="review.vote").count() == 5
    report = verify_chain()
    assert report.ok, report.message()


def test_last_two_votes_racing_with_a_rejection_give_one_outcome(panel):
    item = submitted_item(panel, SUBMITTED)
    *first_three, approver, rejecter = panel.seats
    for seat in first_three:
        vote(panel, item, seat, now=VOTED)

    results, errors = race(
        [
            lambda: vote(panel, item, approver, now=VOTED),
            lambda: vote(panel, item, rejecter, Decision.REJECT, now=VOTED),
        ]
    )

    # Either the approval lands first (then the rejection decides) or the rejection decides
    # first and the late approval is refused because the item is no longer under review.
    assert len(results) + len(errors) == 2
    assert all(isinstance(e, ValidationError) for e in errors), errors
    item.refresh_from_db()
    assert item.status == ItemStatus.REJECTED
    assert item.approved_budget is None
    assert len(decisions_of(item)) == 1
    assert not item.reviews.filter(decision=Decision.PENDING).exists()
    assert verify_chain().ok


def test_two_contracts_racing_for_a_budget_that_fits_one(panel, settings, tmp_path):
    item = approved_item(panel, SUBMITTED, VOTED, budget="100000")

    def record():
        return recorded_contract(panel, item, at(2026, 3, 21), amount="70000")

    results, errors = race([record, record])

    assert len(results) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert "amount" in errors[0].message_dict
    contract = Contract.objects.get()
    assert contract.number == "HT-330282-2026-0001"
    assert contract.current_version.amount == Decimal("70000.00")
    assert verify_chain().ok
