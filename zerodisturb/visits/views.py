"""Visit pages: list, plan (and join another agency's visit), detail and the after-entry actions."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zerodisturb.commissioning.forms import add_service_errors
from zerodisturb.exports import DATETIME, INTEGER, Column, Sheet, export_list, wants_xlsx
from zerodisturb.roles import county_codes_for
from zerodisturb.visits import permissions as perms
from zerodisturb.visits import services
from zerodisturb.visits.choices import VisitStatus
from zerodisturb.visits.forms import (
    DocumentForm,
    FindingForm,
    JoinForm,
    PlanForm,
    ReasonForm,
    VisitFilter,
)
from zerodisturb.visits.models import ScanLog, Visit
from zerodisturb.visits.selectors import mergeable_pairs, overdue_emergency_q

TO_CONFIRM = (VisitStatus.PLANNED, VisitStatus.IN_PROGRESS)


def _visit(request, pk: int) -> Visit:
    return get_object_or_404(perms.visible_visits(request.user), pk=pk)


def filtered_visits(user, params):
    """The list's filter form and the visits it selects for `user` (page and export)."""
    qs = perms.visible_visits(user).prefetch_related("parties__agency", "parties__contract")
    form = VisitFilter(params or None)
    today = timezone.localdate()
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if q := data["q"]:
            qs = qs.filter(Q(number__icontains=q) | Q(enterprise__name__icontains=q))
        if data["today"]:
            qs = qs.filter(window_start__date=today)
    if params.get("to_confirm"):
        qs = qs.filter(status__in=TO_CONFIRM, window_start__date=today)
    if params.get("overdue"):
        qs = qs.filter(overdue_emergency_q(today))
    return form, qs


def _parties(visit, read) -> str:
    return "；".join(read(party) for party in visit.parties.all())


EXPORT_COLUMNS = [
    Column("入企编号", "number"),
    Column("企业", "enterprise.name"),
    Column("开始时间", "window_start", DATETIME),
    Column("结束时间", "window_end", DATETIME),
    Column("委托机关", lambda v: _parties(v, lambda p: p.agency.name)),
    Column("合同", lambda v: _parties(v, lambda p: p.contract.number)),
    Column("参与机关数", lambda v: len(v.parties.all()), INTEGER),
    Column("类型", "get_kind_display"),
    Column("状态", "get_status_display"),
]


@login_required
def visit_list(request):
    form, qs = filtered_visits(request.user, request.GET)
    if wants_xlsx(request):
        sheet = Sheet("入企服务", EXPORT_COLUMNS, qs.select_related("enterprise"))
        flags = {"to_confirm": _("今日待确认"), "overdue": _("紧急入企逾期")}
        return export_list(
            request, "visits:list", "零扰企 · 入企服务", sheet, form=form, flags=flags
        )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/visit_list.html",
        {
            "form": form,
            "page": page,
            "can_plan": perms.can_plan(request.user),
            "can_see_mergeable": perms.can_see_mergeable(request.user),
        },
    )


def _plan_page(request, form, joinable=None, status=200):
    return render(
        request, "visits/visit_form.html", {"form": form, "joinable": joinable}, status=status
    )


def _joinable_for(form, user):
    data = getattr(form, "cleaned_data", {})
    enterprise, start = data.get("enterprise"), data.get("window_start")
    if enterprise is None or start is None:
        return None
    return list(
        services.joinable_visits(user.organisation, enterprise, start).prefetch_related(
            "parties__agency"
        )[:10]
    )


@login_required
def visit_new(request):
    user = request.user
    if not perms.can_plan(user):
        raise PermissionDenied
    if request.method != "POST":
        return _plan_page(request, PlanForm(user=user))
    form = PlanForm(request.POST, user=user)
    valid = form.is_valid()
    joinable = _joinable_for(form, user)
    if request.POST.get("action") == "check" or not valid:
        # "查找可合并的入企": show other agencies' pending visits before planning a separate one.
        return _plan_page(request, form, joinable, status=200 if valid else 400)
    data = form.cleaned_data
    try:
        result = services.plan_visit(
            user,
            enterprise=data["enterprise"],
            kind=data["kind"],
            window_start=data["window_start"],
            window_end=data["window_end"],
            contract=data["contract"],
            credentials=list(data["credentials"]),
            officers=list(data["officers"]),
            purpose=data["purpose"],
            reason=data["reason"],
            plan=data["plan"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _plan_page(request, form, joinable, status=400)
    messages.success(request, _("已安排入企 %(number)s。") % {"number": result.visit.number})
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect("visits:detail", pk=result.visit.pk)


@login_required
@require_POST
def visit_join(request, pk: int):
    """综合查一次: the officer's party joins another agency's pending visit (a visit it cannot see yet)."""
    user = request.user
    if not perms.can_plan(user):
        raise PermissionDenied
    visit = get_object_or_404(Visit, pk=pk, county_code=user.county_code)
    form = JoinForm(request.POST, user=user)
    plan_form = PlanForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.join_visit(
                user,
                visit,
                contract=data["contract"],
                credentials=list(data["credentials"]),
                officers=list(data["officers"]),
            )
        except ValidationError as exc:
            add_service_errors(plan_form, exc)
        else:
            messages.success(
                request, _("已加入入企 %(number)s（综合查一次）。") % {"number": visit.number}
            )
            return redirect("visits:detail", pk=visit.pk)
    else:
        for field, errors in form.errors.items():
            for error in errors:
                plan_form.add_error(field if field in plan_form.fields else None, error)
    plan_form.is_valid()
    return _plan_page(request, plan_form, _joinable_for(plan_form, user), status=400)


@login_required
def visit_detail(request, pk: int):
    visit = _visit(request, pk)
    user = request.user
    parties = visit.parties.select_related("agency", "contract", "contract__item").prefetch_related(
        "staff__credential__person", "officers__person"
    )
    scans = None
    if perms.can_see_scans(user, visit):
        scans = {
            "total": visit.scans.count(),
            "valid": visit.scans.filter(valid=True).count(),
            "refused": visit.scans.filter(valid=False)
            .values("code", "message")
            .annotate(n=Count("pk"))
            .order_by("-n"),
            "recent": ScanLog.objects.filter(visit=visit)[:10],
        }
    lead, party = perms.is_lead(user, visit), perms.is_party(user, visit)
    can_record = party and visit.status in (VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED)
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "parties": parties,
            "findings": visit.findings.all(),
            "documents": visit.documents.all(),
            "scans": scans,
            "can_cancel": visit.status == VisitStatus.PLANNED
            and (lead or (user.role == "supervisor" and user.county_code == visit.county_code)),
            "can_record": can_record,
            "can_close": lead and visit.status == VisitStatus.COMPLETED,
            "can_confirm": services.can_confirm(user, visit)
            and visit.status in (VisitStatus.PLANNED, VisitStatus.IN_PROGRESS),
            "show_code": visit.staff.filter(credential__person_id=user.person_id).exists()
            if user.person_id
            else False,
            "cancel_form": ReasonForm(),
            "finding_form": FindingForm(),
            "document_form": DocumentForm(),
        },
    )


def _flash_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def visit_cancel(request, pk: int):
    visit = _visit(request, pk)
    try:
        services.cancel_visit(request.user, visit, request.POST.get("reason", ""))
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("入企已取消。"))
    return redirect("visits:detail", pk=visit.pk)


@login_required
@require_POST
def visit_finding(request, pk: int):
    visit = _visit(request, pk)
    try:
        services.add_finding(
            request.user, visit, request.POST.get("kind", ""), request.POST.get("text", "")
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("已记录。"))
    return redirect("visits:detail", pk=visit.pk)


@login_required
@require_POST
def visit_document(request, pk: int):
    visit = _visit(request, pk)
    upload = request.FILES.get("file")
    try:
        services.attach_document(
            request.user, visit, upload.name if upload else "", upload.read() if upload else b""
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("资料已上传。"))
    return redirect("visits:detail", pk=visit.pk)


@login_required
@require_POST
def visit_close(request, pk: int):
    visit = _visit(request, pk)
    try:
        services.close_visit(request.user, visit)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("入企已办结。"))
    return redirect("visits:detail", pk=visit.pk)


@login_required
def mergeable(request):
    if not perms.can_see_mergeable(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    pairs = [
        pair
        for county in county_codes_for(request.user)  # a city's supervisors: each county
        for pair in mergeable_pairs(county, date(year, 1, 1), date(year, 12, 31))
    ]
    visits = {v.pk for pair in pairs for v in (pair.first, pair.second)}
    return render(
        request,
        "visits/mergeable.html",
        {"pairs": pairs, "year": year, "visit_count": len(visits)},
    )
