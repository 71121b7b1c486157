"""Frequency control: the yearly cap per agency and enterprise, and the cross-agency warning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from zerodisturb.registry.models import CountyPolicy
from zerodisturb.visits.choices import ACTIVE_STATUSES
from zerodisturb.visits.models import Visit, VisitParty


@dataclass(frozen=True)
class CapCheck:
    allowed: bool
    counted: int
    cap: int
    message: str


def _midnight(day: date) -> datetime:
    """The start of a local day as a moment: a range on window_start itself lets PostgreSQL read
    only that year's partition of the visits (`window_start__date` would make it try them all)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def counted_visits(agency_id: int, enterprise_id: int, year: int) -> int:
    """On-site visits of this agency to this enterprise in a calendar year that count."""
    return VisitParty.objects.filter(
        agency_id=agency_id,
        year=year,  # the local year of the visit's window_start (plan_visit): the same range
        counts_for_cap=True,
        visit__enterprise_id=enterprise_id,
        visit__status__in=ACTIVE_STATUSES,
        visit__window_start__gte=_midnight(date(year, 1, 1)),
        visit__window_start__lt=_midnight(date(year + 1, 1, 1)),
    ).count()


def check_cap(agency, enterprise, on: date, exempt: bool) -> CapCheck:
    policy = CountyPolicy.for_county(enterprise.county_code)
    counted = counted_visits(agency.pk, enterprise.pk, on.year)
    if exempt:
        return CapCheck(
            True,
            counted,
            policy.visit_cap_per_year,
            "触发型入企（投诉核查、整改复查、企业申请、紧急情况）记录在案，但不计入频次",
        )
    if counted >= policy.visit_cap_per_year:
        return CapCheck(
            False,
            counted,
            policy.visit_cap_per_year,
            f"{agency} 今年已对该企业入企 {counted} 次，已达上限 "
            f"{policy.visit_cap_per_year} 次（每机关每企业每年），不能再安排计划内入企",
        )
    return CapCheck(
        True,
        counted,
        policy.visit_cap_per_year,
        f"今年第 {counted + 1} 次（上限 {policy.visit_cap_per_year} 次）",
    )


def quarter_bounds(on: date) -> tuple[date, date]:
    first_month = (on.month - 1) // 3 * 3 + 1
    start = date(on.year, first_month, 1)
    end = date(on.year + (first_month == 10), (first_month + 3 - 1) % 12 + 1, 1)
    return start, end


def visits_this_quarter(enterprise, on: date) -> int:
    """All agencies together; a joint visit is one entry."""
    start, end = quarter_bounds(on)
    return Visit.objects.filter(
        enterprise=enterprise,
        status__in=ACTIVE_STATUSES,
        window_start__gte=_midnight(start),
        window_start__lt=_midnight(end),
    ).count()


def frequency_warning(enterprise, on: date) -> str:
    policy = CountyPolicy.for_county(enterprise.county_code)
    count = visits_this_quarter(enterprise, on)
    if count + 1 > policy.frequent_visits_per_quarter:
        return (
            f"注意：{enterprise} 本季度已被入企 {count} 次（各机关合计），超过预警阈值 "
            f"{policy.frequent_visits_per_quarter} 次，请优先考虑综合查一次"
        )
    return ""
