"""Scorecard pages (考核), exit cases (不满意退出) and the judicial bureau's threshold settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zerodisturb.commissioning.forms import add_service_errors
from zerodisturb.exports import INTEGER, NUMBER, PERCENT, Column, Sheet, export_list, wants_xlsx
from zerodisturb.registry.models import CountyPolicy
from zerodisturb.scorecards import permissions as perms
from zerodisturb.scorecards import services
from zerodisturb.scorecards.choices import ExitStatus
from zerodisturb.scorecards.figures import rolling_12_months
from zerodisturb.scorecards.forms import DecisionForm, ReplyForm, ScorecardFilter, ThresholdForm
from zerodisturb.scorecards.selectors import (
    monthly_rows,
    scorecard_rows,
    snapshot_shown,
    sort_rows,
)
from zerodisturb.scorecards.thresholds import can_configure, current_values, update_thresholds

PAGE_SIZE = 50


def filtered_scorecards(user, params):
    """The list's filter form and its sorted rows, for those who see the whole county."""
    form = ScorecardFilter(params or None)
    data = form.cleaned_data if form.is_valid() else {}
    kind = data.get("kind") or "provider"
    sort = data.get("sort") or "name"
    orgs = perms.visible_scorecards(user)
    orgs = orgs.filter(kind="provider") if kind == "provider" else orgs.exclude(kind="provider")
    return form, kind, sort, sort_rows(scorecard_rows(user, orgs), sort)


def _shown(read, percent=False):
    """A figure of the evaluations, left empty where the page says 不足 5 条."""

    def value(row):
        if not row.show_evaluations:
            return None
        v = read(row.figures)
        return v / 100 if percent and v is not None else v

    return value


def _export(request, form, kind, rows):
    def percent(name):
        return lambda r: None if (v := getattr(r.figures, name)) is None else v / 100

    columns = [
        Column("第三方机构" if kind == "provider" else "委托机关", "org.name"),
        Column("评价数", _shown(lambda f: f.evaluations), INTEGER),
        Column("满意率", _shown(lambda f: f.satisfaction_rate, True), PERCENT),
        Column("加权得分", _shown(lambda f: f.weighted_score), NUMBER),
        Column("差评率", _shown(lambda f: f.bad_review_rate, True), PERCENT),
        Column("查实投诉", "figures.substantiated_complaints", INTEGER),
        Column("无码入企", "figures.breaches.visit_without_code", INTEGER),
        Column("无人陪同", _shown(lambda f: f.breaches.officer_missing), INTEGER),
        Column("超期备案", "figures.breaches.overdue_filing", INTEGER),
        Column("无效码被拒", "figures.breaches.invalid_code_refused", INTEGER),
        Column("整改按时率", percent("rectification_on_time_rate"), PERCENT),
        Column("状态", lambda r: _(r.badge[1]) if r.badge else ""),
    ]
    window = rolling_12_months(timezone.localdate())
    heading = f"零扰企 · 考核（近 12 个月：{window.start:%Y-%m-%d} — {window.end:%Y-%m-%d}）"
    sheet = Sheet("考核", columns, rows)
    return export_list(request, "scorecards:list", heading, sheet, form=form)


@login_required
def scorecard_list(request):
    user = request.user
    if not perms.sees_whole_county(user):
        own = perms.visible_scorecards(user).first()
        if own is None:
            raise PermissionDenied(_("无权查看考核情况。"))
        return redirect("scorecards:detail", own.pk)
    form, kind, sort, rows = filtered_scorecards(user, request.GET)
    if wants_xlsx(request):
        return _export(request, form, kind, rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "scorecards/scorecard_list.html",
        {
            "form": form,
            "page": page,
            "kind": kind,
            "sort": sort,
            "window": rolling_12_months(timezone.localdate()),
            "can_configure": can_configure(user),
        },
    )


@login_required
def scorecard_detail(request, pk: int):
    org = get_object_or_404(perms.visible_scorecards(request.user), pk=pk)
    row = scorecard_rows(request.user, [org])[0]
    cases = perms.visible_exit_cases(request.user).filter(provider=org)
    return render(
        request,
        "scorecards/scorecard_detail.html",
        {
            "row": row,
            "org": org,
            "months": monthly_rows(request.user, org),
            "cases": cases,
            "window": rolling_12_months(timezone.localdate()),
            "policy": CountyPolicy.for_county(org.county_code),
        },
    )


@login_required
def exit_list(request):
    qs = perms.visible_exit_cases(request.user)
    status = request.GET.get("status", "")
    if status in ExitStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "scorecards/exit_list.html",
        {"page": page, "status": status, "statuses": ExitStatus.choices},
    )


def _case(request, pk: int):
    return get_object_or_404(perms.visible_exit_cases(request.user), pk=pk)


def _exit_page(request, case, reply_form=None, confirm_form=None, reject_form=None, status=200):
    user = request.user
    return render(
        request,
        "scorecards/exit_detail.html",
        {
            "case": case,
            "can_reply": perms.can_reply(user, case),
            "can_decide": perms.can_decide(user, case),
            "reply_form": reply_form or ReplyForm(initial={"text": case.provider_reply}),
            "confirm_form": confirm_form or DecisionForm(prefix="confirm"),
            "reject_form": reject_form or DecisionForm(prefix="reject"),
            "warning_shown": snapshot_shown(user, case.warning_figures),
            "proposal_shown": snapshot_shown(user, case.proposal_figures),
            "sees_people": perms.sees_whole_county(user),
        },
        status=status,
    )


@login_required
def exit_detail(request, pk: int):
    return _exit_page(request, _case(request, pk))


@login_required
@require_POST
def exit_reply(request, pk: int):
    case = _case(request, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.reply_to_warning(request.user, case, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("陈述申辩已提交司法局。"))
            return redirect("scorecards:exit_detail", case.pk)
    return _exit_page(request, case, reply_form=form, status=422)


def _decide(request, pk: int, action, prefix: str, done: str):
    case = _case(request, pk)
    form = DecisionForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            action(request.user, case, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("scorecards:exit_detail", case.pk)
    return _exit_page(request, case, **{f"{prefix}_form": form}, status=422)


@login_required
@require_POST
def exit_confirm(request, pk: int):
    return _decide(
        request, pk, services.confirm_exit, "confirm", _("已确认退出：合同终止、证件吊销。")
    )


@login_required
@require_POST
def exit_reject(request, pk: int):
    return _decide(request, pk, services.reject_exit, "reject", _("已决定不予退出。"))


@login_required
def thresholds(request):
    user = request.user
    if not can_configure(user):
        raise PermissionDenied(_("只有司法局监管人员可以设置考核与退出阈值。"))
    policy = CountyPolicy.for_county(user.county_code)
    if request.method == "POST":
        form = ThresholdForm(request.POST)
        form.is_valid()
        try:
            update_thresholds(user, user.county_code, request.POST.dict())
        except ValidationError as exc:
            add_service_errors(form, exc)
            return render(request, "scorecards/thresholds.html", {"form": form}, status=422)
        messages.success(request, _("阈值已保存。"))
        return redirect("scorecards:thresholds")
    form = ThresholdForm(initial=current_values(policy))
    return render(request, "scorecards/thresholds.html", {"form": form})
