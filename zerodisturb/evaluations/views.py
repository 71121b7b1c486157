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
from zerodisturb.evaluations.anonymity import NOT_SHOWN, GuardedFigures, guarded_figures
from zerodisturb.evaluations.choices import COMPLETED_STATUSES, Level
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
from zerodisturb.exports import (
    DATE,
    DATETIME,
    INTEGER,
    NUMBER,
    PERCENT,
    Column,
    Sheet,
    export_list,
    wants_xlsx,
)
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


def filtered_evaluations(user, params):
    """The list's filter form and the evaluation rows it selects, for those who read rows
    (supervisors, oversight, an enterprise its own); (None, None) for the aggregate roles."""
    if not perms.sees_rows(user):
        return None, None
    qs = perms.visible_evaluations(user)
    form = EvaluationFilter(params or None)
    if form.is_valid():
        if level := form.cleaned_data["level"]:
            qs = qs.filter(level=level)
        if q := form.cleaned_data["q"]:
            qs = qs.filter(Q(visit__number__icontains=q) | Q(enterprise__name__icontains=q))
    return form, qs


def _fraction(percent):
    return None if percent is None else percent / 100


def _figure(name: str, convert=None):
    def read(group: GuardedFigures):
        if group.figures is None:
            return None
        value = getattr(group.figures, name)
        return convert(value) if convert else value

    return read


FIGURE_COLUMNS = [
    Column("范围", "label"),
    Column("评价数", _figure("total"), INTEGER),
    Column("满意率（非常满意+满意）", _figure("satisfaction_rate", _fraction), PERCENT),
    Column("加权得分（100/80/60/40/20）", _figure("weighted_score"), NUMBER),
    Column("差评率", _figure("bad_rate", _fraction), PERCENT),
    *(
        Column(str(label), lambda g, lv=level: g.figures and g.figures.by_level.get(lv, 0), INTEGER)
        for level, label in Level.choices
    ),
    Column("说明", lambda g: "" if g.shown else NOT_SHOWN),
]


def _export(request, groups, form, qs):
    """Rows only for those who read rows on the page; the guarded figures for everyone."""
    sheets = []
    if qs is not None:
        columns = [
            Column("入企编号", "visit.number"),
            Column("企业", "enterprise.name"),
            *([Column("评价人", "author")] if perms.sees_authors(request.user) else []),
            Column("总体评价", "get_level_display"),
            Column("评价等级（5 为非常满意）", "level", INTEGER),
            Column("评价时间", "submitted_at", DATETIME),
            Column("修改时间", "amended_at", DATETIME),
        ]
        sheets.append(Sheet("评价", columns, qs))
    sheets.append(Sheet("评价统计", FIGURE_COLUMNS, groups))
    return export_list(request, "evaluations:list", "零扰企 · 企业评价", *sheets, form=form)


@login_required
def evaluation_list(request):
    user = request.user
    if not perms.can_see_nav(user):
        raise PermissionDenied
    groups = _groups(user)
    form, qs = filtered_evaluations(user, request.GET)
    if wants_xlsx(request):
        return _export(request, groups, form, qs)
    context = {"groups": groups, "sees_rows": perms.sees_rows(user)}
    if user.role == Role.ENTERPRISE and user.organisation_id:
        context["to_rate"] = awaiting_evaluation(user.organisation)[:50]
    if qs is not None:
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


def filtered_rectifications(user, params):
    """The ticket list's filter form and the tickets it selects for `user` (page and export)."""
    qs = perms.visible_rectifications(user)
    form = RectificationFilter(params or None)
    if form.is_valid():
        if status := form.cleaned_data["status"]:
            qs = qs.filter(status=status)
        if form.cleaned_data["overdue"]:
            qs = qs.filter(due_on__lt=timezone.localdate()).exclude(status__in=COMPLETED_STATUSES)
    return form, qs


def _export_tickets(request, form, qs, sees_enterprise: bool):
    columns = [
        Column("编号", "number"),
        Column("第三方机构", "provider.name"),
        Column("委托机关", "agency.name"),
        *([Column("企业", "visit.enterprise.name")] if sees_enterprise else []),
        Column("评价", "evaluation.get_level_display"),
        Column("环节", "get_status_display"),
        Column("期限", "due_on", DATE),
        Column(
            "逾期天数",
            lambda t: max((timezone.localdate() - t.due_on).days, 0) if not t.is_completed else 0,
            INTEGER,
        ),
    ]
    sheet = Sheet("差评整改单", columns, qs)
    return export_list(
        request, "evaluations:rectifications", "零扰企 · 差评整改单", sheet, form=form
    )


@login_required
def rectification_list(request):
    user = request.user
    form, qs = filtered_rectifications(user, request.GET)
    sees_enterprise = perms.sees_enterprise_on_ticket(user)
    if wants_xlsx(request):
        return _export_tickets(request, form, qs, sees_enterprise)
    return render(
        request,
        "evaluations/rectification_list.html",
        {
            "form": form,
            "page": Paginator(qs, 30).get_page(request.GET.get("page")),
            "sees_enterprise": sees_enterprise,
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
