from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_POST

from zerodisturb.audit.permissions import visible_events
from zerodisturb.audit.verify import verify_chain

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


@login_required
@permission_required("audit.view_trail", raise_exception=True)
def trail(request):
    try:
        events = filtered_events(request.user, request.GET)
        page = Paginator(events, 50).get_page(request.GET.get("page"))
        error = ""
    except Exception:  # a malformed date filter; show the page with the message
        page, error = Paginator([], 50).get_page(1), "日期格式应为 YYYY-MM-DD"
    return render(request, "audit/trail.html", {"page": page, "error": error})


@login_required
@permission_required("audit.verify_chain", raise_exception=True)
@require_POST
def verify(request):
    report = verify_chain()
    return render(request, "audit/_verify.html", {"report": report})
