"""Home-page to-dos from the problem pool: open problems the user's organisation owns."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zerodisturb.problems.models import OPEN_STATES
from zerodisturb.problems.permissions import visible_problems
from zerodisturb.todo import Todo


def _owned_problems(user) -> list:
    if not user.organisation_id:
        return []
    mine = visible_problems(user).filter(owner_id=user.organisation_id, state__in=OPEN_STATES)
    todos = []
    overdue = mine.filter(deadline__lt=timezone.localdate()).count()
    if overdue:
        url = reverse("problems:list") + "?mine=1&overdue=1"
        todos.append(Todo(_("本单位逾期未办的问题"), overdue, url, urgent=True))
    count = mine.count()
    if count:
        todos.append(Todo(_("本单位待办的问题"), count, reverse("problems:list") + "?mine=1"))
    return todos


TODO_SOURCES = [_owned_problems]
