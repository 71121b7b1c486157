"""Evaluation figures of a provider and an agency over the rolling 12 months, on known counts."""

from datetime import date
from decimal import Decimal

from zerodisturb.scorecards.figures import (
    Figures,
    county_figures,
    figures_by_org,
    figures_for,
    rolling_12_months,
)
from zerodisturb.scorecards.tests.scenario import evaluate, evaluations, moment

END = date(2026, 11, 25)
WINDOW = rolling_12_months(END)


def test_rolling_window_is_twelve_months_ending_on_the_day():
    assert (WINDOW.start, WINDOW.end) == (date(2025, 11, 26), date(2026, 11, 25))


def test_levels_rates_and_weighted_score(visit_world):
    evaluations(visit_world, {5: 3, 4: 2, 3: 2, 2: 2, 1: 1}, moment(2026, 6, 10))
    evaluate(visit_world, 1, moment(2025, 11, 25, 23))  # a day before the window
    evaluate(visit_world, 5, moment(2026, 11, 26, 0))  # the day after it
    provider = visit_world.lead.contract.provider
    f = figures_for(provider, WINDOW)
    assert f.by_level == {5: 3, 4: 2, 3: 2, 2: 2, 1: 1}
    assert f.evaluations == 10
    assert f.satisfaction_rate == Decimal("50.00")
    assert f.weighted_score == Decimal("68.00")
    assert f.bad_review_rate == Decimal("30.00")
    agency = visit_world.lead.contract.agency
    assert figures_for(agency, WINDOW).by_level == f.by_level


def test_other_providers_evaluations_do_not_count(visit_world):
    other = visit_world.other_party()
    evaluations(visit_world, {5: 2}, moment(2026, 6, 10))
    evaluations(visit_world, {1: 4}, moment(2026, 6, 10), party=other)
    rows = figures_by_org("provider", WINDOW, county_code=visit_world.panel.code)
    assert rows[visit_world.lead.contract.provider_id].by_level[5] == 2
    assert rows[visit_world.lead.contract.provider_id].by_level[1] == 0
    assert rows[other.contract.provider_id].by_level[1] == 4
    whole = county_figures(visit_world.panel.code, WINDOW)
    assert whole.evaluations == 6
    assert whole.satisfaction_rate == Decimal("33.33")


def test_no_evaluations_gives_none_not_zero(visit_world):
    f = figures_for(visit_world.lead.contract.provider, WINDOW)
    assert f.evaluations == 0
    assert f.satisfaction_rate is None
    assert f.weighted_score is None
    assert f.bad_review_rate is None
    assert f.rectification_on_time_rate is None
    assert Figures().as_dict()["satisfaction_rate"] is None


def test_anonymity_threshold_on_the_figures(visit_world):
    evaluations(visit_world, {5: 4}, moment(2026, 6, 10))
    provider = visit_world.lead.contract.provider
    assert figures_for(provider, WINDOW).evaluations_shown is False
    evaluate(visit_world, 4, moment(2026, 6, 11))
    assert figures_for(provider, WINDOW).evaluations_shown is True
