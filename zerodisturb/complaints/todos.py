"""This app's sources for the home page's to-do list (callable(user) → list[Todo])."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zerodisturb.complaints.choices import OPEN_STATUSES, ComplaintStatus
from zerodisturb.complaints.escalation import any_overdue_q
from zerodisturb.complaints.permissions import visible_complaints
from zerodisturb.roles import Role
from zerodisturb.todo import Todo


def _handling(user) -> list[Todo]:
    if user.role not in (Role.AGENCY_OFFICER, Role.SUPERVISOR) or not user.organisation_id:
        return []
    mine = visible_complaints(user).filter(
        routed_to_id=user.organisation_id, status__in=OPEN_STATUSES
    )
    url = reverse("complaints:list") + "?mine=1"
    todos = []
    overdue = mine.filter(any_overdue_q(timezone.localdate())).count()
    if overdue:
        todos.append(Todo(_("本单位逾期未办的投诉"), overdue, url + "&overdue=1", urgent=True))
    if count := mine.count():
        todos.append(Todo(_("本单位承办中的投诉"), count, url))
    return todos


def _provider(user) -> list[Todo]:
    if user.role != Role.PROVIDER_ADMIN:
        return []
    count = (
        visible_complaints(user)
        .filter(
            status__in=OPEN_STATUSES,
            provider_reply_requested_at__isnull=False,
            provider_replied_at__isnull=True,
            decided_at__isnull=True,
        )
        .count()
    )
    if not count:
        return []
    return [Todo(_("请陈述意见的投诉"), count, reverse("complaints:list"), urgent=True)]


def _complainant(user) -> list[Todo]:
    if user.role != Role.ENTERPRISE:
        return []
    count = visible_complaints(user).filter(status=ComplaintStatus.CLOSED).count()
    if not count:
        return []
    url = reverse("complaints:list") + f"?status={ComplaintStatus.CLOSED.value}"
    return [Todo(_("待确认办结结果的投诉"), count, url)]


TODO_SOURCES: list = [_handling, _provider, _complainant]
