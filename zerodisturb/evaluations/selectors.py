"""Read-side queries over evaluations, for this app's pages and for the scorecards.

An evaluation counts for every party of its visit: the party's agency and the provider of the
party's contract. `Exists` keeps one row per evaluation even for joint visits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from zerodisturb.evaluations.choices import BAD_LEVELS, SATISFIED_LEVELS, WEIGHTS, Level
from zerodisturb.evaluations.models import Evaluation
from zerodisturb.visits.choices import VisitStatus
from zerodisturb.visits.models import Visit, VisitParty


def _moment(value: date | datetime, *, end: bool = False) -> datetime:
    """A date bound as an aware datetime (an end date includes its whole day)."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    day = value + timedelta(days=1) if end else value
    return timezone.make_aware(datetime.combine(day, time.min))


def evaluations_for(
    provider=None,
    agency=None,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
    qs: QuerySet[Evaluation] | None = None,
) -> QuerySet[Evaluation]:
    """Evaluations of visits where `provider` (its contract) or `agency` took part, submitted in
    [start, end] (dates include their whole day; datetimes: start inclusive, end exclusive)."""
    qs = Evaluation.objects.all() if qs is None else qs
    parties = VisitParty.objects.filter(visit_id=OuterRef("visit_id"))
    if provider is not None:
        parties = parties.filter(contract__provider=provider)
    if agency is not None:
        parties = parties.filter(agency=agency)
    if provider is not None or agency is not None:
        qs = qs.filter(Exists(parties))
    if start is not None:
        qs = qs.filter(submitted_at__gte=_moment(start))
    if end is not None:
        qs = qs.filter(submitted_at__lt=_moment(end, end=True))
    return qs


def awaiting_evaluation(enterprise) -> QuerySet[Visit]:
    """The enterprise's checked-out visits it has not rated yet."""
    return (
        Visit.objects.filter(
            enterprise=enterprise,
            checked_out_at__isnull=False,
            status__in=(VisitStatus.COMPLETED, VisitStatus.CLOSED),
        )
        .exclude(evaluations__enterprise=enterprise)
        .order_by("-checked_out_at", "-pk")
    )


@dataclass(frozen=True)
class Figures:
    """Counts by level and the brief's three rates over one group of evaluations."""

    total: int
    by_level: dict[int, int] = field(default_factory=dict)

    @property
    def satisfied(self) -> int:
        return sum(self.by_level.get(level, 0) for level in SATISFIED_LEVELS)

    @property
    def bad(self) -> int:
        return sum(self.by_level.get(level, 0) for level in BAD_LEVELS)

    def _percent(self, part: int | Decimal) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(part) * 100 / self.total).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """(非常满意 + 满意) ÷ all, in percent to one decimal."""
        return self._percent(self.satisfied)

    @property
    def bad_rate(self) -> Decimal | None:
        return self._percent(self.bad)

    @property
    def weighted_score(self) -> Decimal | None:
        """Mean of 100/80/60/40/20 by level, to one decimal."""
        points = sum(WEIGHTS[level] * n for level, n in self.by_level.items())
        return self._percent(Decimal(points) / 100)

    def levels(self) -> list[tuple[int, str, int]]:
        """(level, label, count), best first, every level present."""
        return [(level, str(label), self.by_level.get(level, 0)) for level, label in Level.choices]


def figures_of(qs: QuerySet[Evaluation]) -> Figures:
    rows = qs.order_by().values("level").annotate(n=Count("pk"))
    by_level = {row["level"]: row["n"] for row in rows}
    return Figures(total=sum(by_level.values()), by_level=by_level)
