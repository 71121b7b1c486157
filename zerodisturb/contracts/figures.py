"""事前 figures for a county and period, used by the API now and the dashboard later.

Each returns a Figure whose value is None when there is nothing to measure (shown as "—").
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.utils import timezone

from zerodisturb.commissioning.choices import APPROVED_STATUSES
from zerodisturb.commissioning.models import CommissionedItem
from zerodisturb.contracts.choices import VersionKind
from zerodisturb.contracts.models import ContractVersion


@dataclass
class Figure:
    key: str
    label: str
    value: float | None
    numerator: float = 0
    denominator: float = 0
    definition: str = ""
    extra: dict = field(default_factory=dict)


def _ratio(key, label, numerator, denominator, definition, **extra) -> Figure:
    value = float(numerator) / float(denominator) if denominator else None
    return Figure(key, label, value, float(numerator), float(denominator), definition, extra)


def pre_approval_rate(county: str, start: date, end: date) -> Figure:
    originals = ContractVersion.objects.filter(
        contract__county_code=county, kind=VersionKind.ORIGINAL, signed_on__range=(start, end)
    )
    total = originals.count()
    approved_before = originals.filter(
        contract__item__status__in=APPROVED_STATUSES,
        contract__item__decided_at__date__lte=F("signed_on"),
    ).count()
    return _ratio(
        "pre_approval_rate",
        "先报批率",
        approved_before,
        total,
        "期内签订的合同中，所属事项在签订日前已经联审批准的比例",
    )


def filing_on_time_rate(county: str, start: date, end: date, today: date | None = None) -> Figure:
    """Versions signed in the period whose filing was due by today: filed by the due date?"""
    today = today or timezone.localdate()
    due = ContractVersion.objects.filter(
        contract__county_code=county, signed_on__range=(start, end), filing_due_on__lt=today
    )
    due = due | ContractVersion.objects.filter(
        contract__county_code=county, signed_on__range=(start, end), first_filed_at__isnull=False
    )
    total = due.distinct().count()
    on_time = due.distinct().filter(first_filed_at__date__lte=F("filing_due_on")).count()
    return _ratio(
        "filing_on_time_rate",
        "按时备案率",
        on_time,
        total,
        "期内签订（含变更）的合同版本中，在签订后 10 个工作日内报备的比例"
        "（尚未到期且未报备的不计入）",
    )


def items_and_budget(county: str, year: int) -> dict[str, Figure]:
    def stats(y: int) -> dict:
        submitted = CommissionedItem.objects.filter(county_code=county, first_submitted_at__year=y)
        approved = CommissionedItem.objects.filter(
            county_code=county, decided_at__year=y, status__in=APPROVED_STATUSES
        )
        return {
            "items": submitted.count(),
            "approved_items": approved.count(),
            "approved_budget": approved.aggregate(s=Sum("approved_budget"))["s"] or Decimal(0),
        }

    this, last = stats(year), stats(year - 1)
    out = {}
    for key, label in (
        ("items", "申报委托事项数"),
        ("approved_items", "批准事项数"),
        ("approved_budget", "批准预算（元）"),
    ):
        change = (float(this[key]) / float(last[key]) - 1) if last[key] else None
        out[key] = Figure(
            key,
            label,
            float(this[key]),
            extra={"previous_year": float(last[key]), "change": change},
        )
    return out


def budget_saved(county: str, start: date, end: date) -> Figure:
    decided = CommissionedItem.objects.filter(
        county_code=county, status__in=APPROVED_STATUSES, decided_at__date__range=(start, end)
    )
    sums = decided.aggregate(
        approved=Sum("approved_budget"),
        requested=Sum("current_version__requested_budget"),
        n=Count("pk"),
    )
    requested = sums["requested"] or Decimal(0)
    approved = sums["approved"] or Decimal(0)
    return _ratio(
        "budget_saved",
        "联审节约预算率",
        requested - approved,
        requested,
        "期内批准事项：1 − 批准预算 ÷ 申请预算（被否决事项不计入，见事项数同比）",
        items=sums["n"],
    )


def commissioning_figures(county: str, year: int, month: int | None = None) -> list[Figure]:
    if month:
        start = date(year, month, 1)
        end = date(year, month, calendar.monthrange(year, month)[1])
    else:
        start, end = date(year, 1, 1), date(year, 12, 31)
    figures = [
        pre_approval_rate(county, start, end),
        filing_on_time_rate(county, start, end),
        budget_saved(county, start, end),
    ]
    figures += list(items_and_budget(county, year).values())
    return figures
