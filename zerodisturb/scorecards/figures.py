"""Scorecard figures of a provider, an agency or a whole county over a window (考核指标).

Every measure is one GROUP BY query (by organisation and, for the monthly series, by month), so a
county's list page costs the same handful of queries whatever the number of rows behind it. Rates
are None when nothing stands behind them: shown as "—", never as 0% and never a division by zero.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from zerodisturb.complaints.models import Complaint
from zerodisturb.contracts.models import ContractVersion
from zerodisturb.evaluations.anonymity import shown
from zerodisturb.evaluations.choices import BAD_LEVELS, SATISFIED_LEVELS, WEIGHTS
from zerodisturb.evaluations.models import Evaluation, Rectification
from zerodisturb.visits.choices import VisitStatus
from zerodisturb.visits.models import ScanLog, Visit

Kind = Literal["provider", "agency", "county"]
DONE = (VisitStatus.COMPLETED, VisitStatus.CLOSED)
CENT = Decimal("0.01")


# ── windows ──────────────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Window:
    """Calendar days `start`..`end`, both included, in county time."""

    start: date
    end: date

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        """The first moment after the window."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


def _month_start(day: date, back: int = 0) -> date:
    months = day.year * 12 + day.month - 1 - back
    return date(months // 12, months % 12 + 1, 1)


def rolling_12_months(end: date) -> Window:
    """The twelve months ending on `end` (2026-11-25 → 2025-11-26 … 2026-11-25)."""
    try:
        start = end.replace(year=end.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February
        start = date(end.year - 1, 3, 1)
    return Window(start, end)


def month_window(first: date) -> Window:
    last = calendar.monthrange(first.year, first.month)[1]
    return Window(first.replace(day=1), first.replace(day=last))


def last_12_months(end: date) -> list[date]:
    """First days of the twelve calendar months up to and including `end`'s, oldest first."""
    return [_month_start(end, back) for back in range(11, -1, -1)]


# ── the figures ──────────────────────────────────────────────────────────────────────────────
def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part * 100) / Decimal(whole)).quantize(CENT, ROUND_HALF_UP)


@dataclass
class Breaches:
    """Rule breaches the system recorded by itself, each counted separately."""

    visit_without_code: int = 0  # checked out / closed, no valid code was ever shown
    officer_missing: int = 0  # no accompanying officer on record, or the enterprise said so
    overdue_filing: int = 0  # contract version filed after its due date or still unfiled past it
    invalid_code_refused: int = 0  # check-in refused for an invalid code (invalid scans)

    @property
    def total(self) -> int:
        return (
            self.visit_without_code
            + self.officer_missing
            + self.overdue_filing
            + self.invalid_code_refused
        )


@dataclass
class Figures:
    by_level: dict[int, int] = field(default_factory=lambda: {lv: 0 for lv in WEIGHTS})
    substantiated_complaints: int = 0
    breaches: Breaches = field(default_factory=Breaches)
    rectifications_due: int = 0  # tickets completed, or due and not completed
    rectifications_on_time: int = 0

    @property
    def evaluations(self) -> int:
        return sum(self.by_level.values())

    @property
    def satisfied(self) -> int:
        return sum(self.by_level.get(lv, 0) for lv in SATISFIED_LEVELS)

    @property
    def bad(self) -> int:
        return sum(self.by_level.get(lv, 0) for lv in BAD_LEVELS)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """(非常满意 + 满意) ÷ all evaluations, in per cent."""
        return _percent(self.satisfied, self.evaluations)

    @property
    def bad_review_rate(self) -> Decimal | None:
        return _percent(self.bad, self.evaluations)

    @property
    def weighted_score(self) -> Decimal | None:
        """Mean of 100 / 80 / 60 / 40 / 20 over the evaluations."""
        if not self.evaluations:
            return None
        points = sum(WEIGHTS[lv] * n for lv, n in self.by_level.items())
        return (Decimal(points) / Decimal(self.evaluations)).quantize(CENT, ROUND_HALF_UP)

    @property
    def rectification_on_time_rate(self) -> Decimal | None:
        return _percent(self.rectifications_on_time, self.rectifications_due)

    @property
    def evaluations_shown(self) -> bool:
        """Whether enough evaluations stand behind the figures to show them to the rated."""
        return shown(self.evaluations)

    def satisfaction_below(self, minimum: Decimal, min_evaluations: int) -> bool:
        """Exact comparison (no rounding): 17 of 20 is 85% and not below 85."""
        n = self.evaluations
        return n >= max(min_evaluations, 1) and Decimal(self.satisfied * 100) < minimum * n

    def as_dict(self) -> dict:
        """A JSON-safe snapshot (kept on an exit case; rates as strings, None as null)."""

        def s(v):
            return None if v is None else str(v)

        return {
            "evaluations": self.evaluations,
            "by_level": {str(k): v for k, v in self.by_level.items()},
            "satisfaction_rate": s(self.satisfaction_rate),
            "weighted_score": s(self.weighted_score),
            "bad_review_rate": s(self.bad_review_rate),
            "substantiated_complaints": self.substantiated_complaints,
            "breaches": {
                "visit_without_code": self.breaches.visit_without_code,
                "officer_missing": self.breaches.officer_missing,
                "overdue_filing": self.breaches.overdue_filing,
                "invalid_code_refused": self.breaches.invalid_code_refused,
            },
            "rectifications_due": self.rectifications_due,
            "rectifications_on_time": self.rectifications_on_time,
            "rectification_on_time_rate": s(self.rectification_on_time_rate),
        }


# ── the queries ──────────────────────────────────────────────────────────────────────────────
# How each source reaches the organisation a figure is about. An evaluation counts for every
# provider and agency of its visit (a joint visit is rated once, counted for each party).
PATHS: dict[str, dict[str, object]] = {
    "provider": {
        "evaluation": "visit__parties__contract__provider_id",
        "visit": "parties__contract__provider_id",
        "version": "contract__provider_id",
        "scan": Coalesce("credential__provider_id", "visit__parties__contract__provider_id"),
        "complaint": "provider_id",
        "rectification": "provider_id",
    },
    "agency": {
        "evaluation": "visit__parties__agency_id",
        "visit": "parties__agency_id",
        "version": "contract__agency_id",
        "scan": Coalesce("visit__parties__agency_id", "credential__contracts__agency_id"),
        "complaint": "agency_id",
        "rectification": "agency_id",
    },
    "county": {
        "evaluation": Value(0),
        "visit": Value(0),
        "version": Value(0),
        "scan": Value(0),
        "complaint": Value(0),
        "rectification": Value(0),
    },
}
COUNTY_FIELD = {
    "evaluation": "county_code",
    "visit": "county_code",
    "version": "contract__county_code",
    "scan": "county_code",
    "complaint": "county_code",
    "rectification": "county_code",
}


def _month_key(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return date(value.year, value.month, 1)
    return date(value.year, value.month, 1)


def _rows(source, qs, kind, county_code, org_ids, date_field, by_month, **aggregates):
    """[(org_id, month or None, {aggregate: n})] for one source, one GROUP BY query."""
    path = PATHS[kind][source]
    qs = qs.annotate(_org=F(path) if isinstance(path, str) else path)
    if county_code:
        qs = qs.filter(**{COUNTY_FIELD[source]: county_code})
    if org_ids is not None:
        qs = qs.filter(_org__in=list(org_ids))
    else:
        qs = qs.filter(_org__isnull=False)
    keys = ["_org"]
    if by_month:
        qs = qs.annotate(_month=TruncMonth(date_field))
        keys.append("_month")
    for row in qs.values(*keys).annotate(**aggregates).order_by():
        yield row["_org"], _month_key(row.get("_month")), row


def collect(
    kind: Kind,
    window: Window,
    *,
    county_code: str | None = None,
    org_ids=None,
    by_month: bool = False,
    as_of: date | None = None,
) -> dict[tuple[int, date | None], Figures]:
    """Figures keyed by (organisation id, first of month or None); county-wide uses id 0.

    `as_of` (default: the window's end) is the day an unfiled version or an open rectification
    counts as late.
    """
    as_of = as_of or window.end
    out: dict[tuple[int, date | None], Figures] = {}

    def fig(org, month) -> Figures:
        return out.setdefault((org, month), Figures())

    args = (kind, county_code, org_ids)
    _levels(out, kind, county_code, org_ids, window, by_month)

    decided = {"decided_at__gte": window.since, "decided_at__lt": window.until}
    for org, month, row in _rows(
        "complaint",
        Complaint.objects.filter(substantiated=True, **decided),
        *args,
        "decided_at",
        by_month,
        n=Count("id", distinct=True),
    ):
        fig(org, month).substantiated_complaints = row["n"]

    visits = Visit.objects.filter(
        status__in=DONE, window_start__gte=window.since, window_start__lt=window.until
    )
    for org, month, row in _rows(
        "visit",
        visits,
        *args,
        "window_start",
        by_month,
        no_code=Count("id", distinct=True, filter=Q(valid_scan_at__isnull=True)),
        no_officer=Count(
            "id",
            distinct=True,
            filter=Q(officers__isnull=True) | Q(evaluations__officer_present=False),
        ),
    ):
        fig(org, month).breaches.visit_without_code = row["no_code"]
        fig(org, month).breaches.officer_missing = row["no_officer"]

    late = Q(first_filed_at__isnull=False, first_filed_at__date__gt=F("filing_due_on")) | Q(
        first_filed_at__isnull=True, filing_due_on__lt=as_of
    )
    versions = ContractVersion.objects.filter(
        late, filing_due_on__gte=window.start, filing_due_on__lte=window.end
    )
    for org, month, row in _rows(
        "version", versions, *args, "filing_due_on", by_month, n=Count("id", distinct=True)
    ):
        fig(org, month).breaches.overdue_filing = row["n"]

    scans = ScanLog.objects.filter(
        valid=False, scanned_at__gte=window.since, scanned_at__lt=window.until
    )
    for org, month, row in _rows(
        "scan", scans, *args, "scanned_at", by_month, n=Count("id", distinct=True)
    ):
        fig(org, month).breaches.invalid_code_refused = row["n"]

    # A ticket counts once it is completed or its due date has passed without completion.
    tickets = Rectification.objects.filter(due_on__gte=window.start, due_on__lte=window.end).filter(
        Q(completed_at__isnull=False) | Q(due_on__lt=as_of)
    )
    for org, month, row in _rows(
        "rectification",
        tickets,
        *args,
        "due_on",
        by_month,
        due=Count("id", distinct=True),
        on_time=Count(
            "id",
            distinct=True,
            filter=Q(completed_at__isnull=False, completed_at__date__lte=F("due_on")),
        ),
    ):
        fig(org, month).rectifications_due = row["due"]
        fig(org, month).rectifications_on_time = row["on_time"]
    return out


def _levels(out, kind, county_code, org_ids, window, by_month) -> None:
    """Evaluations by level: GROUP BY organisation (, month), level."""
    qs = Evaluation.objects.filter(submitted_at__gte=window.since, submitted_at__lt=window.until)
    path = PATHS[kind]["evaluation"]
    qs = qs.annotate(_org=F(path) if isinstance(path, str) else path)
    if county_code:
        qs = qs.filter(county_code=county_code)
    qs = qs.filter(_org__in=list(org_ids)) if org_ids is not None else qs.filter(_org__isnull=False)
    keys = ["_org", "level"]
    if by_month:
        qs = qs.annotate(_month=TruncMonth("submitted_at"))
        keys.append("_month")
    for row in qs.values(*keys).annotate(n=Count("id", distinct=True)).order_by():
        key = (row["_org"], _month_key(row.get("_month")))
        out.setdefault(key, Figures()).by_level[row["level"]] = row["n"]


# ── what the pages, the worker and the dashboard call ──────────────────────────────────────
def figures_by_org(
    kind: Literal["provider", "agency"], window: Window, *, county_code=None, org_ids=None
) -> dict[int, Figures]:
    """Every organisation's figures over the window (organisations without data are absent)."""
    rows = collect(kind, window, county_code=county_code, org_ids=org_ids)
    return {org: f for (org, _month), f in rows.items()}


def figures_for(org, window: Window, kind: Literal["provider", "agency"] | None = None) -> Figures:
    kind = kind or ("provider" if org.kind == "provider" else "agency")
    return figures_by_org(kind, window, org_ids=[org.pk]).get(org.pk, Figures())


def county_figures(county_code: str, window: Window) -> Figures:
    """The whole county's figures (each evaluation counted once)."""
    return collect("county", window, county_code=county_code).get((0, None), Figures())


def monthly_figures(
    org, end: date, kind: Literal["provider", "agency", "county"] | None = None
) -> list[tuple[date, Figures]]:
    """The twelve calendar months up to `end`'s month, oldest first, one query per measure.

    `org` is an Organisation, or a county code with kind="county".
    """
    months = last_12_months(end)
    window = Window(months[0], end)
    if kind == "county":
        rows = collect("county", window, county_code=org, by_month=True, as_of=end)
        key = 0
    else:
        kind = kind or ("provider" if org.kind == "provider" else "agency")
        rows = collect(kind, window, org_ids=[org.pk], by_month=True, as_of=end)
        key = org.pk
    return [(m, rows.get((key, m), Figures())) for m in months]
