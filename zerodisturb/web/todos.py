"""The "my to-dos" list on the home page: each source returns what a user has to act on now.

Later lifecycle apps add their sources to TODO_SOURCES; every entry is a real count from the
database, linked to the list behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zerodisturb.accounts.models import User
from zerodisturb.registry.models import ImportJob
from zerodisturb.roles import Role


@dataclass
class Todo:
    title: str
    count: int
    url: str
    urgent: bool = False


def _imports(user) -> list[Todo]:
    if not user.has_perm("registry.import"):
        return []
    mine = ImportJob.objects.filter(created_by=user)
    to_fix = mine.filter(
        status__in=[ImportJob.Status.REJECTED, ImportJob.Status.FAILED],
        created_at__gte=timezone.now() - timedelta(days=7),
    ).count()
    running = mine.filter(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]).count()
    todos = []
    if to_fix:
        todos.append(
            Todo(
                _("近 7 天未通过的导入（需修正后重新上传）"),
                to_fix,
                reverse("registry:import"),
                urgent=True,
            )
        )
    if running:
        todos.append(Todo(_("正在处理的导入"), running, reverse("registry:import")))
    return todos


def _locked_accounts(user) -> list[Todo]:
    if user.role not in (Role.SYSTEM_ADMIN, Role.SUPERVISOR):
        return []
    locked = User.objects.filter(locked_until__gt=timezone.now())
    if user.role == Role.SUPERVISOR:
        locked = locked.filter(organisation__county_code=user.county_code)
    count = locked.count()
    if not count:
        return []
    url = reverse("admin:accounts_user_changelist") if user.is_staff else reverse("home")
    return [Todo(_("被临时锁定的账户"), count, url, urgent=True)]


TODO_SOURCES = [_imports, _locked_accounts]


def todos_for(user) -> list[Todo]:
    return [todo for source in TODO_SOURCES for todo in source(user)]
