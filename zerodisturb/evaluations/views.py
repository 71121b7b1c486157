"""Evaluation pages: the role-scoped list, the rating form (phone-first), an evaluation, and the
rectification tickets with the form of each step. Views load, call a service and render."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zerodisturb.commissioning.forms import add_service_errors
from zerodisturb.evaluations import permissions as perms
from zerodisturb.evaluations import services
from zerodisturb.evaluations.anonymity import GuardedFigures, guarded_figures
from zerodisturb.evaluations.choices import COMPLETED_STATUSES
from zerodisturb.evaluations.forms import (
    AnswerForm,
    CallbackForm,
    DecideForm,
    EvaluationFilter,
    EvaluationForm,
    RectificationFilter,
    RespondForm,
)
from zerodisturb.evaluations.models import Evaluation, Rectification
from zerodisturb.evaluations.selectors import awaiting_evaluation, evaluations_for, figures_of
from zerodisturb.registry.models import Organisation
from zerodisturb.roles import Role
from zerodisturb.visits.models import VisitStaff
from zerodisturb.visits.permissions import visible_visits


def _groups(user) -> list[GuardedFigures]:
    """The figures the user may see: whole scope and the last 12 months, plus per provider for
    an agency; every group guarded by the ≥ 5 rule except for those who see the rows."""
    scope = perms.evaluations_in_scope(user)
    year_ago = timezone.now() - timedelta(days=365)
    groups = [(_("全部评价"), scope), (_("近 12 个月"), scope.filter(submitted_at__gte=year_ago))]
    if user.role == Role.AGENCY_OFFICER:
        providers = Organisation.objects.filter(
            provider_contracts__visit_parties__agency=user.organisation
        ).distinct()
        for provider in providers.order_by("name"):
            groups.append(
                (provider.name, evaluations_for(provider=provider, agency=user.organisation))
            )
    if perms.sees_rows(user):
        return [GuardedFigures(str(label), figures_of(qs)) for label, qs in groups]
    return [guarded_figures(label, qs) for label, qs in groups]


@login_required
def evaluation_list(request):
    user = request.user
    if not perms.can_see_nav(user):
        raise PermissionDenied
    context = {"groups": _groups(user), "sees_rows": perms.sees_rows(user)}
    if user.role == Role.ENTERPRISE and user.organisation_id:
        context["to_rate"] = awaiting_evaluation(user.organisation)[:50]
    if perms.sees_rows(user):
        qs = perms.visible_evaluations(user)
        form = EvaluationFilter(request.GET or None)
        if form.is_valid():
            if level := form.cleaned_data["level"]:
                qs = qs.filter(level=level)
            if q := form.cleaned_data["q"]:
                qs = qs.filter(Q(visit__number__icontains=q) | Q(enterprise__name__icontains=q))
        context["form"] = form
        context["page"] = Paginator(qs, 30).get_page(request.GET.get("page"))
    context["sees_authors"] = perms.sees_authors(user)
    return render(request, "evaluations/list.html", context)


def _form_page(request, form, visit, evaluation=None, status=200):
    return render(
        request,
        "evaluations/form.html",
        {"form": form, "visit": visit, "evaluation": evaluation},
        status=status,
    )


@login_required
def evaluation_new(request, visit_pk: int):
    user = request.user
    visit = get_object_or_404(visible_visits(user), pk=visit_pk)
    existing = Evaluation.objects.filter(visit=visit, enterprise_id=visit.enterprise_id).first()
    if existing is not None and perms.visible_evaluations(user).filter(pk=existing.pk).exists():
        messages.info(request, _("本次入企服务已经评价过。"))
        return redirect("evaluations:detail", pk=existing.pk)
    if not perms.can_evaluate(user, visit):
        if user.role == Role.ENTERPRISE and user.organisation_id == visit.enterprise_id:
            messages.error(request, _("确认离场后才能评价本次入企服务。"))
            return redirect("visits:detail", pk=visit.pk)
        raise PermissionDenied
    if request.method != "POST":
        return _form_page(request, EvaluationForm(), visit)
    form = EvaluationForm(request.POST)
    try:
        evaluation = services.submit_evaluation(user, visit, **form.answers())
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _form_page(request, form, visit, status=400)
    messages.success(request, _("感谢您的评价。"))
    if evaluation.is_bad:
        messages.info(request, _("已生成整改单，委托机关将督促机构整改并回访您。"))
    return redirect("evaluations:detail", pk=evaluation.pk)


@login_required
def evaluation_detail(request, pk: int):
    evaluation = get_object_or_404(perms.visible_evaluations(request.user), pk=pk)
    now = timezone.now()
    return render(
        request,
        "evaluations/detail.html",
        {
            "evaluation": evaluation,
            "sees_author": perms.sees_authors(request.user)
            or request.user.organisation_id == evaluation.enterprise_id,
            "can_amend": perms.can_amend(request.user, evaluation, now),
            "tickets": evaluation.rectifications.select_related("provider"),
        },
    )


@login_required
def evaluation_amend(request, pk: int):
    user = request.user
    evaluation = get_object_or_404(perms.visible_evaluations(user), pk=pk)
    if request.method != "POST":
        if not perms.can_amend(user, evaluation, timezone.now()):
            messages.error(request, _("评价提交超过修改期限，不能再修改。"))
            return redirect("evaluations:detail", pk=pk)
        form = EvaluationForm(initial=EvaluationForm.initial_from(evaluation))
        return _form_page(request, form, evaluation.visit, evaluation)
    form = EvaluationForm(request.POST)
    try:
        services.amend_evaluation(user, evaluation, **form.answers())
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _form_page(request, form, evaluation.visit, evaluation, status=400)
    messages.success(request, _("评价已修改。"))
    return redirect("evaluations:detail", pk=pk)


@login_required
def rectification_list(request):
    user = request.user
    qs = perms.visible_rectifications(user)
    form = RectificationFilter(request.GET or None)
    if form.is_valid():
        if status := form.cleaned_data["status"]:
            qs = qs.filter(status=status)
        if form.cleaned_data["overdue"]:
            qs = qs.filter(due_on__lt=timezone.localdate()).exclude(status__in=COMPLETED_STATUSES)
    return render(
        request,
        "evaluations/rectification_list.html",
        {
            "form": form,
            "page": Paginator(qs, 30).get_page(request.GET.get("page")),
            "sees_enterprise": perms.sees_enterprise_on_ticket(user),
            "today": timezone.localdate(),
        },
    )


def _ticket(request, pk: int) -> Rectification:
    return get_object_or_404(perms.visible_rectifications(request.user), pk=pk)


def _ticket_page(request, ticket: Rectification, forms: dict | None = None, status=200):
    user = request.user
    forms = forms or {}
    staff = VisitStaff.objects.filter(
        visit=ticket.visit, credential__provider=ticket.provider
    ).select_related("credential__person")
    return render(
        request,
        "evaluations/rectification_detail.html",
        {
            "ticket": ticket,
            "evaluation": ticket.evaluation,
            "staff": staff,
            "sees_enterprise": perms.sees_enterprise_on_ticket(user),
            "sees_author": perms.sees_author_on_ticket(user, ticket),
            "sees_callback": perms.sees_callback_details(user),
            "sees_visit": perms.sees_enterprise_on_ticket(user),
            "can_answer": perms.can_answer(user, ticket),
            "can_call_back": perms.can_call_back(user, ticket),
            "can_respond": perms.can_respond(user, ticket),
            "can_decide": perms.can_decide(user, ticket),
            "answer_form": forms.get("answer") or AnswerForm(),
            "callback_form": forms.get("callback") or CallbackForm(),
            "respond_form": forms.get("respond") or RespondForm(),
            "decide_form": forms.get("decide") or DecideForm(),
            "overdue": not ticket.is_completed and ticket.due_on < timezone.localdate(),
        },
        status=status,
    )


@login_required
def rectification_detail(request, pk: int):
    return _ticket_page(request, _ticket(request, pk))


def _act(request, pk: int, name: str, form_class, call, done: str):
    ticket = _ticket(request, pk)
    form = form_class(request.POST)
    try:
        call(ticket, form.data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        ticket.refresh_from_db()
        return _ticket_page(request, ticket, {name: form}, status=400)
    messages.success(request, done)
    return redirect("evaluations:rectification", pk=pk)


@login_required
@require_POST
def rectification_answer(request, pk: int):
    return _act(
        request,
        pk,
        "answer",
        AnswerForm,
        lambda t, d: services.answer_rectification(
            request.user, t, cause=d.get("cause", ""), measures=d.get("measures", "")
        ),
        _("已提交原因说明和整改措施，等待委托机关回访企业。"),
    )


@login_required
@require_POST
def rectification_callback(request, pk: int):
    return _act(
        request,
        pk,
        "callback",
        CallbackForm,
        lambda t, d: services.record_callback(request.user, t, result=d.get("result", "")),
        _("已记录回访情况，等待企业确认。"),
    )


@login_required
@require_POST
def rectification_respond(request, pk: int):
    accepts = request.POST.get("accepts") == "yes"
    return _act(
        request,
        pk,
        "respond",
        RespondForm,
        lambda t, d: services.respond_rectification(
            request.user, t, accepts=accepts, reason=d.get("reason", "")
        ),
        _("已确认认可，整改单办结。") if accepts else _("已提交司法局处理。"),
    )


@login_required
@require_POST
def rectification_decide(request, pk: int):
    return _act(
        request,
        pk,
        "decide",
        DecideForm,
        lambda t, d: services.decide_rectification(request.user, t, decision=d.get("decision", "")),
        _("已记录处理意见，整改单办结。"),
    )
