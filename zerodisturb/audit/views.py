import json

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_POST

from zerodisturb.audit.permissions import scoped_report, visible_events
from zerodisturb.audit.verify import verify_chain
from zerodisturb.exports import DATETIME, INTEGER, Column, Sheet, export_list, wants_xlsx

FILTERS = ("action", "object_type", "object_number", "actor_label")


def filtered_events(user, params):
    events = visible_events(user)
    for name in FILTERS:
        value = (params.get(name) or "").strip()[:80]
        if value:
            events = events.filter(**{f"{name}__icontains": value})
    if since := params.get("since"):
        events = events.filter(occurred_at__date__gte=since)
    if until := params.get("until"):
        events = events.filter(occurred_at__date__lte=until)
    return events.order_by("-seq")


def _payload(event) -> str:
    # An Excel cell holds at most 32,767 characters.
    return json.dumps(event.payload, ensure_ascii=False, sort_keys=True)[:32000]


EXPORT_COLUMNS = [
    Column("序号", "seq", INTEGER),
    Column("时间", "occurred_at", DATETIME),
    Column("操作人", "actor_label"),
    Column("单位", "organisation_label"),
    Column("动作", "action"),
    Column("对象类型", "object_type"),
    Column("对象", lambda e: e.object_number or e.object_id),
    Column("变更内容", _payload, width=60),
    Column("哈希", "hash"),
]
LABELS = {
    "action": "动作",
    "object_type": "对象类型",
    "object_number": "编号",
    "actor_label": "操作人",
    "since": "起",
    "until": "止",
}


@login_required
@permission_required("audit.view_trail", raise_exception=True)
def trail(request):
    try:
        events = filtered_events(request.user, request.GET)
        page = Paginator(events, 50).get_page(request.GET.get("page"))
        error = ""
    except Exception:  # a malformed date filter; show the page with the message
        events, page, error = None, Paginator([], 50).get_page(1), "日期格式应为 YYYY-MM-DD"
    if events is not None and wants_xlsx(request):
        sheet = Sheet("审计日志", EXPORT_COLUMNS, events)
        return export_list(request, "audit:trail", "零扰企 · 审计日志", sheet, labels=LABELS)
    return render(request, "audit/trail.html", {"page": page, "error": error})


@login_required
@permission_required("audit.verify_chain", raise_exception=True)
@require_POST
def verify(request):
    report = scoped_report(request.user, verify_chain())
    return render(request, "audit/_verify.html", {"report": report})
