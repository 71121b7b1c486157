"""The monthly series obeys the ≥ 5 rule for scoped viewers (a month's few ratings stay hidden)."""

from datetime import date

from zerodisturb.oversight import report


def _totals(evaluations_by_level: dict[int, int]) -> dict:
    totals = {"visits": 3, "complaints": 0, "code_shown": 3}
    totals.update({f"eval_{lv}": evaluations_by_level.get(lv, 0) for lv in range(1, 6)})
    return totals


def test_scoped_months_with_fewer_than_five_ratings_show_no_rate(monkeypatch):
    months = {date(2026, 3, 1): _totals({5: 1}), date(2026, 4, 1): _totals({5: 4, 1: 1})}
    monkeypatch.setattr(report, "monthly", lambda *args: months)
    monkeypatch.setattr(report, "compute", lambda kpi, t: (0.5, None, None))
    scoped = report._month_series("330282", 2026, {}, scoped=True)
    assert scoped[date(2026, 3, 1)]["satisfaction_rate"] is None
    assert scoped[date(2026, 4, 1)]["satisfaction_rate"] == 0.5
    county_wide = report._month_series("330282", 2026, {})
    assert county_wide[date(2026, 3, 1)]["satisfaction_rate"] == 0.5
