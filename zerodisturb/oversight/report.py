"""One report of a county, period and filters as plain data: the dashboard page, its exports, the
API and `manage.py kpi_report` all render this (so they show the same figures)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from zerodisturb.commissioning.models import Domain
from zerodisturb.evaluations.anonymity import shown
from zerodisturb.oversight.catalogue import BY_KEY, SECTIONS
from zerodisturb.oversight.figures import board, by_dimension, compute, monthly
from zerodisturb.oversight.periods import Period
from zerodisturb.oversight.rollups import refresh, refreshed_at
from zerodisturb.registry.models import Division, Organisation

RANKED_BY = "satisfaction_rate"


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


def _month_series(county, year, filters, scoped: bool = False) -> dict[date, dict]:
    rows = monthly(county, date(year, 1, 1), date(year, 12, 31), filters)
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


def monthly_rows(county, period: Period, filters, scoped: bool = False) -> list[dict]:
    this = _month_series(county, period.year, filters, scoped)
    last = _month_series(county, period.year - 1, filters, scoped)
    rows = []
    for month in range(1, 13):
        a = this.get(date(period.year, month, 1), {})
        b = last.get(date(period.year - 1, month, 1), {})
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


def ranking(county, period: Period, filters, dim: str, names: dict) -> list[dict]:
    """Organisations of one dimension with their figures; ranked by satisfaction rate among
    those with enough evaluations behind it (the others are listed unranked)."""
    rows = []
    for pk, t in by_dimension(county, period.start, period.end, filters, dim).items():
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
    orgs = Organisation.objects.filter(county_code=county)
    return {
        "agency": {o.pk: str(o) for o in orgs.filter(is_agency=True)},
        "provider": {o.pk: str(o) for o in orgs.filter(kind="provider")},
        "locality": {
            d.pk: d.name
            for d in Division.objects.filter(county_code=county, level__in=LOCALITY_LEVELS)
        },
        "domain": {d.pk: d.name for d in Domain.objects.filter(county_code=county)},
    }


LOCALITY_LEVELS = ("street", "town", "platform")


def build(county: str, period: Period, filters: dict, forced: dict | None = None) -> dict:
    """The report; `forced` (a scoped viewer's own agency, provider or locality) limits every
    figure and shows only that organisation's row in the rankings, with its rank."""
    forced = forced or {}
    if refreshed_at() is None:  # never built (a fresh install): build once now, then the worker
        refresh()
    effective = {**filters, **forced}
    b = board(county, period, effective, county_wide=not forced)
    names = names_of(county)
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
        "refreshed_at": _iso(refreshed_at()),
        "kpis": kpi_rows(b),
        "monthly": monthly_rows(county, period, effective, scoped=bool(forced)),
    }
    for dim, key in (("agency", "agencies"), ("provider", "providers"), ("locality", "localities")):
        # Rank among all organisations of the dimension: drop the viewer's own filter on it.
        rows = ranking(county, period, {**effective, dim: None}, dim, names[dim])
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
