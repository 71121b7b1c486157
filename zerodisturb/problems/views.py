"""The problem pool pages: one filterable list across channels, and a problem's history."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from zerodisturb.problems.forms import ProblemFilter
from zerodisturb.problems.permissions import can_see_nav, sees_enterprise, visible_problems
from zerodisturb.problems.selectors import filter_problems, history


@login_required
def problem_list(request):
    if not can_see_nav(request.user):
        raise PermissionDenied("您的角色没有问题池。")
    visible = visible_problems(request.user)
    form = ProblemFilter(request.GET or None, problems=visible)
    problems = visible
    if form.is_valid():
        data = form.cleaned_data
        problems = filter_problems(
            visible,
            kind=data["kind"],
            state=data["state"],
            agency=data["agency"],
            provider=data["provider"],
            locality=data["locality"],
            owner_id=request.user.organisation_id if data["mine"] else None,
            overdue=data["overdue"],
        )
    else:
        problems = filter_problems(visible)
    problems = problems.order_by(F("deadline").asc(nulls_last=True), "-opened_at", "-pk")
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
