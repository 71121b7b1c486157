"""Substantiated complaints and the rectification on-time rate."""

from datetime import date
from decimal import Decimal

from zerodisturb.scorecards.figures import figures_for, rolling_12_months
from zerodisturb.scorecards.tests.scenario import complaint, moment, rectification

WINDOW = rolling_12_months(date(2026, 11, 25))


def test_only_substantiated_complaints_decided_in_the_window_count(visit_world):
    complaint(visit_world, moment(2026, 3, 1))
    complaint(visit_world, moment(2026, 9, 1))
    complaint(visit_world, moment(2026, 9, 2), substantiated=False)
    complaint(visit_world, None)  # not decided yet
    complaint(visit_world, moment(2025, 10, 1))  # too old
    provider = visit_world.lead.contract.provider
    assert figures_for(provider, WINDOW).substantiated_complaints == 2
    assert figures_for(visit_world.lead.contract.agency, WINDOW).substantiated_complaints == 2


def test_rectification_on_time_rate(visit_world):
    rectification(visit_world, date(2026, 6, 20), moment(2026, 6, 20, 23))  # on the day: on time
    rectification(visit_world, date(2026, 6, 20), moment(2026, 6, 21))  # a day late
    rectification(visit_world, date(2026, 7, 20), None)  # open past its date: late
    rectification(visit_world, date(2026, 12, 20), None)  # not due yet: not counted
    f = figures_for(visit_world.lead.contract.provider, WINDOW)
    assert (f.rectifications_due, f.rectifications_on_time) == (3, 1)
    assert f.rectification_on_time_rate == Decimal("33.33")


def test_no_rectification_due_gives_none(visit_world):
    rectification(visit_world, date(2026, 12, 20), None)
    f = figures_for(visit_world.lead.contract.provider, WINDOW)
    assert f.rectifications_due == 0
    assert f.rectification_on_time_rate is None
