"""Clocks in working days from receipt: across a weekend, across the 2026 National Day week with
its adjusted working Saturday (调休), per-county settings, and what a reopen does."""

from datetime import date, timedelta

import pytest

from zerodisturb.complaints import services
from zerodisturb.registry.models import CountyPolicy
from zerodisturb.testing.commissioning import at

pytestmark = pytest.mark.django_db


def test_received_on_a_friday_evening_counts_from_monday(complaint_world):
    complaint = complaint_world.complain(now=at(2026, 5, 15, 17))
    assert complaint.ack_due_on == date(2026, 5, 18)  # Monday
    assert complaint.reply_due_on == date(2026, 5, 22)
    assert complaint.close_due_on == date(2026, 6, 5)
    assert not complaint.close_due_estimated


def test_national_day_week_and_its_working_saturday(complaint_world):
    # Received on the last working day before the 2026 National Day holiday (1–7 October).
    complaint = complaint_world.public(now=at(2026, 9, 30, 16))
    assert complaint.ack_due_on == date(2026, 10, 8)  # first working day after the holiday
    # 8, 9, 10 (Saturday, worked: 调休), 12, 13 October.
    assert complaint.reply_due_on == date(2026, 10, 13)
    assert complaint.close_due_on == date(2026, 10, 27)


def test_the_county_configures_the_days(complaint_world):
    policy = CountyPolicy.for_county(complaint_world.county.code)
    policy.complaint_ack_days, policy.complaint_reply_days, policy.complaint_close_days = 2, 3, 10
    policy.save()
    complaint = complaint_world.complain(now=at(2026, 5, 13, 10))
    assert complaint.ack_due_on == date(2026, 5, 15)
    assert complaint.reply_due_on == date(2026, 5, 18)
    assert complaint.close_due_on == date(2026, 5, 27)


def test_a_reopen_restarts_the_close_clock_only(complaint_world):
    w = complaint_world
    complaint = w.handled(w.complain())
    ack, reply = complaint.ack_due_on, complaint.reply_due_on
    reopened = at(2026, 5, 20, 9)  # Wednesday

    complaint = services.reopen_complaint(
        w.enterprise_user, complaint, reason="问题仍未解决", now=reopened
    )

    assert (complaint.ack_due_on, complaint.reply_due_on) == (ack, reply)
    assert complaint.close_due_on == date(2026, 6, 10)  # 15 working days after 20 May
    assert complaint.closed_at is None
    assert complaint.reopen_count == 1
    assert complaint.first_reply_at == at(2026, 5, 13, 10) + timedelta(hours=2)
