"""事前 KPIs from the rollups equal contracts/figures.py on a known scenario, with exact values."""

from datetime import date

import pytest

from zerodisturb.commissioning.choices import Decision
from zerodisturb.contracts import figures as raw
from zerodisturb.contracts.models import ContractVersion
from zerodisturb.oversight.figures import board
from zerodisturb.oversight.periods import Period
from zerodisturb.oversight.tests.scenario import NOW, at
from zerodisturb.testing.commissioning import approved_item, decide, submitted_item, vote

pytestmark = pytest.mark.django_db
NO_FILTERS = {"agency": None, "provider": None, "locality": None, "domain": None}


@pytest.fixture
def before(dash):
    panel = dash.world.panel
    # 2026: the world's two approved items (100 000 each) and their contracts, plus one item cut
    # from 200 000 to 150 000 and one rejected item.
    item = submitted_item(panel, at(2026, 4, 1), requested_budget="200000.00")
    decide(panel, item, at(2026, 4, 8), cuts={panel.seats[0].pk: "150000.00"})
    rejected = submitted_item(panel, at(2026, 4, 2))
    vote(panel, rejected, panel.seats[0], Decision.REJECT, now=at(2026, 4, 9))
    # 2025: two items submitted, one approved.
    approved_item(panel, at(2025, 3, 2), at(2025, 3, 10))
    submitted_item(panel, at(2025, 6, 2))
    # One contract signed before its item was approved; the other filed late.
    lead_version = dash.lead.contract.current_version
    ContractVersion.objects.filter(pk=dash.other.contract.current_version_id).update(
        signed_on=date(2026, 3, 5)
    )
    ContractVersion.objects.filter(pk=lead_version.pk).update(first_filed_at=at(2026, 5, 1))
    dash.rollup()
    return dash


def test_before_figures_exact(before):
    v = board(before.code, Period(2026), NO_FILTERS).by_key()
    assert v["items_submitted"].value == 4
    assert v["items_submitted"].previous == 2
    assert v["items_submitted"].change == pytest.approx(1.0)
    assert v["items_approved"].value == 3
    assert v["items_approved"].previous == 1
    assert v["approved_budget"].value == 350000
    assert v["budget_saved_rate"].value == pytest.approx(50000 / 400000)
    assert v["budget_saved_rate"].previous == pytest.approx(0.0)
    assert v["pre_approval_rate"].value == pytest.approx(1 / 2)
    assert v["filing_on_time_rate"].value == pytest.approx(1 / 2)
    assert v["pre_approval_rate"].previous is None  # no contracts in 2025: "—"


def test_rollups_equal_contracts_figures(before):
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    v = board(before.code, Period(2026), NO_FILTERS).by_key()
    pre = raw.pre_approval_rate(before.code, start, end)
    assert (v["pre_approval_rate"].numerator, v["pre_approval_rate"].denominator) == (
        pre.numerator,
        pre.denominator,
    )
    filing = raw.filing_on_time_rate(before.code, start, end, today=NOW.date())
    assert v["filing_on_time_rate"].value == pytest.approx(filing.value)
    saved = raw.budget_saved(before.code, start, end)
    assert v["budget_saved_rate"].value == pytest.approx(saved.value)
    items = raw.items_and_budget(before.code, 2026)
    assert v["items_submitted"].value == items["items"].value
    assert v["items_submitted"].previous == items["items"].extra["previous_year"]
    assert v["approved_budget"].value == items["approved_budget"].value


def test_before_by_agency_and_domain(before):
    agency = before.other.contract.agency_id
    v = board(before.code, Period(2026), {**NO_FILTERS, "agency": agency}).by_key()
    assert v["items_submitted"].value == 1
    assert v["pre_approval_rate"].value == 0.0  # its one contract was signed before approval
    # Items have no provider: the figure is "—" with the reason, not 0.
    provider = before.lead.contract.provider_id
    v = board(before.code, Period(2026), {**NO_FILTERS, "provider": provider}).by_key()
    assert v["items_submitted"].value is None and v["items_submitted"].note
    assert v["filing_on_time_rate"].value == 0.0
