"""入企 KPIs on small known scenarios: exact values, previous year, and "—" when nothing."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zerodisturb.oversight.figures import board, p95, p95_of_counts
from zerodisturb.oversight.periods import Period
from zerodisturb.oversight.tests.scenario import at
from zerodisturb.registry.models import CountyPolicy
from zerodisturb.visits.choices import VisitStatus

pytestmark = pytest.mark.django_db
NO_FILTERS = {"agency": None, "provider": None, "locality": None, "domain": None}


def values(dash, period=None, filters=None, county_wide=True):
    b = board(dash.code, period or Period(2026), filters or NO_FILTERS, county_wide)
    return {k: v for k, v in b.by_key().items()}


def test_no_visits_gives_no_rates(dash):
    dash.rollup()
    v = values(dash)
    assert v["visits"].value == 0
    for key in (
        "code_shown_rate",
        "officer_present_rate",
        "joint_visit_rate",
        "visits_per_enterprise",
        "visits_p95",
        "frequent_share",
    ):
        assert v[key].value is None, key
        assert v[key].previous is None and v[key].change is None


def test_visit_counts_and_rates(dash):
    dash.visit(at(2026, 5, 12))  # scanned, officer
    dash.visit(at(2026, 5, 13), scanned=False)
    dash.visit(at(2026, 6, 2), officer=False, joined_by=dash.other)
    dash.visit(at(2026, 6, 3), enterprise=dash.other_enterprise)
    dash.visit(at(2026, 6, 4), status=VisitStatus.PLANNED)  # not on site
    dash.visit(at(2026, 6, 5), status=VisitStatus.CANCELLED)  # not on site
    dash.visit(at(2025, 6, 5))  # the previous year
    dash.rollup()
    v = values(dash)
    assert v["visits"].value == 4
    assert v["visits"].previous == 1
    assert v["visits"].change == pytest.approx(3.0)
    assert v["code_shown_rate"].value == pytest.approx(3 / 4)
    assert (v["code_shown_rate"].numerator, v["code_shown_rate"].denominator) == (3, 4)
    assert v["officer_present_rate"].value == pytest.approx(3 / 4)
    assert v["joint_visit_rate"].value == pytest.approx(1 / 4)
    assert v["visits_avoided"].value == 1
    assert v["visits_per_enterprise"].value == pytest.approx(4 / 2)
    assert v["code_shown_rate"].previous == pytest.approx(1.0)
    assert v["code_shown_rate"].change == pytest.approx(-0.25)


def test_per_enterprise_p95_and_frequent_share(dash):
    CountyPolicy.objects.update_or_create(
        county_code=dash.code, defaults={"frequent_visits_per_quarter": 2}
    )
    for day in (5, 6, 7):  # three in Q2: above the threshold of 2
        dash.visit(at(2026, 5, day))
    dash.visit(at(2026, 8, 3))
    dash.visit(at(2026, 2, 3), enterprise=dash.other_enterprise)
    dash.visit(at(2026, 8, 4), enterprise=dash.other_enterprise)
    dash.rollup()
    v = values(dash)
    assert v["visits_per_enterprise"].value == pytest.approx(6 / 2)
    assert v["visits_p95"].value == 4
    assert v["frequent_share"].value == pytest.approx(1 / 2)
    # Q3 alone: nobody above the threshold; two visits over two enterprises.
    q3 = values(dash, Period(2026, "quarter", 3))
    assert q3["frequent_share"].value == 0
    assert q3["visits_per_enterprise"].value == pytest.approx(1.0)


def test_p95_nearest_rank():
    assert p95([]) is None
    assert p95([7]) == 7
    assert p95(list(range(1, 21))) == 19  # ⌈0.95·20⌉ = 19th
    assert p95(list(range(1, 101))) == 95


@given(st.lists(st.integers(min_value=0, max_value=60), max_size=300))
def test_p95_from_a_histogram_is_the_p95_of_the_list(counts):
    assert p95_of_counts(Counter(counts)) == p95(counts)


def test_filters_by_agency_locality_and_month(dash):
    dash.visit(at(2026, 5, 12))
    dash.visit(at(2026, 5, 20), party=dash.other)
    dash.visit(at(2026, 7, 1), party=dash.other, enterprise=dash.other_enterprise)
    dash.rollup()
    agency = dash.other.contract.agency_id
    assert values(dash, filters={**NO_FILTERS, "agency": agency})["visits"].value == 2
    town = dash.county.town.pk
    assert values(dash, filters={**NO_FILTERS, "locality": town})["visits"].value == 2
    may = values(dash, Period(2026, "month", 5))
    assert may["visits"].value == 2
    # Items have no locality: the figure says so instead of showing 0.
    by_town = values(dash, filters={**NO_FILTERS, "locality": town})
    assert by_town["items_submitted"].value is None
    assert "属地" in by_town["items_submitted"].note
