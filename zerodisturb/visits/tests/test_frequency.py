"""Frequency control at its boundaries: the yearly cap, exempt triggers, and the quarterly warning."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from zerodisturb.registry.models import CountyPolicy
from zerodisturb.testing.commissioning import at, panel_fixture  # noqa: F401  (a fixture)
from zerodisturb.testing.visits import (  # noqa: F401  (visit_world is a fixture)
    VISIT_DAY,
    planned_visit,
    visit_plan,
    visit_world_fixture,
)
from zerodisturb.visits.choices import VisitKind
from zerodisturb.visits.frequency import counted_visits, frequency_warning
from zerodisturb.visits.services import cancel_visit, join_visit

pytestmark = pytest.mark.django_db


def nth(world, n: int, **kw):
    """The n-th visit, a week after the previous one (all in May–July 2026)."""
    return planned_visit(world, when=VISIT_DAY + timedelta(weeks=n - 1), **kw)


def counted(world, year: int = 2026) -> int:
    return counted_visits(world.lead.officer.organisation_id, world.enterprise.pk, year)


def cap_refusal(world, n: int, **kw) -> str:
    with pytest.raises(ValidationError) as excinfo:
        nth(world, n, **kw)
    return excinfo.value.message_dict["enterprise"][0]


def complaint(**kw) -> dict:
    return dict(kind=VisitKind.COMPLAINT, reason="企业职工投诉，回访核查", plan=None) | kw


def test_the_second_visit_is_allowed_and_the_third_refused(visit_world):
    nth(visit_world, 1)
    nth(visit_world, 2)

    message = cap_refusal(visit_world, 3)

    assert "已对该企业入企 2 次" in message
    assert "上限 2 次（每机关每企业每年）" in message
    assert counted(visit_world) == 2


def test_exempt_visits_go_beyond_the_cap_and_are_not_counted(visit_world):
    nth(visit_world, 1)
    nth(visit_world, 2)

    for n, kind in enumerate(
        (
            VisitKind.COMPLAINT,
            VisitKind.RECTIFICATION,
            VisitKind.ENTERPRISE_REQUEST,
            VisitKind.EMERGENCY,
        ),
        start=3,
    ):
        visit = nth(visit_world, n, **complaint(kind=kind)).visit
        assert not visit.parties.get().counts_for_cap

    assert counted(visit_world) == 2
    cap_refusal(visit_world, 7)


def test_exempt_visits_do_not_use_up_the_cap(visit_world):
    nth(visit_world, 1, **complaint())
    nth(visit_world, 2, **complaint())
    nth(visit_world, 3)
    nth(visit_world, 4)
    assert counted(visit_world) == 2


def test_a_cancelled_visit_frees_its_slot(visit_world):
    first = nth(visit_world, 1).visit
    nth(visit_world, 2)
    cap_refusal(visit_world, 3)

    cancel_visit(visit_world.lead.officer, first, "企业停产检修，改期")

    assert counted(visit_world) == 1
    nth(visit_world, 3)
    assert counted(visit_world) == 2


def test_a_new_calendar_year_starts_again(visit_world):
    nth(visit_world, 1)
    nth(visit_world, 2)
    plan_2027 = visit_plan(visit_world.panel, year=2027)

    january = planned_visit(visit_world, when=at(2027, 1, 12, 9), plan=plan_2027)

    assert january.visit.parties.get().year == 2027
    assert (counted(visit_world, 2026), counted(visit_world, 2027)) == (2, 1)


def test_the_cap_is_per_agency(visit_world):
    nth(visit_world, 1)
    nth(visit_world, 2)
    other = visit_world.other_party()

    nth(visit_world, 3, party=other)
    nth(visit_world, 4, party=other)
    with pytest.raises(ValidationError):
        nth(visit_world, 5, party=other)


@pytest.mark.parametrize("cap", [1, 3])
def test_a_county_sets_its_own_cap(visit_world, cap):
    CountyPolicy.objects.create(county_code=visit_world.panel.code, visit_cap_per_year=cap)
    for n in range(1, cap + 1):
        nth(visit_world, n)

    message = cap_refusal(visit_world, cap + 1)
    assert f"上限 {cap} 次" in message


def test_the_quarterly_warning_above_the_threshold(visit_world):
    # Four triggered visits in Q2 by two agencies: at the threshold, no warning yet.
    other = visit_world.other_party()
    for n in range(1, 5):
        result = nth(visit_world, n, party=other if n % 2 else None, **complaint())
        assert not [w for w in result.warnings if "本季度" in w]

    fifth = nth(visit_world, 5, **complaint())  # 9 June, still Q2

    [warning] = [w for w in fifth.warnings if "本季度" in w]
    assert "本季度已被入企 4 次" in warning
    assert "预警阈值 4 次" in warning
    # July is another quarter.
    assert frequency_warning(visit_world.enterprise, at(2026, 7, 1).date()) == ""


def test_a_joint_visit_is_one_entry_for_the_quarter(visit_world):
    other = visit_world.other_party()
    for n in range(1, 5):
        visit = nth(visit_world, n, **complaint()).visit
        join_visit(
            other.officer,
            visit,
            contract=other.contract,
            credentials=[other.credential],
            officers=[other.escort],
        )
    assert frequency_warning(visit_world.enterprise, VISIT_DAY.date()).startswith("注意")
    CountyPolicy.objects.create(county_code=visit_world.panel.code, frequent_visits_per_quarter=5)
    assert frequency_warning(visit_world.enterprise, VISIT_DAY.date()) == ""
