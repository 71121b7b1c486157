"""事前 figures on a small known county: exact values, and None (not 0) when nothing to measure."""

from __future__ import annotations

from datetime import date

import pytest

from zerodisturb.commissioning.choices import Decision, ItemStatus
from zerodisturb.contracts.figures import (
    budget_saved,
    commissioning_figures,
    filing_on_time_rate,
    items_and_budget,
    pre_approval_rate,
)
from zerodisturb.contracts.services import file_contract, record_contract
from zerodisturb.testing.commissioning import (  # noqa: F401  (panel_fixture is a fixture)
    PDF,
    approved_item,
    at,
    contract_data,
    decide,
    panel_fixture,
    recorded_contract,
    submitted_item,
    vote,
)

pytestmark = pytest.mark.django_db

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
TODAY = date(2026, 11, 25)


@pytest.fixture
def county_2026(panel):
    """Three 2026 items (approved, approved with a cut, rejected), one 2025 item, three contracts.

    c1: item A, signed 20 Mar after A's approval on 10 Mar, filed 25 Mar (due 3 Apr): on time.
    c2: item B, signed 5 Mar before B's approval on 12 Mar, filed 30 Mar (due 19 Mar): late.
    c3: item A, signed 20 Nov, not filed, due 4 Dec.
    """
    orgs = panel.county.orgs
    a = approved_item(panel, at(2026, 3, 2), at(2026, 3, 10), budget="100000")
    b = submitted_item(panel, at(2026, 3, 2), actor=panel.other_officer, requested_budget="200000")
    b = decide(
        panel,
        b,
        at(2026, 3, 12),
        cuts={orgs["finance"].pk: "160000", orgs["seat4"].pk: "150000"},
    )
    c = submitted_item(panel, at(2026, 4, 1), requested_budget="50000")
    vote(panel, c, orgs["judicial"], Decision.REJECT, now=at(2026, 4, 3))
    approved_item(panel, at(2025, 6, 2), at(2025, 6, 10), budget="100000")
    c.refresh_from_db()
    assert (a.status, b.status, c.status) == (
        ItemStatus.APPROVED,
        ItemStatus.APPROVED_REDUCED,
        ItemStatus.REJECTED,
    )

    c1 = recorded_contract(panel, a, at(2026, 3, 21), signed_on="2026-03-20", amount="60000")
    file_contract(panel.officer, c1, now=at(2026, 3, 25))
    c2 = record_contract(
        panel.other_officer,
        b,
        contract_data(panel, signed_on="2026-03-05", amount="150000"),
        PDF,
        now=at(2026, 3, 13),
    )
    file_contract(panel.other_officer, c2, now=at(2026, 3, 30))
    recorded_contract(panel, a, at(2026, 11, 21), signed_on="2026-11-20", amount="10000")
    return panel


def test_pre_approval_rate(county_2026):
    figure = pre_approval_rate(county_2026.code, *YEAR)
    assert (figure.numerator, figure.denominator) == (2, 3)
    assert figure.value == pytest.approx(2 / 3)

    assert pre_approval_rate(county_2026.code, *MARCH).value == pytest.approx(1 / 2)


def test_filing_on_time_rate_counts_only_what_has_fallen_due(county_2026):
    figure = filing_on_time_rate(county_2026.code, *YEAR, today=TODAY)
    # c3 is neither filed nor due yet on 25 Nov: not counted.
    assert (figure.numerator, figure.denominator) == (1, 2)
    assert figure.value == pytest.approx(0.5)

    later = filing_on_time_rate(county_2026.code, *YEAR, today=date(2026, 12, 10))
    assert (later.numerator, later.denominator) == (1, 3)


def test_budget_saved_by_the_joint_review(county_2026):
    figure = budget_saved(county_2026.code, *YEAR)
    # Requested 100,000 + 200,000; approved 100,000 + 150,000 (the lowest cut). The rejected
    # item and the 2025 item do not count.
    assert (figure.numerator, figure.denominator) == (50000, 300000)
    assert figure.value == pytest.approx(1 / 6)
    assert figure.extra["items"] == 2


def test_items_and_budget_against_the_previous_year(county_2026):
    figures = items_and_budget(county_2026.code, 2026)

    assert figures["items"].value == 3
    assert figures["items"].extra == {"previous_year": 1, "change": pytest.approx(2.0)}
    assert figures["approved_items"].value == 2
    assert figures["approved_items"].extra["change"] == pytest.approx(1.0)
    assert figures["approved_budget"].value == 250000
    assert figures["approved_budget"].extra == {
        "previous_year": 100000,
        "change": pytest.approx(1.5),
    }


def test_the_dashboard_list_has_every_figure(county_2026):
    keys = [f.key for f in commissioning_figures(county_2026.code, 2026)]
    assert keys == [
        "pre_approval_rate",
        "filing_on_time_rate",
        "budget_saved",
        "items",
        "approved_items",
        "approved_budget",
    ]


def test_no_data_is_none_not_zero(county_2026):
    empty = "330281"  # a county with nothing in it
    assert pre_approval_rate(empty, *YEAR).value is None
    assert filing_on_time_rate(empty, *YEAR, today=TODAY).value is None
    assert budget_saved(empty, *YEAR).value is None
    for figure in items_and_budget(empty, 2026).values():
        assert figure.extra["change"] is None
    # A year with items but none the year before: no year-on-year change either.
    assert items_and_budget(county_2026.code, 2025)["items"].extra["change"] is None
