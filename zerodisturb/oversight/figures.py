"""KPI values of a county, period and filters, read from the rollups (never from raw events).

Rates are fractions (0.85 = 85%); a value is None ("—") when nothing stands behind it, when the
filters name a dimension its source does not have, or when too few evaluations stand behind an
evaluation figure shown outside the county-wide view.
"""

from __future__ import annotations

import calendar
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, DecimalField, IntegerField, Q, Sum

from zerodisturb.evaluations.anonymity import shown
from zerodisturb.oversight.catalogue import KPIS, Kpi
from zerodisturb.oversight.models import EnterpriseVisitHistogram, EnterpriseVisitMonth, KpiMonth
from zerodisturb.oversight.periods import Period
from zerodisturb.oversight.rollupcache import cached
from zerodisturb.oversight.sources import COLUMN_SOURCE, COLUMNS, SOURCES
from zerodisturb.registry.models import CountyPolicy
from zerodisturb.scorecards.choices import ExitStatus
from zerodisturb.scorecards.figures import Figures as Scorecard
from zerodisturb.scorecards.models import ExitCase

MONEY = ("approved_budget", "requested_budget")


@dataclass
class Value_:
    kpi: Kpi
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    previous: float | None = None
    note: str = ""
    # How many records the drill-down lists show (the figure's records, and its denominator's).
    drill_count: float | None = None
    drill_den_count: float | None = None

    @property
    def change(self) -> float | None:
        """Year on year: percentage points for rates, relative change for the rest."""
        if self.value is None or self.previous is None:
            return None
        if self.kpi.unit == "rate":
            return self.value - self.previous
        if not self.previous:
            return None
        return self.value / self.previous - 1


@dataclass
class Totals:
    sums: dict = field(default_factory=dict)
    enterprises: dict = field(default_factory=dict)  # per-enterprise figures
    exit: dict = field(default_factory=dict)

    def __getitem__(self, key):
        if key in COLUMN_SOURCE and key not in self.sums:
            raise KeyError(f"{key} was not summed for these totals")
        return self.sums.get(key) or 0  # a sum over no rows is None


def _sum(col):
    # No Coalesce: 0 for None is Totals' job, and wrapping forty sums made compiling the query
    # cost more than running it.
    out = DecimalField(max_digits=18, decimal_places=2) if col in MONEY else IntegerField()
    return Sum(col, output_field=out)


def _rollups(county: str, start: date, end: date, filters: dict):
    """Monthly rollup rows of the months in start..end (periods are whole months)."""
    qs = KpiMonth.objects.filter(county_code=county, month__gte=start, month__lte=end)
    for dim, value in filters.items():
        if value is not None:
            qs = qs.filter(**{f"{dim}_id": value})
    return qs


# `version` (rollupcache.version()) caches what is read from the rollups; None reads them.


def _args(county, start, end, filters, *more) -> tuple:
    return (county, start, end, sorted(filters.items()), *more)


def totals(county: str, start: date, end: date, filters: dict, version=None) -> Totals:
    sums = cached(
        version,
        "totals",
        _args(county, start, end, filters),
        lambda: _rollups(county, start, end, filters).aggregate(**{c: _sum(c) for c in COLUMNS}),
    )
    return Totals(
        sums=sums,
        enterprises=enterprise_figures(county, start, end, filters, version),
        exit=exit_figures(county, start, end, filters),  # exit cases are read as they are
    )


def monthly(
    county: str, start: date, end: date, filters: dict, columns=COLUMNS, version=None
) -> dict[date, Totals]:
    """Totals per month; `columns` names the rollup columns summed (all by default)."""
    rows = cached(
        version,
        "monthly",
        _args(county, start, end, filters, columns),
        lambda: list(
            _rollups(county, start, end, filters)
            .values("month")
            .annotate(**{c: _sum(c) for c in columns})
            .order_by("month")
        ),
    )
    return {r["month"]: Totals(sums={c: r[c] for c in columns}) for r in rows}


def by_dimension(
    county, start, end, filters, dim: str, columns=COLUMNS, version=None
) -> dict[int, Totals]:
    rows = cached(
        version,
        "by_dimension",
        _args(county, start, end, filters, dim, columns),
        lambda: list(
            _rollups(county, start, end, filters)
            .exclude(**{f"{dim}_id": None})
            .values(f"{dim}_id")
            .annotate(**{c: _sum(c) for c in columns})
            .order_by()
        ),
    )
    return {r[f"{dim}_id"]: Totals(sums={c: r[c] for c in columns}) for r in rows}


def p95(counts: list[int]) -> int | None:
    """Nearest-rank 95th percentile: the ⌈0.95·n⌉-th smallest."""
    if not counts:
        return None
    ordered = sorted(counts)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def p95_of_counts(counts: Counter[int]) -> int | None:
    """p95() of a list given as value -> how many times it occurs."""
    total = sum(counts.values())
    if not total:
        return None
    rank, seen = math.ceil(0.95 * total), 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable: the counts add up to the total")


def _period_kind(start: date, end: date) -> str | None:
    if start.day != 1 or start.year != end.year:
        return None
    if start.month == 1 and (end.month, end.day) == (12, 31):
        return "year"
    last = calendar.monthrange(end.year, end.month)[1]
    if end.day != last:
        return None
    if end.month == start.month:
        return "month"
    if start.month % 3 == 1 and end.month == start.month + 2:
        return "quarter"
    return None


def enterprise_figures(county: str, start: date, end: date, filters: dict, version=None) -> dict:
    """Per-enterprise visit figures: one row per enterprise of the period when no agency,
    provider or domain is chosen; otherwise from the per-enterprise months of those."""
    threshold = CountyPolicy.for_county(county).frequent_visits_per_quarter
    return cached(
        version,
        "enterprises",
        _args(county, start, end, filters, threshold),
        lambda: _enterprise_figures(county, start, end, filters, threshold),
    )


def _enterprise_figures(county, start, end, filters, threshold) -> dict:
    kind = _period_kind(start, end)
    if kind and not any(filters.get(d) for d in ("agency", "provider", "domain")):
        qs = EnterpriseVisitHistogram.objects.filter(county_code=county, kind=kind, start=start)
        if filters.get("locality") is not None:
            qs = qs.filter(locality_id=filters["locality"])
        rows = list(qs.values_list("visits", "max_quarter", "enterprises"))
        by_visits: Counter[int] = Counter()
        for visits, _top, n in rows:
            by_visits[visits] += n
        return {
            "enterprises": sum(by_visits.values()),
            "frequent": sum(n for _v, top, n in rows if top > threshold),
            "p95": p95_of_counts(by_visits),
            "threshold": threshold,
        }
    qs = EnterpriseVisitMonth.objects.filter(county_code=county, month__gte=start, month__lte=end)
    for dim, value in filters.items():
        if value is not None:
            qs = qs.filter(**{f"{dim}_id": value})
    per_enterprise: dict[int, int] = defaultdict(int)
    per_quarter: dict[tuple[int, int], int] = defaultdict(int)
    for ent, month, n in qs.values_list("enterprise_id", "month").annotate(n=Sum("visits")):
        per_enterprise[ent] += n
        per_quarter[(ent, (month.month - 1) // 3)] += n
    frequent = {ent for (ent, _q), n in per_quarter.items() if n > threshold}
    return {
        "enterprises": len(per_enterprise),
        "frequent": len(frequent),
        "p95": p95(list(per_enterprise.values())),
        "threshold": threshold,
    }


def _exit_when(which: str, start: date, end: date) -> Q:
    if which == "warned":
        return Q(warned_at__date__gte=start, warned_at__date__lte=end)
    return Q(status=ExitStatus.EXITED, exited_at__date__gte=start, exited_at__date__lte=end)


def _exit_base(county: str, filters: dict):
    qs = ExitCase.objects.filter(county_code=county)
    if filters.get("provider") is not None:
        qs = qs.filter(provider_id=filters["provider"])
    return qs


def exit_cases(county: str, start: date, end: date, filters: dict, which: str):
    """Exit cases behind the two exit figures (a small table, read directly)."""
    return _exit_base(county, filters).filter(_exit_when(which, start, end))


def exit_figures(county, start, end, filters) -> dict:
    """Providers warned and providers exited in the period, in one query."""
    return _exit_base(county, filters).aggregate(
        providers_warned=Count(
            "provider_id", distinct=True, filter=_exit_when("warned", start, end)
        ),
        providers_exited=Count(
            "provider_id", distinct=True, filter=_exit_when("exited", start, end)
        ),
    )


def _scorecard(t: Totals) -> Scorecard:
    return Scorecard(
        by_level={lv: t[f"eval_{lv}"] for lv in range(1, 6)},
        rectifications_due=t["rect_due"],
        rectifications_on_time=t["rect_on_time"],
    )


def _ratio(num, den):
    return (float(num) / float(den)) if den else None


def compute(kpi: Kpi, t: Totals) -> tuple[float | None, float | None, float | None]:
    """(value, numerator, denominator) of one KPI from the totals."""
    card = _scorecard(t)
    e = t.enterprises
    match kpi.key:
        case "budget_saved_rate":
            saved = t["requested_budget"] - t["approved_budget"]
            return _ratio(saved, t["requested_budget"]), float(saved), float(t["requested_budget"])
        case "satisfaction_rate":
            return _ratio(card.satisfied, card.evaluations), card.satisfied, card.evaluations
        case "bad_review_rate":
            return _ratio(card.bad, card.evaluations), card.bad, card.evaluations
        case "weighted_score":
            score = card.weighted_score
            return (float(score) if score is not None else None), None, card.evaluations
        case "visits_per_enterprise":
            return _ratio(t["visits"], e.get("enterprises")), t["visits"], e.get("enterprises")
        case "visits_p95":
            return e.get("p95"), None, e.get("enterprises")
        case "frequent_share":
            return (
                _ratio(e.get("frequent"), e.get("enterprises")),
                e.get("frequent"),
                e.get("enterprises"),
            )
        case "providers_warned" | "providers_exited":
            n = t.exit.get(kpi.key, 0)
            return n, n, None
    if kpi.denominator:
        num, den = t[kpi.numerator], t[kpi.denominator]
        return _ratio(num, den), float(num), float(den)
    n = t[kpi.numerator]
    return float(n), float(n), None


def unsupported(kpi: Kpi, filters: dict) -> list[str]:
    """The filters this KPI cannot honour (items have no provider or locality …)."""
    out = []
    for dim, value in filters.items():
        if value is None:
            continue
        for src in kpi.sources:
            dims = ("provider",) if src == "exit_case" else SOURCES[src].dims
            if dim not in dims:
                out.append(dim)
    return sorted(set(out))


DIM_LABELS = {"agency": "委托机关", "provider": "第三方机构", "locality": "属地", "domain": "领域"}


def evaluate(kpi: Kpi, t: Totals, filters: dict, county_wide: bool) -> Value_:
    missing = unsupported(kpi, filters)
    if missing:
        names = "、".join(DIM_LABELS[d] for d in missing)
        return Value_(kpi, None, note=f"不按{names}统计")
    value, num, den = compute(kpi, t)
    if kpi.evaluations and not county_wide and not shown(int(den or 0)):
        return Value_(kpi, None, note="评价不足 5 条，暂不显示")
    if kpi.key in ("budget_saved_rate", "approved_budget"):
        drill = t["items_approved"]
    elif kpi.unit == "count":
        drill = value
    elif kpi.key in ("weighted_score", "visits_p95"):
        drill = den
    else:
        drill = num
    return Value_(kpi, value, num, den, drill_count=drill, drill_den_count=den)


@dataclass
class Board:
    county: str
    period: Period
    filters: dict
    values: list[Value_]
    current: Totals
    previous: Totals

    def by_key(self) -> dict[str, Value_]:
        return {v.kpi.key: v for v in self.values}


def board(
    county: str, period: Period, filters: dict, county_wide: bool = True, version=None
) -> Board:
    """Every KPI for the period, with the same period of the previous year beside it."""
    prev = period.previous_year()
    now_t = totals(county, period.start, period.end, filters, version)
    prev_t = totals(county, prev.start, prev.end, filters, version)
    values = []
    for kpi in KPIS:
        v = evaluate(kpi, now_t, filters, county_wide)
        v.previous = evaluate(kpi, prev_t, filters, county_wide).value
        values.append(v)
    return Board(county, period, filters, values, now_t, prev_t)
