"""The problem pool pages: one filterable list, and a problem's history."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from zerodisturb.problems.permissions import visible_problems


@login_required
def problem_list(request):
    return render(request, "problems/list.html", {"problems": visible_problems(request.user)})


@login_required
def problem_detail(request, pk: int):
    problem = get_object_or_404(visible_problems(request.user), pk=pk)
    return render(request, "problems/detail.html", {"problem": problem})
