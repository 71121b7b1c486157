"""What the scorecard pages and the API show: rows of figures with badges, anonymity applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from zerodisturb.evaluations.choices import MIN_GROUP
from zerodisturb.registry.models import CountyPolicy, Organisation
from zerodisturb.scorecards.choices import ExitStatus
from zerodisturb.scorecards.figures import (
    Figures,
    figures_by_org,
    monthly_figures,
    rolling_12_months,
)
from zerodisturb.scorecards.models import ExitCase
from zerodisturb.scorecards.permissions import sees_all_figures
from zerodisturb.scorecards.thresholds import grounds

BADGES = {
    ExitStatus.WARNING: ("warn", "预警"),
    ExitStatus.PROPOSED: ("bad", "拟退出"),
    ExitStatus.EXITED: ("bad", "已退出"),
}


@dataclass
class Row:
    org: Organisation
    figures: Figures
    show_evaluations: bool  # False: "不足 5 条，暂不显示"
    badge: tuple[str, str] | None  # (css class, label)
    case: ExitCase | None = None

    @property
    def kind(self) -> str:
        return "provider" if self.org.kind == "provider" else "agency"


def latest_cases(provider_ids) -> dict[int, ExitCase]:
    latest: dict[int, ExitCase] = {}
    for case in ExitCase.objects.filter(provider_id__in=list(provider_ids)).order_by(
        "provider_id", "-warned_at", "-pk"
    ):
        latest.setdefault(case.provider_id, case)
    return latest


def _badge(org, figures, case, policy) -> tuple[str, str] | None:
    if org.kind == "provider":
        if org.exited_at and (not case or case.status != ExitStatus.EXITED):
            return BADGES[ExitStatus.EXITED]
        return BADGES.get(case.status) if case else None
    # Agencies do not exit; below the thresholds they are flagged in their assessment (考核).
    return ("warn", "考核预警") if grounds(figures, policy) else None


def scorecard_rows(user, orgs, end: date | None = None) -> list[Row]:
    """One row per organisation in `orgs` (providers or agencies, one county or several)."""
    orgs = list(orgs)
    window = rolling_12_months(end or timezone.localdate())
    by_kind: dict[str, list[int]] = {"provider": [], "agency": []}
    for org in orgs:
        by_kind["provider" if org.kind == "provider" else "agency"].append(org.pk)
    figures: dict[tuple[str, int], Figures] = {}
    for kind, ids in by_kind.items():
        if ids:
            for pk, f in figures_by_org(kind, window, org_ids=ids).items():
                figures[(kind, pk)] = f
    cases = latest_cases(by_kind["provider"])
    policies: dict[str, CountyPolicy] = {}
    see_all = sees_all_figures(user)
    rows = []
    for org in orgs:
        kind = "provider" if org.kind == "provider" else "agency"
        f = figures.get((kind, org.pk), Figures())
        policy = policies.setdefault(org.county_code, CountyPolicy.for_county(org.county_code))
        case = cases.get(org.pk)
        rows.append(Row(org, f, see_all or f.evaluations_shown, _badge(org, f, case, policy), case))
    return rows


SORT_KEYS = {
    "name": lambda r: r.org.name,
    "evaluations": lambda r: r.figures.evaluations if r.show_evaluations else -1,
    "satisfaction": lambda r: r.figures.satisfaction_rate if r.show_evaluations else None,
    "score": lambda r: r.figures.weighted_score if r.show_evaluations else None,
    "bad": lambda r: r.figures.bad_review_rate if r.show_evaluations else None,
    "complaints": lambda r: r.figures.substantiated_complaints,
    "breaches": lambda r: r.figures.breaches.total,
    "rectification": lambda r: r.figures.rectification_on_time_rate,
}


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    """Sort by a measure; rows without a value ("—") always go last."""
    desc = sort.startswith("-")
    key = SORT_KEYS.get(sort.lstrip("-"), SORT_KEYS["name"])
    have = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    return sorted(have, key=key, reverse=desc) + sorted(missing, key=SORT_KEYS["name"])


def monthly_rows(user, org, end: date | None = None) -> list[tuple[date, Figures, bool]]:
    """(month, figures, evaluation figures shown?) for the last twelve months."""
    see_all = sees_all_figures(user)
    return [
        (month, f, see_all or f.evaluations_shown)
        for month, f in monthly_figures(org, end or timezone.localdate())
    ]


def snapshot_shown(user, snapshot: dict) -> bool:
    """An exit case's snapshot shows evaluation figures to the rated only on ≥ MIN_GROUP."""
    return sees_all_figures(user) or (snapshot or {}).get("evaluations", 0) >= MIN_GROUP
