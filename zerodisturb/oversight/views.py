"""The KPI dashboard, the records behind each figure, and their Excel and PDF exports."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from zerodisturb.exports import record_export
from zerodisturb.oversight import exports
from zerodisturb.oversight.catalogue import BY_KEY, SECTIONS
from zerodisturb.oversight.formatting import fmt, fmt_change
from zerodisturb.oversight.periods import parse_filters, parse_period
from zerodisturb.oversight.permissions import scope_for
from zerodisturb.oversight.records import headers, known, records, row_values, title
from zerodisturb.oversight.report import build, names_of
from zerodisturb.registry.models import Division

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _inputs(request):
    scope = scope_for(request.user, request.GET.get("county"))
    today = timezone.localdate()
    period = parse_period(request.GET, today)
    filters = scope.apply(parse_filters(request.GET))
    return scope, period, filters, today


def _query(period, filters, **extra) -> str:
    params = {**period.as_query(), **{k: v for k, v in filters.items() if v is not None}}
    params.update(extra)
    return urlencode(params)


def _county_param(scope) -> dict:
    """A city's supervisors choose the county; its code travels in every link."""
    return {"county": scope.county} if len(scope.counties) > 1 else {}


def _drill_url(source_fact, period, filters, scope):
    source, fact = source_fact
    query = _query(period, filters, **_county_param(scope))
    return reverse("oversight:records", args=[source, fact]) + "?" + query


def _cards(data, scope, period, filters) -> list[dict]:
    sections: dict[str, dict] = {}
    for row in data["kpis"]:
        kpi = BY_KEY[row["key"]]
        card = dict(row)
        card["display"] = fmt(row["value"], kpi.unit)
        card["previous_display"] = fmt(row["previous"], kpi.unit)
        card["change_display"] = fmt_change(row["change"], kpi.unit)
        card["url"] = card["den_url"] = ""
        if not row["note"] and kpi.drill and scope.may_open(kpi.drill[0]):
            card["url"] = _drill_url(kpi.drill, period, filters, scope)
            if kpi.drill_den and scope.may_open(kpi.drill_den[0]):
                card["den_url"] = _drill_url(kpi.drill_den, period, filters, scope)
        # The figure itself links when it is a count; otherwise the counts of records behind it.
        card["value_links"] = kpi.unit == "count"
        if row["records"] is not None and not card["value_links"]:
            card["num_display"] = fmt(row["records"], "count")
            if kpi.drill_den and row["denominator_records"] is not None:
                card["den_display"] = fmt(row["denominator_records"], "count")
        sections.setdefault(
            row["section"], {"key": row["section"], "label": SECTIONS[row["section"]], "cards": []}
        )["cards"].append(card)
    return list(sections.values())


@login_required
@require_GET
def dashboard(request):
    scope, period, filters, today = _inputs(request)
    names = names_of(scope.county)
    data = build(scope.county, period, parse_filters(request.GET), scope.forced, names)
    if request.GET.get("format") == "xlsx":
        content = exports.dashboard_xlsx(data)
        record_export(
            request, "oversight:dashboard", _describe(period, filters, scope), len(data["kpis"])
        )
        return _download(content, f"kpi-{scope.county}.xlsx", XLSX)
    refreshed = parse_datetime(data["refreshed_at"]) if data["refreshed_at"] else None
    return render(
        request,
        "oversight/dashboard.html",
        {
            "scope": scope,
            "period": period,
            "filters": filters,
            "data": data,
            "sections": _cards(data, scope, period, filters),
            "names": names,
            "years": range(today.year - 4, today.year + 1),
            "months": range(1, 13),
            "quarters": range(1, 5),
            "refreshed_at": refreshed,
            "query": _query(period, filters, **_county_param(scope)),
            "counties": _county_choices(scope),
            "charts": {
                "monthly": data["monthly"],
                "agencies": data["agencies"],
                "providers": data["providers"],
                "localities": data["localities"],
            },
        },
    )


@login_required
@require_GET
def records_list(request, source: str, fact: str):
    scope, period, filters, today = _inputs(request)
    if not known(source, fact, today):
        raise Http404
    if not scope.may_open(source):
        raise PermissionDenied("无权查看这些记录")
    rows = records(scope.county, source, fact, period.start, period.end, filters, today)
    heading = title(source, fact)
    if request.GET.get("format") == "xlsx":
        described = _describe(period, filters, scope)
        content = exports.records_xlsx(heading, source, rows, described)
        record_export(request, f"oversight:records:{source}:{fact}", described, len(rows))
        return _download(content, f"records-{source}-{fact}.xlsx", XLSX)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/records.html",
        {
            "title": heading,
            "description": _describe(period, filters, scope),
            "headers": headers(source),
            "rows": [_labelled(source, r) for r in page],
            "page": page,
            "count": page.paginator.count,
            "query": _query(period, filters, **_county_param(scope)),
        },
    )


@login_required
@require_GET
def report_pdf(request):
    scope, period, filters, today = _inputs(request)
    data = build(scope.county, period, parse_filters(request.GET), scope.forced)
    content = exports.report_pdf(data)
    described = _describe(period, filters, scope)
    record_export(request, "oversight:report", described, len(data["kpis"]), "export.pdf")
    return _download(content, f"kpi-report-{scope.county}.pdf", "application/pdf")


def _county_choices(scope) -> list[tuple[str, str]]:
    if len(scope.counties) < 2:
        return []
    names = dict(Division.objects.filter(code__in=scope.counties).values_list("code", "name"))
    return [(code, names.get(code, code)) for code in scope.counties]


def _labelled(source, row):
    values, url = row_values(source, row)
    return [(c.header, v) for c, v in zip(headers(source), values, strict=True)], url


def _describe(period, filters, scope) -> str:
    names = names_of(scope.county)
    parts = [period.label]
    for dim, value in filters.items():
        if value is not None:
            parts.append(names[dim].get(value, str(value)))
    return " · ".join(parts)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
