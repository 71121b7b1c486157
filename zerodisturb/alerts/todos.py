"""Home-page to-dos: open alerts the user's organisation must act on."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from zerodisturb.alerts.permissions import visible_alerts
from zerodisturb.roles import Role
from zerodisturb.todo import Todo


def _open_alerts(user) -> list:
    if not user.is_authenticated or user.role not in (
        Role.SUPERVISOR,
        Role.AGENCY_OFFICER,
        Role.REVIEWER,
    ):
        return []
    mine = visible_alerts(user).filter(closed_at__isnull=True)
    if user.role != Role.SUPERVISOR:
        mine = mine.filter(owner_id=user.organisation_id)
    count = mine.count()
    if not count:
        return []
    url = reverse("alerts:list")
    if user.role != Role.SUPERVISOR:
        url += f"?owner={user.organisation_id}"
    return [Todo(_("待处理的预警"), count, url, urgent=True)]


TODO_SOURCES = [_open_alerts]
