"""Read-only questions about visits that several pages ask (no state changes here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations

from django.db.models import Q
from django.utils import timezone

from zerodisturb.registry.models import CountyPolicy
from zerodisturb.visits.choices import ACTIVE_STATUSES, VisitKind, VisitStatus
from zerodisturb.visits.models import Visit, VisitFinding, VisitOfficer, VisitParty, VisitStaff


@dataclass(frozen=True)
class MergeablePair:
    first: Visit
    second: Visit
    days_apart: int


@dataclass(frozen=True)
class ShownLists:
    """What a visit's detailed answer lists, as the rows it shows."""

    parties: list[dict]
    staff: list[dict]
    officers: list[dict]
    findings: list[VisitFinding]


def shown_lists(visit: Visit) -> ShownLists:
    """The parties, staff, officers and findings of the visit, read once per visit instance.

    Narrow `values_list` rows of the columns shown: a check-in answers with the whole visit, and
    building model instances of six joined tables (and counting the parties for `is_joint`)
    cost more than the check-in itself.
    """
    lists = visit.__dict__.get("_shown_lists")
    if lists is None:
        lists = visit.__dict__["_shown_lists"] = ShownLists(
            parties=[
                {
                    "agency_id": agency_id,
                    "agency": agency,
                    "contract": contract,
                    "is_lead": is_lead,
                    "counts_for_cap": counts_for_cap,
                }
                for agency_id, agency, contract, is_lead, counts_for_cap in (
                    VisitParty.objects.filter(visit_id=visit.pk)
                    .order_by("-is_lead", "pk")
                    .values_list(
                        "agency_id", "agency__name", "contract__number", "is_lead", "counts_for_cap"
                    )
                )
            ],
            staff=[
                {"credential_id": pk, "credential_number": number, "name": name, "provider": org}
                for pk, number, name, org in (
                    VisitStaff.objects.filter(visit_id=visit.pk)
                    .order_by("pk")
                    .values_list(
                        "credential_id",
                        "credential__number",
                        "credential__person__name",
                        "credential__provider__name",
                    )
                )
            ],
            officers=[
                {"person_id": pk, "name": name, "agency": agency}
                for pk, name, agency in (
                    VisitOfficer.objects.filter(visit_id=visit.pk)
                    .order_by("pk")
                    .values_list("person_id", "person__name", "party__agency__name")
                )
            ],
            findings=list(VisitFinding.objects.filter(visit_id=visit.pk).order_by("pk")),
        )
    return lists


def mergeable_pairs(county_code: str, start: date, end: date) -> list[MergeablePair]:
    """Separate entries into one enterprise by different agencies that 综合查一次 could have merged.

    Two visits pair up when they go to the same enterprise within the county's joint window
    (± joint_window_days) and share no agency: a visit that agencies joined is already one entry.
    Cancelled visits never happened and are left out.
    """
    days = CountyPolicy.for_county(county_code).joint_window_days
    visits = (
        Visit.objects.filter(
            county_code=county_code,
            status__in=ACTIVE_STATUSES,
            window_start__date__gte=start,
            window_start__date__lte=end,
        )
        .select_related("enterprise")
        .prefetch_related("parties__agency")
        .order_by("enterprise_id", "window_start")
    )
    by_enterprise: dict[int, list[Visit]] = {}
    for visit in visits:
        by_enterprise.setdefault(visit.enterprise_id, []).append(visit)
    window = timedelta(days=days)
    pairs = []
    for group in by_enterprise.values():
        # Visits per enterprise per year are capped (a handful), so all pairs is cheap.
        for a, b in combinations(group, 2):
            if b.window_start - a.window_start > window:
                continue
            if {p.agency_id for p in a.parties.all()} & {p.agency_id for p in b.parties.all()}:
                continue
            gap = (
                timezone.localtime(b.window_start).date()
                - timezone.localtime(a.window_start).date()
            )
            pairs.append(MergeablePair(a, b, gap.days))
    pairs.sort(key=lambda p: p.first.window_start)
    return pairs


def overdue_emergency_q(today: date) -> Q:
    """Emergency visits whose completion record (补录) is past due and that are not closed."""
    return Q(kind=VisitKind.EMERGENCY, completion_due_on__lt=today) & ~Q(
        status__in=(VisitStatus.CLOSED, VisitStatus.CANCELLED)
    )
