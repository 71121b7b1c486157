"""One scenario with something behind every KPI, for the page, export and drill-down tests."""

from zerodisturb.oversight.tests.scenario import at


def fill(dash):
    """Visits (one joint, one without a code), evaluations of every level, a rectification, two
    complaints, an exit case; 2025 visits for the year-on-year column."""
    v1 = dash.visit(at(2026, 5, 12))
    v2 = dash.visit(at(2026, 5, 13), scanned=False, joined_by=dash.other)
    v3 = dash.visit(at(2026, 6, 2), party=dash.other, enterprise=dash.other_enterprise)
    extra = [dash.visit(at(2026, 6, 10 + i)) for i in range(4)]
    dash.visit(at(2025, 6, 2))
    for visit, level in zip([v1, v2, v3, *extra], [5, 4, 4, 5, 3, 2, 1], strict=True):
        e = dash.evaluation(visit, level, visit.window_start.replace(hour=18))
        if level <= 2:
            dash.rectification(e, e.submitted_at.date().replace(day=28), e.submitted_at)
    dash.complaint(at(2026, 5, 20), acknowledged_at=at(2026, 5, 20), visit=v2)
    dash.complaint(
        at(2026, 6, 20), substantiated=True, decided_at=at(2026, 6, 30), closed_at=at(2026, 7, 1)
    )
    dash.exit_case(dash.other.contract.provider, at(2026, 7, 1))
    dash.rollup()
    return dash
