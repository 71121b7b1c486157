"""The "my to-dos" list on the home page: each source returns what a user has to act on now.

Later lifecycle apps add their sources to TODO_SOURCES; every entry is a real count from the
database, linked to the list behind it.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zerodisturb.accounts.models import User
from zerodisturb.alerts.todos import TODO_SOURCES as ALERT_TODOS
from zerodisturb.commissioning.choices import Decision, ItemStatus
from zerodisturb.commissioning.models import CommissionedItem, Review
from zerodisturb.complaints.todos import TODO_SOURCES as COMPLAINT_TODOS
from zerodisturb.contracts.choices import FilingStatus
from zerodisturb.contracts.models import Contract
from zerodisturb.evaluations.todos import TODO_SOURCES as EVALUATION_TODOS
from zerodisturb.problems.todos import TODO_SOURCES as PROBLEM_TODOS
from zerodisturb.registry.models import ImportJob
from zerodisturb.roles import Role
from zerodisturb.scorecards.todos import TODO_SOURCES as SCORECARD_TODOS
from zerodisturb.surveys.todos import TODO_SOURCES as SURVEY_TODOS
from zerodisturb.todo import Todo
from zerodisturb.visits.choices import VisitStatus
from zerodisturb.visits.permissions import visible_visits
from zerodisturb.visits.selectors import overdue_emergency_q

UNFILED = (FilingStatus.RECORDED, FilingStatus.RETURNED)


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


def _agency_items_and_contracts(user) -> list[Todo]:
    if user.role != Role.AGENCY_OFFICER or not user.organisation_id:
        return []
    items = reverse("commissioning:items")
    contracts = reverse("contracts:list")
    mine = CommissionedItem.objects.filter(agency_id=user.organisation_id)
    own_contracts = Contract.objects.filter(agency_id=user.organisation_id, ended_at__isnull=True)
    unfiled = own_contracts.filter(current_version__filing_status__in=UNFILED)
    overdue = unfiled.filter(current_version__filing_due_on__lt=timezone.localdate())
    org = user.organisation_id
    candidates = [
        (
            _("未提交的草稿"),
            mine.filter(status=ItemStatus.DRAFT).count(),
            f"{items}?status=draft&agency={org}",
            False,
        ),
        (
            _("未通过、待修改的事项"),
            mine.filter(status=ItemStatus.REJECTED).count(),
            f"{items}?status=rejected&agency={org}",
            True,
        ),
        (_("待报备的合同"), unfiled.count(), f"{contracts}?status=recorded", False),
        (_("逾期未备案的合同"), overdue.count(), f"{contracts}?overdue=on", True),
    ]
    return [Todo(title, n, url, urgent) for title, n, url, urgent in candidates if n]


def _pending_votes(user) -> list[Todo]:
    if user.role != Role.REVIEWER or not user.organisation_id:
        return []
    pending = Review.objects.filter(
        department_id=user.organisation_id,
        decision=Decision.PENDING,
        version_id=F("item__current_version_id"),
        item__status__in=(ItemStatus.SUBMITTED, ItemStatus.UNDER_REVIEW),
    )
    total = pending.count()
    overdue = pending.filter(due_on__lt=timezone.localdate()).count()
    url = reverse("commissioning:items")
    todos = []
    if total:
        todos.append(Todo(_("本部门待表决的事项"), total, f"{url}?pending=on"))
    if overdue:
        todos.append(Todo(_("本部门逾期未表决的事项"), overdue, f"{url}?overdue=1", urgent=True))
    return todos


def _supervision(user) -> list[Todo]:
    if user.role != Role.SUPERVISOR:
        return []
    county = user.county_code
    today = timezone.localdate()
    contracts = Contract.objects.filter(county_code=county, ended_at__isnull=True)
    waiting = contracts.filter(current_version__filing_status=FilingStatus.FILED).count()
    overdue_filings = contracts.filter(
        current_version__filing_status__in=UNFILED, current_version__filing_due_on__lt=today
    ).count()
    overdue_reviews = (
        CommissionedItem.objects.filter(
            county_code=county,
            status__in=(ItemStatus.SUBMITTED, ItemStatus.UNDER_REVIEW),
            reviews__decision=Decision.PENDING,
            reviews__version_id=F("current_version_id"),
            reviews__due_on__lt=today,
        )
        .distinct()
        .count()
    )
    items, filings = reverse("commissioning:items"), reverse("contracts:list")
    candidates = [
        (_("待审查的合同备案"), waiting, f"{filings}?status=filed", False),
        (_("逾期未表决的联审事项"), overdue_reviews, f"{items}?overdue=1", True),
        (_("逾期未备案的合同"), overdue_filings, f"{filings}?overdue=on", True),
    ]
    return [Todo(title, n, url, urgent) for title, n, url, urgent in candidates if n]


def _visits(user) -> list[Todo]:
    url = reverse("visits:list")
    today = timezone.localdate()
    todos = []
    if user.role in (Role.AGENCY_OFFICER, Role.PROVIDER_STAFF):
        todays = visible_visits(user).filter(
            window_start__date=today, status__in=(VisitStatus.PLANNED, VisitStatus.IN_PROGRESS)
        )
        if n := todays.count():
            todos.append(Todo(_("今天的入企"), n, f"{url}?today=on"))
    if user.role == Role.ENTERPRISE:
        to_confirm = visible_visits(user).filter(
            window_start__date=today, status__in=(VisitStatus.PLANNED, VisitStatus.IN_PROGRESS)
        )
        if n := to_confirm.count():
            todos.append(Todo(_("今天待确认到场、离场的入企"), n, f"{url}?to_confirm=1"))
    if user.role == Role.SUPERVISOR:
        overdue = visible_visits(user).filter(overdue_emergency_q(today))
        if n := overdue.count():
            todos.append(Todo(_("逾期未办结的紧急入企"), n, f"{url}?overdue=1", urgent=True))
    return todos


TODO_SOURCES = [
    _imports,
    _locked_accounts,
    _agency_items_and_contracts,
    _pending_votes,
    _supervision,
    _visits,
    *EVALUATION_TODOS,
    *COMPLAINT_TODOS,
    *PROBLEM_TODOS,
    *SCORECARD_TODOS,
    *ALERT_TODOS,
    *SURVEY_TODOS,
]


def todos_for(user) -> list[Todo]:
    return [todo for source in TODO_SOURCES for todo in source(user)]
