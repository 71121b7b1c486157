"""The problem pool pages: one filterable list across channels, and a problem's history."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from zerodisturb.exports import DATE, DATETIME, INTEGER, Column, Sheet, export_list, wants_xlsx
from zerodisturb.problems.forms import ProblemFilter
from zerodisturb.problems.models import ProblemState
from zerodisturb.problems.permissions import can_see_nav, sees_enterprise, visible_problems
from zerodisturb.problems.selectors import filter_problems, history


def filtered_problems(user, params):
    """The list's filter form and the problems it selects for `user` (page and export share it)."""
    visible = visible_problems(user)
    form = ProblemFilter(params or None, problems=visible)
    if form.is_valid():
        data = form.cleaned_data
        problems = filter_problems(
            visible,
            kind=data["kind"],
            state=data["state"],
            agency=data["agency"],
            provider=data["provider"],
            locality=data["locality"],
            owner_id=user.organisation_id if data["mine"] else None,
            overdue=data["overdue"],
        )
    else:
        problems = filter_problems(visible)
    problems = problems.order_by(F("deadline").asc(nulls_last=True), "-opened_at", "-pk")
    return form, problems


def _enterprise_column(user) -> Column:
    def enterprise(problem):
        if not sees_enterprise(user, problem):
            return "（匿名）"
        return problem.enterprise.name if problem.enterprise else None

    return Column("企业", enterprise)


def _days_overdue(problem, today) -> int | None:
    if problem.deadline is None or problem.state == ProblemState.CLOSED:
        return None
    return max((today - problem.deadline).days, 0)


def _export(request, form, problems):
    today = timezone.localdate()
    columns = [
        Column("编号", lambda p: p.number or p.pk),
        Column("来源", "get_kind_display"),
        Column("问题", "title"),
        Column("状态", "get_state_display"),
        Column("环节", "stage"),
        Column("责任单位", "owner.name"),
        Column("期限", "deadline", DATE),
        Column("逾期天数", lambda p: _days_overdue(p, today), INTEGER),
        Column("委托机关", "agency.name"),
        Column("第三方机构", "provider.name"),
        _enterprise_column(request.user),
        Column("属地", "locality.name"),
        Column("发现时间", "opened_at", DATETIME),
    ]
    problems = problems.select_related("owner", "agency", "provider", "enterprise", "locality")
    rows = Sheet("问题池", columns, problems)
    return export_list(request, "problems:list", "零扰企 · 问题池", rows, form=form)


@login_required
def problem_list(request):
    if not can_see_nav(request.user):
        raise PermissionDenied("您的角色没有问题池。")
    form, problems = filtered_problems(request.user, request.GET)
    if wants_xlsx(request):
        return _export(request, form, problems)
    page = Paginator(problems, 30).get_page(request.GET.get("page"))
    for problem in page:
        problem.enterprise_shown = sees_enterprise(request.user, problem)
    return render(
        request,
        "problems/list.html",
        {"form": form, "page": page, "today": timezone.localdate()},
    )


@login_required
def problem_detail(request, pk: int):
    problem = get_object_or_404(visible_problems(request.user), pk=pk)
    problem.enterprise_shown = sees_enterprise(request.user, problem)
    return render(
        request,
        "problems/detail.html",
        {
            "problem": problem,
            "steps": problem.steps.select_related("owner"),
            "events": history(problem),
            "today": timezone.localdate(),
        },
    )
