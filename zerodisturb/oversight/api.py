"""JSON API of the KPI dashboard: the same report as the page and `manage.py kpi_report`."""

from django.utils import timezone
from ninja import Router

from zerodisturb.oversight.periods import parse_filters, parse_period
from zerodisturb.oversight.permissions import scope_for
from zerodisturb.oversight.report import build

router = Router(tags=["监管看板"])


@router.get(
    "/kpis",
    summary="监管指标（与看板、kpi_report 相同；参数 year、period=year|quarter|month、quarter、"
    "month、agency、provider、locality、domain）",
)
def kpis(request):
    scope = scope_for(request.user, request.GET.get("county"))
    period = parse_period(request.GET, timezone.localdate())
    return build(scope.county, period, parse_filters(request.GET), scope.forced)
