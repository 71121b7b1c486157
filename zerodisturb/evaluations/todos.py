"""This app's sources for the home page's to-do list (callable(user) → list[Todo])."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zerodisturb.evaluations.choices import COMPLETED_STATUSES, RectificationStatus
from zerodisturb.evaluations.permissions import visible_rectifications
from zerodisturb.evaluations.selectors import awaiting_evaluation
from zerodisturb.roles import Role
from zerodisturb.todo import Todo

S = RectificationStatus
# The step each role acts on.
STEP = {
    Role.PROVIDER_ADMIN: (S.OPEN, gettext_lazy("待说明原因和措施的差评整改")),
    Role.AGENCY_OFFICER: (S.ANSWERED, gettext_lazy("待回访企业的差评整改")),
    Role.ENTERPRISE: (S.CALLED_BACK, gettext_lazy("待确认的差评整改结果")),
    Role.SUPERVISOR: (S.ESCALATED, gettext_lazy("有争议的差评整改")),
}


def _to_rate(user) -> list[Todo]:
    if user.role != Role.ENTERPRISE or not user.organisation_id:
        return []
    count = awaiting_evaluation(user.organisation).count()
    if not count:
        return []
    return [Todo(_("待评价的入企服务"), count, reverse("evaluations:list") + "#to-rate")]


def _tickets(user) -> list[Todo]:
    if user.role not in STEP:
        return []
    status, title = STEP[user.role]
    todos = []
    base = reverse("evaluations:rectifications")
    mine = visible_rectifications(user)
    overdue = (
        mine.filter(due_on__lt=timezone.localdate()).exclude(status__in=COMPLETED_STATUSES).count()
    )
    if overdue and user.role in (Role.AGENCY_OFFICER, Role.SUPERVISOR, Role.PROVIDER_ADMIN):
        todos.append(Todo(_("逾期未办结的差评整改"), overdue, f"{base}?overdue=1", urgent=True))
    count = mine.filter(status=status).count()
    if count:
        todos.append(Todo(str(title), count, f"{base}?status={status}"))
    return todos


TODO_SOURCES: list = [_to_rate, _tickets]
