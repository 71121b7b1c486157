"""The deadlines worker: overdue reviews and filings are chased once, however often it runs."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from zerodisturb.audit.models import AuditEvent
from zerodisturb.audit.verify import verify_chain
from zerodisturb.contracts.services import file_contract
from zerodisturb.deadlines.worker import run_deadlines
from zerodisturb.notifications.models import Notification
from zerodisturb.notifications.sms import ConsoleSmsAdapter
from zerodisturb.registry.choices import PersonKind
from zerodisturb.testing.commissioning import (  # noqa: F401  (panel is a fixture)
    approved_item,
    at,
    decide,
    panel_fixture,
    recorded_contract,
    submitted_item,
    vote,
)
from zerodisturb.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

SUBMITTED = at(2026, 9, 24)  # reviews due Thursday 15 Oct 2026
DUE_DAY = at(2026, 10, 15, hour=23)
DAY_AFTER = at(2026, 10, 16, hour=8)


@pytest.fixture
def waiting_on_finance(panel):
    """Everyone but the finance bureau has voted; its vote is due on 15 Oct."""
    item = submitted_item(panel, SUBMITTED)
    for seat in panel.seats:
        if seat != panel.county.orgs["finance"]:
            vote(panel, item, seat, now=at(2026, 9, 28))
    return item


LIFECYCLE = ("overdue_reviews", "overdue_filings", "overdue_emergency_visits")


def lifecycle(result: dict[str, int]) -> dict[str, int]:
    """The three lifecycle jobs' counts (the worker also runs the 事后 and alert jobs)."""
    return {name: result[name] for name in LIFECYCLE}


def overdue_notes(**filters):
    return Notification.objects.filter(dedupe_key__contains="overdue", **filters)


def test_an_overdue_review_is_chased_once(panel, waiting_on_finance):
    reviewer = panel.reviewer_of("finance")

    assert lifecycle(run_deadlines(DUE_DAY)) == {
        "overdue_reviews": 0,
        "overdue_filings": 0,
        "overdue_emergency_visits": 0,
    }
    first = lifecycle(run_deadlines(DAY_AFTER))
    second = lifecycle(run_deadlines(at(2026, 10, 20)))

    assert first == {"overdue_reviews": 1, "overdue_filings": 0, "overdue_emergency_visits": 0}
    assert second == {"overdue_reviews": 0, "overdue_filings": 0, "overdue_emergency_visits": 0}
    assert overdue_notes(recipient=reviewer, kind="reminder").count() == 1
    assert overdue_notes(recipient=panel.supervisor, kind="alert").count() == 1
    assert "财政局" in overdue_notes(recipient=panel.supervisor).get().title
    assert overdue_notes().count() == 2
    # Departments that already voted hear nothing.
    assert not overdue_notes(recipient=panel.reviewer_of("seat2")).exists()
    assert AuditEvent.objects.filter(action="review.overdue").count() == 1
    assert verify_chain().ok


def test_a_decided_item_is_not_chased(panel, waiting_on_finance):
    decide(panel, waiting_on_finance, at(2026, 10, 14))

    assert run_deadlines(DAY_AFTER)["overdue_reviews"] == 0
    assert not overdue_notes().exists()


def test_the_sms_goes_out_once(
    panel, waiting_on_finance, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.SMS_ADAPTER = "zerodisturb.notifications.sms.ConsoleSmsAdapter"
    monkeypatch.setattr(ConsoleSmsAdapter, "sent", [])
    reviewer = panel.reviewer_of("finance")
    reviewer.person = PersonFactory(
        county_code=panel.code, organisation=reviewer.organisation, kind=PersonKind.OFFICER
    )
    reviewer.save()

    # Deliveries happen on commit, as in production; run the worker twice.
    for now in (DAY_AFTER, at(2026, 10, 19)):
        with django_capture_on_commit_callbacks(execute=True):
            run_deadlines(now)

    expected = f"【零扰企】联审已逾期：{waiting_on_finance.number}"
    assert ConsoleSmsAdapter.sent == [(reviewer.person.phone, expected)]


@pytest.fixture
def contract_signed_24_sep(panel):
    item = approved_item(panel, at(2026, 9, 1), at(2026, 9, 10), budget="200000")
    return recorded_contract(panel, item, SUBMITTED, signed_on="2026-09-24", amount="100000")


def test_an_overdue_filing_alerts_the_agency_and_the_bureau_once(panel, contract_signed_24_sep):
    contract = contract_signed_24_sep
    assert contract.current_version.filing_due_on.isoformat() == "2026-10-15"
    # A second contract under the same item was filed in time (late filing is not "overdue").
    filed = recorded_contract(
        panel, contract.item, SUBMITTED, signed_on="2026-09-24", amount="50000"
    )
    file_contract(panel.officer, filed, now=at(2026, 10, 9))

    assert run_deadlines(DUE_DAY)["overdue_filings"] == 0
    assert run_deadlines(DAY_AFTER)["overdue_filings"] == 1
    assert run_deadlines(at(2026, 10, 30))["overdue_filings"] == 0

    assert overdue_notes(recipient=panel.officer, kind="alert").count() == 1
    assert overdue_notes(recipient=panel.supervisor, kind="alert").count() == 1
    assert contract.number in overdue_notes(recipient=panel.officer).get().title
    assert not Notification.objects.filter(title__contains=filed.number, kind="alert").exists()
    overdue = AuditEvent.objects.filter(action="contract.filing_overdue")
    assert list(overdue.values_list("object_number", flat=True)) == [contract.number]


def test_a_contract_filed_late_is_no_longer_overdue(panel, contract_signed_24_sep):
    file_contract(panel.officer, contract_signed_24_sep, now=at(2026, 10, 16, hour=7))

    assert run_deadlines(DAY_AFTER)["overdue_filings"] == 0
    assert not overdue_notes().exists()


def test_the_management_command_runs_the_worker(panel, waiting_on_finance):
    out = StringIO()
    call_command("run_deadlines", stdout=out)  # today is after 15 Oct 2026, so it is overdue

    assert "overdue_reviews: 1" in out.getvalue()
    assert overdue_notes(recipient=panel.supervisor).count() == 1

    out = StringIO()
    call_command("run_deadlines", stdout=out)
    assert "overdue_reviews: 0" in out.getvalue()
    assert overdue_notes().count() == 2
