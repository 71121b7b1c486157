"""The exit rule at its edges: 85.00% is not below, 19 evaluations never count, 3 complaints do."""

from decimal import Decimal

import pytest

from zerodisturb.registry.models import CountyPolicy
from zerodisturb.scorecards.choices import Ground
from zerodisturb.scorecards.figures import Figures
from zerodisturb.scorecards.models import ExitCase
from zerodisturb.scorecards.services import assess_providers
from zerodisturb.scorecards.tests.scenario import complaint, evaluations, moment
from zerodisturb.scorecards.thresholds import grounds

POLICY = CountyPolicy(county_code="330282")  # the defaults: 85%, 20 evaluations, 3 complaints


def figures(satisfied: int, other: int, complaints: int = 0) -> Figures:
    return Figures(
        by_level={5: satisfied, 4: 0, 3: other, 2: 0, 1: 0}, substantiated_complaints=complaints
    )


@pytest.mark.parametrize(
    ("satisfied", "other", "expected"),
    [
        (17, 3, []),  # exactly 85.00%: not below
        (16, 4, [Ground.SATISFACTION]),  # 80%
        (0, 19, []),  # 19 evaluations never trigger, however bad
        (169, 30, [Ground.SATISFACTION]),  # 84.92…%: below, although it rounds to 84.92
        (170, 30, []),  # 85%
    ],
)
def test_satisfaction_rule(satisfied, other, expected):
    assert grounds(figures(satisfied, other), POLICY) == expected


def test_complaint_rule():
    assert grounds(figures(0, 0, complaints=2), POLICY) == []
    assert grounds(figures(0, 0, complaints=3), POLICY) == [Ground.COMPLAINTS]


def test_configured_thresholds_apply():
    policy = CountyPolicy(
        county_code="330282",
        exit_satisfaction_min=Decimal("90.50"),
        exit_min_evaluations=10,
        exit_substantiated_complaints=5,
    )
    assert grounds(figures(9, 1), policy) == [Ground.SATISFACTION]  # 90% < 90.5%
    assert grounds(figures(0, 0, complaints=4), policy) == []


def test_worker_exactly_85_percent_gives_no_warning(visit_world):
    evaluations(visit_world, {5: 10, 4: 7, 3: 3}, moment(2026, 6, 10))
    assert assess_providers(moment(2026, 7, 1)) == 0
    assert not ExitCase.objects.exists()


def test_worker_three_substantiated_complaints_warn(visit_world):
    for day in (1, 2, 3):
        complaint(visit_world, moment(2026, 6, day))
    assert assess_providers(moment(2026, 7, 1)) == 1
    case = ExitCase.objects.get()
    assert "查实投诉 3 件" in case.grounds
