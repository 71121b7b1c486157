"""Finding the conditions that raise an alert (预警), one finder per kind; nothing is written here.

Each finder returns `Finding`s for occurrences not yet recorded (`AlertOccurrence`), so a run over
a large county only reads what is new. The definitions reuse the lifecycle apps' own: overdue as
the deadlines jobs define it, the quarter and statuses of visits.frequency, the credential-state
codes of credentials.services.credential_state as logged by visits.scanning.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from zerodisturb.alerts.choices import AlertKind
from zerodisturb.alerts.models import AlertOccurrence
from zerodisturb.commissioning.choices import Decision, ItemStatus
from zerodisturb.commissioning.models import Review
from zerodisturb.contracts.choices import FilingStatus
from zerodisturb.contracts.models import ContractVersion
from zerodisturb.registry.choices import OrganisationKind
from zerodisturb.registry.models import CountyPolicy, Organisation
from zerodisturb.roles import Role
from zerodisturb.scorecards.choices import OPEN_STATUSES
from zerodisturb.scorecards.figures import figures_by_org, rolling_12_months
from zerodisturb.visits.choices import ACTIVE_STATUSES, VisitKind, VisitStatus
from zerodisturb.visits.frequency import quarter_bounds, visits_this_quarter
from zerodisturb.visits.models import ScanLog, Visit
from zerodisturb.visits.selectors import overdue_emergency_q

BATCH = 1000

# Scan refusals that mean the credential itself was used outside its validity or scope (the
# codes of credential_state, plus the scan's own "contract not in force"). A stale QR code is also
# logged as "expired"/"not_yet_valid": those count only when the credential's dates say so.
CREDENTIAL_CODES = (
    "suspended",
    "revoked",
    "person_inactive",
    "not_on_contract",
    "contract_not_in_force",
    "contract_not_filed",
)


@dataclass
class Finding:
    kind: str
    subject: object
    key: str
    county_code: str
    title: str
    detail: str
    owner: Organisation
    owner_roles: tuple[str, ...]
    agency: Organisation | None = None
    provider: Organisation | None = None
    enterprise: Organisation | None = None
    subject_label: str = ""
    subject_link: str = ""

    @property
    def subject_type(self) -> str:
        return self.subject._meta.label_lower


def _not_seen(kind: str, model, key: str = ""):
    """Rows of `model` whose occurrence `key` is not recorded yet."""
    return ~Exists(
        AlertOccurrence.objects.filter(
            kind=kind,
            subject_type=model._meta.label_lower,
            subject_id=OuterRef("pk"),
            key=key,
        )
    )


class _Bureaus(dict):
    """The judicial bureau of each county, looked up once per run."""

    def __missing__(self, county_code: str):
        bureau = Organisation.objects.filter(
            county_code=county_code, is_judicial_bureau=True, active=True
        ).first()
        self[county_code] = bureau
        return bureau


def _lead(visit: Visit):
    parties = [p for p in visit.parties.all() if p.is_lead] or list(visit.parties.all())
    return parties[0] if parties else None


def _visits(qs):
    return qs.select_related("enterprise__locality").prefetch_related(
        "parties__agency", "parties__contract__provider"
    )


def overdue_reviews(now: datetime) -> Iterator[Finding]:
    """A department's vote past its due date on an item still under review (as
    commissioning.deadlines.overdue_reviews, without its own reminder claim)."""
    today = timezone.localdate(now)
    kind = AlertKind.REVIEW_OVERDUE
    reviews = (
        Review.objects.filter(
            decision=Decision.PENDING,
            due_on__lt=today,
            item__status__in=(ItemStatus.SUBMITTED, ItemStatus.UNDER_REVIEW),
        )
        .filter(_not_seen(kind, Review))
        .select_related("item__agency", "department", "version")
        .order_by("due_on", "pk")
    )
    for review in reviews[:BATCH]:
        item = review.item
        yield Finding(
            kind=kind,
            subject=review,
            key="",
            county_code=item.county_code,
            title=f"{review.department} 逾期未表决 {item.number}",
            detail=f"{review.version.title}：联审截止日 {review.due_on:%Y-%m-%d}，尚未表决。",
            owner=review.department,
            owner_roles=(Role.REVIEWER,),
            agency=item.agency,
            subject_label=item.number,
            subject_link=reverse("commissioning:item", args=[item.pk]),
        )


def overdue_filings(now: datetime) -> Iterator[Finding]:
    """A signed contract version not filed (or returned and not refiled) by its due date."""
    today = timezone.localdate(now)
    kind = AlertKind.FILING_OVERDUE
    versions = (
        ContractVersion.objects.filter(
            filing_status__in=(FilingStatus.RECORDED, FilingStatus.RETURNED),
            filing_due_on__lt=today,
            contract__ended_at__isnull=True,
        )
        .filter(_not_seen(kind, ContractVersion))
        .select_related("contract__agency", "contract__provider")
        .order_by("filing_due_on", "pk")
    )
    for version in versions[:BATCH]:
        contract = version.contract
        yield Finding(
            kind=kind,
            subject=version,
            key="",
            county_code=contract.county_code,
            title=f"{contract.agency} 合同 {contract.number} 逾期未备案",
            detail=f"第 {version.version} 版备案截止日 {version.filing_due_on:%Y-%m-%d}，"
            "未备案的合同不得派员入企。",
            owner=contract.agency,
            owner_roles=(Role.AGENCY_OFFICER,),
            agency=contract.agency,
            provider=contract.provider,
            subject_label=str(version),
            subject_link=reverse("contracts:detail", args=[contract.pk]),
        )


def visits_without_valid_scan(now: datetime) -> Iterator[Finding]:
    """A visit that was checked in or out, or whose window has passed, with no valid code shown."""
    kind = AlertKind.VISIT_NO_SCAN
    # Emergency visits are recorded afterwards (补录), when no code could be shown; their own
    # alert is the completion deadline.
    visits = _visits(
        Visit.objects.filter(valid_scan_at__isnull=True)
        .exclude(status=VisitStatus.CANCELLED)
        .exclude(kind=VisitKind.EMERGENCY)
        .filter(
            Q(checked_in_at__isnull=False) | Q(checked_out_at__isnull=False) | Q(window_end__lt=now)
        )
        .filter(_not_seen(kind, Visit))
        .order_by("window_start", "pk")
    )
    for visit in visits[:BATCH]:
        lead = _lead(visit)
        if lead is None:
            continue
        happened = (
            "已确认到场/离场" if visit.checked_in_at or visit.checked_out_at else "已过计划时间"
        )
        yield Finding(
            kind=kind,
            subject=visit,
            key="",
            county_code=visit.county_code,
            title=f"入企 {visit.number} 未亮有效码",
            detail=f"{visit.enterprise} 的入企{happened}，但没有一次有效亮码记录。",
            owner=lead.agency,
            owner_roles=(Role.AGENCY_OFFICER,),
            agency=lead.agency,
            provider=lead.contract.provider,
            enterprise=visit.enterprise,
            subject_label=visit.number,
            subject_link=reverse("visits:detail", args=[visit.pk]),
        )


def credentials_misused(now: datetime) -> Iterator[Finding]:
    """A refused scan whose reason is the credential's own state: one occurrence per visit."""
    kind = AlertKind.CREDENTIAL_MISUSE
    outside_dates = Q(code="expired", scanned_at__date__gt=F("credential__valid_to")) | Q(
        code="not_yet_valid", scanned_at__date__lt=F("credential__valid_from")
    )
    key = Concat(Value("visit:"), Cast(OuterRef("visit_id"), CharField()))
    seen = Exists(
        AlertOccurrence.objects.filter(
            kind=kind,
            subject_type="credentials.credential",
            subject_id=OuterRef("credential_id"),
            key=key,
        )
    )
    scans = (
        ScanLog.objects.filter(valid=False, credential__isnull=False, visit__isnull=False)
        .filter(Q(code__in=CREDENTIAL_CODES) | outside_dates)
        .filter(~seen)
        .select_related("credential__provider", "visit__enterprise__locality")
        .order_by("scanned_at", "pk")
    )
    bureaus = _Bureaus()
    done: set[tuple[int, int]] = set()
    for scan in scans[:BATCH]:
        if (scan.credential_id, scan.visit_id) in done:
            continue  # several refused scans at one gate are one occurrence
        done.add((scan.credential_id, scan.visit_id))
        credential, visit = scan.credential, scan.visit
        bureau = bureaus[credential.county_code]
        if bureau is None:
            continue
        lead = _lead(_visits(Visit.objects.filter(pk=visit.pk)).first())
        yield Finding(
            kind=kind,
            subject=credential,
            key=f"visit:{visit.pk}",
            county_code=credential.county_code,
            title=f"证件 {credential.number} 在入企 {visit.number} 中被拒",
            detail=f"{timezone.localtime(scan.scanned_at):%Y-%m-%d %H:%M} 扫码：{scan.message}",
            owner=bureau,
            owner_roles=(Role.SUPERVISOR,),
            agency=lead.agency if lead else None,
            provider=credential.provider,
            enterprise=visit.enterprise,
            subject_label=credential.number,
            subject_link=reverse("credentials:detail", args=[credential.pk]),
        )


def quarter_key(on: date) -> str:
    return f"{on.year}Q{(on.month - 1) // 3 + 1}"


def frequent_visits(now: datetime) -> Iterator[Finding]:
    """Enterprises visited more often this quarter (all agencies, a joint visit once) than the
    county's warning threshold (CountyPolicy.frequent_visits_per_quarter)."""
    today = timezone.localdate(now)
    start, end = quarter_bounds(today)
    key = quarter_key(today)
    kind = AlertKind.FREQUENT_VISITS
    counts = (
        Visit.objects.filter(
            status__in=ACTIVE_STATUSES,
            window_start__date__gte=start,
            window_start__date__lt=end,
        )
        .values("county_code", "enterprise_id")
        .annotate(n=Count("pk"))
        .order_by("county_code", "enterprise_id")
    )
    thresholds: dict[str, int] = {}
    over: list[int] = []
    for row in counts:
        county = row["county_code"]
        if county not in thresholds:
            thresholds[county] = CountyPolicy.for_county(county).frequent_visits_per_quarter
        if row["n"] > thresholds[county]:
            over.append(row["enterprise_id"])
    enterprises = (
        Organisation.objects.filter(pk__in=over)
        .filter(_not_seen(kind, Organisation, key))
        .select_related("locality")
        .order_by("pk")
    )
    bureaus = _Bureaus()
    for enterprise in enterprises[:BATCH]:
        bureau = bureaus[enterprise.county_code]
        if bureau is None:
            continue
        count = visits_this_quarter(enterprise, today)
        threshold = thresholds[enterprise.county_code]
        yield Finding(
            kind=kind,
            subject=enterprise,
            key=key,
            county_code=enterprise.county_code,
            title=f"{enterprise} {key} 入企 {count} 次，超过预警阈值",
            detail=f"本季度各机关合计入企 {count} 次（联合入企计一次），预警阈值 {threshold} 次；"
            "请协调各机关综合查一次。",
            owner=bureau,
            owner_roles=(Role.SUPERVISOR,),
            enterprise=enterprise,
            subject_label=str(enterprise),
            subject_link=reverse("registry:organisation", args=[enterprise.pk]),
        )


def emergency_visits_overdue(now: datetime) -> Iterator[Finding]:
    """Emergency visits whose completion record is past due (visits.selectors.overdue_emergency_q)."""
    kind = AlertKind.EMERGENCY_OVERDUE
    visits = _visits(
        Visit.objects.filter(overdue_emergency_q(timezone.localdate(now)))
        .filter(_not_seen(kind, Visit))
        .order_by("completion_due_on", "pk")
    )
    for visit in visits[:BATCH]:
        lead = _lead(visit)
        if lead is None:
            continue
        yield Finding(
            kind=kind,
            subject=visit,
            key="",
            county_code=visit.county_code,
            title=f"紧急入企 {visit.number} 逾期未办结",
            detail=f"{visit.enterprise} 的紧急入企应于 {visit.completion_due_on:%Y-%m-%d} 前补录办结。",
            owner=lead.agency,
            owner_roles=(Role.AGENCY_OFFICER,),
            agency=lead.agency,
            provider=lead.contract.provider,
            enterprise=visit.enterprise,
            subject_label=visit.number,
            subject_link=reverse("visits:detail", args=[visit.pk]),
        )


NEAR_POINTS = 5  # "near" the satisfaction floor: at most this many points above it


def near_exit(figures, policy: CountyPolicy) -> list[str]:
    """Why a provider's 12-month figures are close to, but not yet at, the exit thresholds."""
    reasons = []
    n, floor = figures.evaluations, Decimal(policy.exit_satisfaction_min)
    satisfied = Decimal(figures.satisfied * 100)
    # Exact comparisons, as scorecards.figures.satisfaction_below: no rounding at the edge.
    if (
        n >= max(policy.exit_min_evaluations, 1)
        and floor * n <= satisfied < (floor + NEAR_POINTS) * n
    ):
        reasons.append(
            f"近 12 个月满意率 {figures.satisfaction_rate}%（{n} 条评价），"
            f"距退出线 {floor.normalize():f}% 不足 {NEAR_POINTS} 个百分点"
        )
    limit = policy.exit_substantiated_complaints
    if limit > 1 and figures.substantiated_complaints == limit - 1:
        reasons.append(f"近 12 个月查实投诉 {limit - 1} 件，再有 1 件即达退出预警线 {limit} 件")
    return reasons


def providers_near_exit(now: datetime) -> Iterator[Finding]:
    """Providers within a few points of the satisfaction floor, or one substantiated complaint short
    of the limit (scorecards figures over the rolling 12 months); those already in an exit case,
    or excluded, are left to the exit procedure. One occurrence per provider and month."""
    today = timezone.localdate(now)
    key = f"{today:%Y-%m}"
    kind = AlertKind.PROVIDER_NEAR_EXIT
    window = rolling_12_months(today)
    providers = (
        Organisation.objects.filter(kind=OrganisationKind.PROVIDER, active=True)
        .exclude(excluded_until__gte=today)
        .exclude(exit_cases__status__in=OPEN_STATUSES)
    )
    counties = providers.values_list("county_code", flat=True).distinct().order_by()
    bureaus = _Bureaus()
    for county in counties:
        policy = CountyPolicy.for_county(county)
        figures = figures_by_org("provider", window, county_code=county)
        near = {pk: reasons for pk, f in figures.items() if (reasons := near_exit(f, policy))}
        if not near or bureaus[county] is None:
            continue
        candidates = providers.filter(county_code=county, pk__in=near).filter(
            _not_seen(kind, Organisation, key)
        )
        for provider in candidates.order_by("pk")[:BATCH]:
            yield Finding(
                kind=kind,
                subject=provider,
                key=key,
                county_code=county,
                title=f"{provider} 临近退出线",
                detail="；".join(near[provider.pk]) + "。请提醒机构及时整改。",
                owner=bureaus[county],
                owner_roles=(Role.SUPERVISOR,),
                provider=provider,
                subject_label=str(provider),
                subject_link=reverse("scorecards:detail", args=[provider.pk]),
            )


FINDERS = {
    AlertKind.REVIEW_OVERDUE: overdue_reviews,
    AlertKind.FILING_OVERDUE: overdue_filings,
    AlertKind.VISIT_NO_SCAN: visits_without_valid_scan,
    AlertKind.CREDENTIAL_MISUSE: credentials_misused,
    AlertKind.FREQUENT_VISITS: frequent_visits,
    AlertKind.EMERGENCY_OVERDUE: emergency_visits_overdue,
    AlertKind.PROVIDER_NEAR_EXIT: providers_near_exit,
}
