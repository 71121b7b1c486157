"""事后 KPIs (evaluations, rectifications, complaints, exit) on known scenarios; the evaluation
figures equal the scorecards' own figures (scorecards/figures.py)."""

from datetime import date, timedelta

import pytest

from zerodisturb.oversight.figures import board
from zerodisturb.oversight.periods import Period
from zerodisturb.oversight.tests.scenario import NOW, at
from zerodisturb.scorecards.figures import Window, collect

pytestmark = pytest.mark.django_db
NO_FILTERS = {"agency": None, "provider": None, "locality": None, "domain": None}


def kpis(dash, period=None, filters=None, county_wide=True):
    return board(dash.code, period or Period(2026), filters or NO_FILTERS, county_wide).by_key()


def test_evaluation_figures(dash):
    visit = dash.visit(at(2026, 5, 12))
    other = dash.visit(at(2026, 5, 13), party=dash.other)
    for level, when in ((5, 14), (4, 15), (3, 16), (2, 17)):
        dash.evaluation(dash.visit(at(2026, 5, when)), level, at(2026, 5, when, 15))
    dash.evaluation(visit, 5, at(2026, 5, 12, 15))
    dash.evaluation(other, 1, at(2026, 5, 13, 15))
    dash.evaluation(dash.visit(at(2025, 5, 12)), 5, at(2025, 5, 12, 15))
    dash.rollup()
    v = kpis(dash)
    # levels 5,4,3,2,5,1: satisfied 3 of 6, bad 2 of 6, score (100+80+60+40+100+20)/6
    assert v["satisfaction_rate"].value == pytest.approx(3 / 6)
    assert v["bad_review_rate"].value == pytest.approx(2 / 6)
    assert v["weighted_score"].value == pytest.approx(400 / 6, abs=0.01)
    assert v["satisfaction_rate"].previous == pytest.approx(1.0)
    card = collect("county", Window(date(2026, 1, 1), date(2026, 12, 31)), county_code=dash.code)
    card = card[(0, None)]
    assert v["satisfaction_rate"].numerator == card.satisfied
    assert v["satisfaction_rate"].denominator == card.evaluations
    assert v["weighted_score"].value == pytest.approx(float(card.weighted_score))


def test_evaluation_figures_hidden_below_five_for_scoped_viewers(dash):
    for day in range(4):
        visit = dash.visit(at(2026, 6, 1 + day))
        dash.evaluation(visit, 5, at(2026, 6, 1 + day, 15))
    dash.rollup()
    agency = {**NO_FILTERS, "agency": dash.lead.contract.agency_id}
    v = kpis(dash, filters=agency, county_wide=False)
    assert v["satisfaction_rate"].value is None
    assert "5" in v["satisfaction_rate"].note
    assert kpis(dash, filters=agency)["satisfaction_rate"].value == 1.0


def test_no_evaluations_gives_dash(dash):
    dash.rollup()
    v = kpis(dash)
    for key in ("satisfaction_rate", "bad_review_rate", "weighted_score"):
        assert v[key].value is None


def test_rectification_on_time(dash):
    e = dash.evaluation(dash.visit(at(2026, 5, 12)), 1, at(2026, 5, 12, 15))
    dash.rectification(e, date(2026, 6, 2), at(2026, 6, 1))  # on time
    e2 = dash.evaluation(dash.visit(at(2026, 5, 13)), 2, at(2026, 5, 13, 15))
    dash.rectification(e2, date(2026, 6, 3), at(2026, 6, 10))  # late
    e3 = dash.evaluation(dash.visit(at(2026, 5, 14)), 2, at(2026, 5, 14, 15))
    dash.rectification(e3, date(2026, 6, 4), None)  # open and overdue: counts, not on time
    e4 = dash.evaluation(dash.visit(at(2026, 11, 20)), 2, at(2026, 11, 20, 15))
    dash.rectification(e4, date(2026, 12, 11), None)  # open, not yet due: not counted
    dash.rollup()
    v = kpis(dash)["rectification_on_time_rate"]
    assert (v.numerator, v.denominator) == (1, 3)
    assert v.value == pytest.approx(1 / 3)
    window = Window(date(2026, 1, 1), date(2026, 12, 31))
    card = collect("county", window, county_code=dash.code, as_of=NOW.date())[(0, None)]
    assert (card.rectifications_on_time, card.rectifications_due) == (1, 3)


def test_complaint_clocks(dash):
    received = at(2026, 5, 4)
    # acknowledged on time, replied late, closed on time
    dash.complaint(
        received,
        acknowledged_at=at(2026, 5, 5),
        first_reply_at=at(2026, 5, 20),
        closed_at=at(2026, 5, 21),
        substantiated=True,
        decided_at=at(2026, 5, 21),
    )
    # nothing done, every clock overdue
    dash.complaint(at(2026, 5, 6))
    # received yesterday: no clock due yet
    dash.complaint(NOW - timedelta(days=1))
    # substantiated in 2026 but received in 2025
    dash.complaint(at(2025, 12, 20), substantiated=True, decided_at=at(2026, 1, 5))
    dash.rollup()
    v = kpis(dash)
    assert v["complaints"].value == 3
    assert v["complaints_substantiated"].value == 2
    assert (v["complaint_ack_rate"].numerator, v["complaint_ack_rate"].denominator) == (1, 2)
    assert (v["complaint_reply_rate"].numerator, v["complaint_reply_rate"].denominator) == (0, 2)
    assert (v["complaint_close_rate"].numerator, v["complaint_close_rate"].denominator) == (1, 2)
    assert v["complaints"].previous == 1


def test_no_complaints_gives_dash_for_rates(dash):
    dash.rollup()
    v = kpis(dash)
    assert v["complaints"].value == 0
    for key in ("complaint_ack_rate", "complaint_reply_rate", "complaint_close_rate"):
        assert v[key].value is None


def test_providers_warned_and_exited(dash):
    provider = dash.lead.contract.provider
    other = dash.other.contract.provider
    dash.exit_case(provider, at(2026, 2, 1), exited=at(2026, 4, 1))
    dash.exit_case(other, at(2025, 9, 1), status="cleared")
    dash.exit_case(other, at(2026, 9, 1))
    dash.rollup()
    v = kpis(dash)
    assert v["providers_warned"].value == 2
    assert v["providers_warned"].previous == 1
    assert v["providers_exited"].value == 1
    only = kpis(dash, filters={**NO_FILTERS, "provider": other.pk})
    assert only["providers_warned"].value == 1 and only["providers_exited"].value == 0
