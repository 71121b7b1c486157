"""One report of a county, period and filters as plain data: the dashboard page, its exports, the
API and `manage.py kpi_report` all render this (so they show the same figures)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from zerodisturb.commissioning.models import Domain
from zerodisturb.evaluations.anonymity import shown
from zerodisturb.oversight import rollupcache
from zerodisturb.oversight.catalogue import BY_KEY, SECTIONS
from zerodisturb.oversight.figures import board, by_dimension, compute, monthly
from zerodisturb.oversight.periods import Period
from zerodisturb.oversight.rollups import refresh, refreshed_at
from zerodisturb.registry.models import Division, Organisation


def _iso(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value is not None else None


def _num(value):
    return None if value is None else float(value)


def kpi_rows(b) -> list[dict]:
    return [
        {
            "key": v.kpi.key,
            "section": v.kpi.section,
            "section_label": str(SECTIONS[v.kpi.section]),
            "label": str(v.kpi.label),
            "unit": v.kpi.unit,
            "value": _num(v.value),
            "previous": _num(v.previous),
            "change": _num(v.change),
            "numerator": _num(v.numerator),
            "denominator": _num(v.denominator),
            "definition": str(v.kpi.definition),
            "note": v.note,
            "records": _num(v.drill_count),
            "denominator_records": _num(v.drill_den_count) if v.kpi.drill_den else None,
        }
        for v in b.values
    ]


RANKED_BY = "satisfaction_rate"
# The rollup columns the monthly series and the rankings read (satisfaction comes from the
# evaluation levels through the scorecard, which also reads the rectification clocks).
EVALUATION_COLUMNS = (*(f"eval_{lv}" for lv in range(1, 6)), "rect_due", "rect_on_time")
RANKING_COLUMNS = ("visits", "visits_scanned", *EVALUATION_COLUMNS)
SERIES_COLUMNS = (*RANKING_COLUMNS, "complaints")


def _month_series(
    county, year, filters, scoped: bool = False, until=None, version=None
) -> dict[date, dict]:
    """The months of `year` (through the year `until`, in the same query)."""
    end = date(until or year, 12, 31)
    rows = monthly(county, date(year, 1, 1), end, filters, SERIES_COLUMNS, version)
    out = {}
    for m, t in rows.items():
        evaluations = sum(t[f"eval_{lv}"] for lv in range(1, 6))
        satisfaction = compute(BY_KEY["satisfaction_rate"], t)[0]
        if scoped and not shown(evaluations):
            satisfaction = None  # a provider or agency must not read a month's few ratings
        out[date(m.year, m.month, 1)] = {
            "visits": t["visits"],
            "code_shown_rate": compute(BY_KEY["code_shown_rate"], t)[0],
            "satisfaction_rate": satisfaction,
            "complaints": t["complaints"],
        }
    return out


def monthly_rows(county, period: Period, filters, scoped: bool = False, version=None) -> list[dict]:
    series = _month_series(county, period.year - 1, filters, scoped, period.year, version)
    rows = []
    for month in range(1, 13):
        a = series.get(date(period.year, month, 1), {})
        b = series.get(date(period.year - 1, month, 1), {})
        rows.append(
            {
                "month": f"{period.year}-{month:02d}",
                "visits": a.get("visits", 0),
                "visits_previous_year": b.get("visits", 0),
                "code_shown_rate": a.get("code_shown_rate"),
                "satisfaction_rate": a.get("satisfaction_rate"),
                "complaints": a.get("complaints", 0),
            }
        )
    return rows


def ranking(county, period: Period, filters, dim: str, names: dict, version=None) -> list[dict]:
    """Organisations of one dimension with their figures; ranked by satisfaction rate among
    those with enough evaluations behind it (the others are listed unranked)."""
    rows = []
    totals = by_dimension(county, period.start, period.end, filters, dim, RANKING_COLUMNS, version)
    for pk, t in totals.items():
        evaluations = sum(t[f"eval_{lv}"] for lv in range(1, 6))
        rate = compute(BY_KEY[RANKED_BY], t)[0] if shown(evaluations) else None
        rows.append(
            {
                "id": pk,
                "name": names.get(pk, str(pk)),
                "visits": t["visits"],
                "code_shown_rate": compute(BY_KEY["code_shown_rate"], t)[0],
                "satisfaction_rate": rate,
                "evaluations": evaluations,
                "rank": None,
            }
        )
    ranked = sorted(
        (r for r in rows if r["satisfaction_rate"] is not None),
        key=lambda r: (-r["satisfaction_rate"], -r["evaluations"], r["name"]),
    )
    for n, r in enumerate(ranked, 1):
        r["rank"] = n
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, -r["visits"], r["name"]))
    return rows


def names_of(county: str) -> dict[str, dict[int, str]]:
    orgs = Organisation.objects.filter(county_code=county).values_list("pk", "short_name", "name")
    return {  # an organisation is shown as str(organisation): its short name, else its name
        "agency": {pk: short or name for pk, short, name in orgs.filter(is_agency=True)},
        "provider": {pk: short or name for pk, short, name in orgs.filter(kind="provider")},
        "locality": dict(
            Division.objects.filter(county_code=county, level__in=LOCALITY_LEVELS).values_list(
                "pk", "name"
            )
        ),
        "domain": dict(Domain.objects.filter(county_code=county).values_list("pk", "name")),
    }


LOCALITY_LEVELS = ("street", "town", "platform")


def build(
    county: str, period: Period, filters: dict, forced: dict | None = None, names=None
) -> dict:
    """The report; `forced` (a scoped viewer's own agency, provider or locality) limits every
    figure and shows only that organisation's row in the rankings, with its rank. `names` is
    names_of(county) when the caller has read it already."""
    forced = forced or {}
    refreshed = refreshed_at()
    if refreshed is None:  # never built (a fresh install): build once now, then the worker
        refresh()
        refreshed = refreshed_at()
    # Read before the figures: a run that ends meanwhile is cached under this older version,
    # which the next load no longer asks for.
    version = rollupcache.version(refreshed)
    effective = {**filters, **forced}
    b = board(county, period, effective, county_wide=not forced, version=version)
    names = names or names_of(county)
    out = {
        "county": county,
        "period": {
            "year": period.year,
            "kind": period.kind,
            "index": period.index,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label": period.label,
        },
        "filters": {k: v for k, v in effective.items() if v is not None},
        "refreshed_at": _iso(refreshed),
        "kpis": kpi_rows(b),
        "monthly": monthly_rows(county, period, effective, bool(forced), version),
    }
    for dim, key in (("agency", "agencies"), ("provider", "providers"), ("locality", "localities")):
        # Rank among all organisations of the dimension: drop the viewer's own filter on it.
        rows = ranking(county, period, {**effective, dim: None}, dim, names[dim], version)
        if forced:
            mine = forced.get(dim)
            total = sum(1 for r in rows if r["rank"] is not None)
            rows = [
                dict(
                    r,
                    ranked_of=total,
                    evaluations=r["evaluations"] if shown(r["evaluations"]) else None,
                )
                for r in rows
                if r["id"] == mine
            ]
        out[key] = rows
    return out
