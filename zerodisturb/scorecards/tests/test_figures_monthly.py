"""The per-month series: twelve calendar months, one query per measure, empty months as None."""

from datetime import date
from decimal import Decimal

from zerodisturb.scorecards.figures import last_12_months, monthly_figures
from zerodisturb.scorecards.tests.scenario import complaint, done_visit, evaluations, moment


def test_twelve_months_oldest_first():
    months = last_12_months(date(2026, 11, 25))
    assert months[0] == date(2025, 12, 1)
    assert months[-1] == date(2026, 11, 1)
    assert len(months) == 12


def test_series_per_month(visit_world, django_assert_max_num_queries):
    evaluations(visit_world, {5: 1, 4: 1, 2: 2}, moment(2026, 3, 31, 23))  # Shanghai time
    evaluations(visit_world, {5: 2}, moment(2026, 4, 1, 1))
    complaint(visit_world, moment(2026, 4, 15))
    done_visit(visit_world, moment(2026, 4, 16), scanned=False)
    provider = visit_world.lead.contract.provider
    with django_assert_max_num_queries(7):
        series = dict(monthly_figures(provider, date(2026, 11, 25)))
    march, april = series[date(2026, 3, 1)], series[date(2026, 4, 1)]
    assert march.evaluations == 4 and march.satisfaction_rate == Decimal("50.00")
    assert april.evaluations == 2 and april.satisfaction_rate == Decimal("100.00")
    assert april.substantiated_complaints == 1
    assert april.breaches.visit_without_code == 1
    assert series[date(2026, 5, 1)].satisfaction_rate is None
    county = dict(monthly_figures(visit_world.panel.code, date(2026, 11, 25), kind="county"))
    assert county[date(2026, 3, 1)].evaluations == 4
