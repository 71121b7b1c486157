"""Complaint pages for logged-in users: list, new (enterprise), detail with the actions due now."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zerodisturb.commissioning.forms import add_service_errors
from zerodisturb.complaints import permissions as perms
from zerodisturb.complaints import selectors, services
from zerodisturb.complaints.escalation import any_overdue_q
from zerodisturb.complaints.forms import (
    ComplaintFilter,
    DecisionForm,
    EnterpriseComplaintForm,
    NoteForm,
    RateForm,
    ReasonForm,
    RerouteForm,
    TextForm,
)
from zerodisturb.complaints.models import Complaint
from zerodisturb.exports import DATE, DATETIME, INTEGER, Column, Sheet, export_list, wants_xlsx
from zerodisturb.ids import valid_id
from zerodisturb.roles import Role


def _complaint(request, pk: int) -> Complaint:
    return get_object_or_404(perms.visible_complaints(request.user), pk=pk)


def filtered_complaints(user, params):
    """The list's filter form and the complaints it selects for `user` (page and export)."""
    qs = perms.visible_complaints(user)
    form = ComplaintFilter(params or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(number__icontains=data["q"].strip())
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["overdue"]:
            qs = qs.filter(any_overdue_q(timezone.localdate()))
        if data["mine"] and user.organisation_id:
            qs = qs.filter(routed_to_id=user.organisation_id)
    return form, qs


def _complainant(anonymous: bool):
    def complainant(c):
        if anonymous:
            return "（匿名）"
        return c.enterprise.name if c.enterprise else c.get_channel_display()

    return complainant


def _export(request, form, qs, anonymous: bool):
    columns = [
        Column("编号", "number"),
        Column("收到时间", "received_at", DATETIME),
        Column("类别", "get_category_display"),
        Column("投诉人", _complainant(anonymous)),
        Column("第三方机构", "provider.name"),
        Column("委托机关", "agency.name"),
        Column("承办单位", "routed_to.name"),
        Column("办结期限", "close_due_on", DATE),
        Column("状态", "get_status_display"),
        Column("不认可次数", "reopen_count", INTEGER),
    ]
    sheet = Sheet("投诉", columns, qs)
    return export_list(request, "complaints:list", "零扰企 · 投诉", sheet, form=form)


@login_required
def complaint_list(request):
    user = request.user
    if not perms.can_see_nav(user):
        raise PermissionDenied
    form, qs = filtered_complaints(user, request.GET)
    anonymous = user.role in (Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF)
    if wants_xlsx(request):
        return _export(request, form, qs, anonymous)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/list.html",
        {
            "form": form,
            "page": page,
            "can_complain": perms.can_complain(user),
            "anonymous": anonymous,
        },
    )


@login_required
def complaint_new(request):
    user = request.user
    if not perms.can_complain(user):
        raise PermissionDenied
    # From a visit's page the visit comes pre-selected (?visit=<pk>); the form's choices are the
    # enterprise's own visits, so another enterprise's visit cannot be slipped in.
    initial = {"visit": valid_id(request.GET.get("visit"))} if request.GET.get("visit") else {}
    form = EnterpriseComplaintForm(request.POST or None, user=user, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                complaint = services.create_complaint(
                    user,
                    category=data["category"],
                    text=data["text"],
                    visit=data["visit"],
                    credential=data["credential"],
                    provider=data["provider"],
                    agency=data["agency"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("投诉已提交，编号 %(number)s，已转 %(org)s 办理。")
                    % {"number": complaint.number, "org": complaint.routed_to},
                )
                return redirect("complaints:detail", pk=complaint.pk)
        status = 400
    return render(request, "complaints/new.html", {"form": form}, status=status)


def action_forms(user, complaint: Complaint, actions: set[str]) -> dict:
    forms = {}
    if "reply" in actions:
        forms["reply"] = TextForm(prefix="reply")
    if "request_provider_reply" in actions:
        forms["request_provider_reply"] = NoteForm(prefix="request")
    if "provider_reply" in actions:
        forms["provider_reply"] = TextForm(prefix="provider")
    if "decide" in actions:
        forms["decide"] = DecisionForm(prefix="decide")
    if "close" in actions:
        forms["close"] = TextForm(prefix="close")
    if "reroute" in actions:
        forms["reroute"] = RerouteForm(prefix="reroute", county_code=complaint.county_code)
    if "reopen" in actions:
        forms["reopen"] = ReasonForm(prefix="reopen")
    if "rate" in actions:
        forms["rate"] = RateForm(prefix="rate")
    return forms


def detail_context(viewer, complaint: Complaint, actions: set[str], forms: dict) -> dict:
    return {
        "complaint": complaint,
        "entries": selectors.timeline(complaint, viewer),
        "who": selectors.complainant(complaint, viewer),
        "sees_complainant": perms.sees_complainant(viewer, complaint),
        "clocks": selectors.clocks(complaint),
        "actions": actions,
        "forms": forms,
    }


@login_required
def complaint_detail(request, pk: int, forms: dict | None = None, status: int = 200):
    complaint = _complaint(request, pk)
    actions = perms.available_actions(request.user, complaint)
    all_forms = action_forms(request.user, complaint, actions) | (forms or {})
    context = detail_context(request.user, complaint, actions, all_forms)
    context["sees_provider_reply"] = not perms.is_complainant(request.user, complaint)
    return render(request, "complaints/detail.html", context, status=status)


def _run(request, complaint: Complaint, action: str):
    """(form, callable) for the posted action; the callable calls the service."""
    user, post = request.user, request.POST
    if action == "acknowledge":
        return None, lambda: services.acknowledge_complaint(user, complaint)
    if action == "confirm":
        return None, lambda: services.confirm_closure(user, complaint)
    makers = {
        "reply": (TextForm, "reply"),
        "request_provider_reply": (NoteForm, "request"),
        "provider_reply": (TextForm, "provider"),
        "decide": (DecisionForm, "decide"),
        "close": (TextForm, "close"),
        "reopen": (ReasonForm, "reopen"),
        "rate": (RateForm, "rate"),
    }
    if action == "reroute":
        form = RerouteForm(post, prefix="reroute", county_code=complaint.county_code)
    elif action in makers:
        cls, prefix = makers[action]
        form = cls(post, prefix=prefix)
    else:
        raise Http404
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    calls = {
        "reply": lambda: services.reply_to_complainant(user, complaint, text=d["text"]),
        "request_provider_reply": lambda: services.request_provider_reply(
            user, complaint, note=d["note"]
        ),
        "provider_reply": lambda: services.answer_as_provider(user, complaint, text=d["text"]),
        "decide": lambda: services.decide_complaint(
            user, complaint, substantiated=d["substantiated"], note=d["note"]
        ),
        "close": lambda: services.close_complaint(user, complaint, text=d["text"]),
        "reroute": lambda: services.reroute_complaint(
            user, complaint, agency=d["agency"], reason=d["reason"]
        ),
        "reopen": lambda: services.reopen_complaint(user, complaint, reason=d["reason"]),
        "rate": lambda: services.rate_handling(user, complaint, rating=d["rating"], text=d["text"]),
    }
    return form, calls[action]


DONE = {
    "acknowledge": gettext_lazy("已受理。"),
    "reply": gettext_lazy("已答复投诉人。"),
    "request_provider_reply": gettext_lazy("已请第三方机构陈述意见。"),
    "provider_reply": gettext_lazy("陈述意见已提交。"),
    "decide": gettext_lazy("已作出认定。"),
    "close": gettext_lazy("投诉已办结，等待投诉人确认。"),
    "reroute": gettext_lazy("已转办。"),
    "confirm": gettext_lazy("已确认办结结果。"),
    "reopen": gettext_lazy("已提出异议，投诉将重新办理并升级督办。"),
    "rate": gettext_lazy("感谢您的评价。"),
}


@login_required
@require_POST
def complaint_act(request, pk: int, action: str):
    complaint = _complaint(request, pk)
    form, call = _run(request, complaint, action)
    if call is not None:
        try:
            call()
        except ValidationError as exc:
            if form is None:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect("complaints:detail", pk=complaint.pk)
            add_service_errors(form, exc)
        else:
            messages.success(request, str(DONE[action]))
            return redirect("complaints:detail", pk=complaint.pk)
    return complaint_detail(request, pk, forms={action: form}, status=400)
