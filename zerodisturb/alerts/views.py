"""Alert pages: the filterable list and an alert with its closing form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zerodisturb.alerts import services
from zerodisturb.alerts.forms import AlertFilter, CloseForm
from zerodisturb.alerts.permissions import can_close, can_see_nav, visible_alerts
from zerodisturb.alerts.selectors import filter_alerts
from zerodisturb.audit.models import AuditEvent
from zerodisturb.exports import DATETIME, INTEGER, Column, Sheet, export_list, wants_xlsx


def filtered_alerts(user, params):
    """The list's filter form and the alerts it selects for `user` (page and export)."""
    visible = visible_alerts(user)
    form = AlertFilter(params or None, alerts=visible)
    data = form.cleaned_data if form.is_valid() else {}
    alerts = filter_alerts(
        visible, kind=data.get("kind", ""), owner=data.get("owner"), state=data.get("state", "")
    )
    return form, alerts


EXPORT_COLUMNS = [
    Column("编号", "number"),
    Column("类别", "get_kind_display"),
    Column("预警", "title"),
    Column("对象", "subject_label"),
    Column("责任单位", "owner.name"),
    Column("发现时间", "opened_at", DATETIME),
    Column("发现次数", "occurrences", INTEGER),
    Column("状态", lambda a: "未关闭" if a.is_open else "已关闭"),
    Column("关闭时间", "closed_at", DATETIME),
]


@login_required
def alert_list(request):
    if not can_see_nav(request.user):
        raise PermissionDenied("您的角色没有预警。")
    form, alerts = filtered_alerts(request.user, request.GET)
    if wants_xlsx(request):
        sheet = Sheet("预警", EXPORT_COLUMNS, alerts.select_related("owner"))
        return export_list(request, "alerts:list", "零扰企 · 预警", sheet, form=form)
    page = Paginator(alerts, 30).get_page(request.GET.get("page"))
    return render(request, "alerts/list.html", {"form": form, "page": page})


def _detail(request, alert, form):
    events = AuditEvent.objects.filter(object_type="alerts.alert", object_id=str(alert.pk))
    return render(
        request,
        "alerts/detail.html",
        {
            "alert": alert,
            "form": form,
            "can_close": alert.is_open and can_close(request.user, alert),
            "seen": alert.seen.all(),
            "events": events.order_by("seq"),
        },
    )


@login_required
def alert_detail(request, pk: int):
    alert = get_object_or_404(visible_alerts(request.user), pk=pk)
    return _detail(request, alert, CloseForm())


@login_required
@require_POST
def alert_close(request, pk: int):
    alert = get_object_or_404(visible_alerts(request.user), pk=pk)
    form = CloseForm(request.POST)
    form.is_valid()
    try:
        services.close_alert(request.user, alert, note=form.cleaned_data.get("note", ""))
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return _detail(request, alert, form)
    messages.success(request, f"预警 {alert.number} 已关闭。")
    return redirect("alerts:detail", pk=alert.pk)
