"""Anonymity towards providers, agencies and localities: a figure stands only on ≥ MIN_GROUP
evaluations; below that nothing is shown, not even the count."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from zerodisturb.evaluations.choices import MIN_GROUP
from zerodisturb.evaluations.models import Evaluation
from zerodisturb.evaluations.selectors import Figures, figures_of

__all__ = ["MIN_GROUP", "GuardedFigures", "NOT_SHOWN", "guarded_figures", "shown"]

NOT_SHOWN = _("不足 5 条，暂不显示")


def shown(count: int) -> bool:
    return count >= MIN_GROUP


@dataclass(frozen=True)
class GuardedFigures:
    """Figures of a group, or None when fewer than MIN_GROUP evaluations stand behind them."""

    label: str
    figures: Figures | None

    @property
    def shown(self) -> bool:
        return self.figures is not None

    def as_dict(self) -> dict:
        f = self.figures
        if f is None:
            return {"label": self.label, "shown": False, "note": str(NOT_SHOWN)}
        return {
            "label": self.label,
            "shown": True,
            "total": f.total,
            "by_level": {str(level): n for level, _label, n in f.levels()},
            "satisfaction_rate": f.satisfaction_rate,
            "weighted_score": f.weighted_score,
            "bad_rate": f.bad_rate,
        }


def guarded_figures(label: str, qs: QuerySet[Evaluation]) -> GuardedFigures:
    figures = figures_of(qs)
    return GuardedFigures(str(label), figures if shown(figures.total) else None)
