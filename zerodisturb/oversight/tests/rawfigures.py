"""The KPI totals computed straight from the raw records (the drill-down querysets), for the
rollup-equals-raw tests: the same Totals the dashboard builds from the rollups."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum

from zerodisturb.oversight.figures import Totals, exit_figures, p95
from zerodisturb.oversight.records import records
from zerodisturb.oversight.sources import COLUMN_SOURCE, SOURCES
from zerodisturb.registry.models import CountyPolicy


def raw_totals(county, start, end, filters, today) -> Totals:
    sums = {}
    for col, source in COLUMN_SOURCE.items():
        fact = SOURCES[source].facts(today)[col]
        qs = records(county, source, col, start, end, filters, today)
        if fact.total:
            sums[col] = qs.aggregate(s=Sum(fact.total))["s"] or 0
        else:
            sums[col] = qs.count()
    visits = records(county, "visit", "visits", start, end, filters, today)
    per_enterprise: dict[int, int] = defaultdict(int)
    per_quarter: dict[tuple, int] = defaultdict(int)
    for visit in visits:
        per_enterprise[visit.enterprise_id] += 1
        per_quarter[(visit.enterprise_id, (visit._day.month - 1) // 3)] += 1
    threshold = CountyPolicy.for_county(county).frequent_visits_per_quarter
    return Totals(
        sums=sums,
        enterprises={
            "enterprises": len(per_enterprise),
            "frequent": len({e for (e, _q), n in per_quarter.items() if n > threshold}),
            "p95": p95(list(per_enterprise.values())),
            "threshold": threshold,
        },
        exit=exit_figures(county, start, end, filters),
    )
