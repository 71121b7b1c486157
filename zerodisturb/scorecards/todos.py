"""Home-page to-dos: exit proposals awaiting the judicial bureau, warnings awaiting a reply."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from zerodisturb.roles import Role
from zerodisturb.scorecards.choices import ExitStatus
from zerodisturb.scorecards.permissions import visible_exit_cases
from zerodisturb.todo import Todo


def _exit_cases(user) -> list:
    url = reverse("scorecards:exit_list")
    if user.role == Role.SUPERVISOR and user.organisation and user.organisation.is_judicial_bureau:
        n = visible_exit_cases(user).filter(status=ExitStatus.PROPOSED).count()
        return [Todo(_("待确认的退出建议"), n, url + "?status=proposed", urgent=True)] if n else []
    if user.role == Role.PROVIDER_ADMIN:
        n = (
            visible_exit_cases(user)
            .filter(status__in=[ExitStatus.WARNING, ExitStatus.PROPOSED], replied_at__isnull=True)
            .count()
        )
        return [Todo(_("考核预警：可陈述申辩"), n, url, urgent=True)] if n else []
    return []


TODO_SOURCES: list = [_exit_cases]
