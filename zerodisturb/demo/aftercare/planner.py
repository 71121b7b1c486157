"""Choosing which evaluations are satisfied so that the demo's figures come out as told.

The county's yearly satisfaction rates are fixed (the seed reports them), and at each run of the
exit assessment only the intended provider may be below the threshold. Evaluations start from
likely levels; a small local search then swaps satisfied/not-satisfied pairs within a year (so
the yearly totals never move) until every check holds. The checks count evaluations exactly as
scorecards.figures does: per provider of the visit's parties, over the rolling 12 months, only
those submitted before the run.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime

from zerodisturb.scorecards.figures import rolling_12_months


@dataclass(eq=False)
class Rating:
    """One evaluation to be made: on a service-made visit or a historic one."""

    visit: object
    enterprise_id: int
    providers: frozenset[int]
    at: datetime
    sat: bool = True
    level: int = 5
    historic: bool = False
    code_shown: bool = True  # False: the staff showed no code (a 2026 visit only)

    @property
    def year(self) -> int:
        return self.at.year


@dataclass
class Check:
    """At the assessment run `at`, `provider` must be below (rate ≤ cap) or not below."""

    at: datetime
    provider: int
    below: bool
    cap: float = 0.0
    members: list[Rating] = field(default_factory=list)

    def deficit(self, n: int, s: int) -> int:
        if self.below:
            if n < 20:
                return 1000
            return max(0, s - math.floor(self.cap * n))
        if n < 20:
            return 0
        return max(0, math.ceil(0.855 * n) - s)


def _counted(rating: Rating, check: Check) -> bool:
    window = rolling_12_months(check.at.date())
    return check.provider in rating.providers and window.since <= rating.at < min(
        window.until, check.at
    )


def plan(ratings: list[Rating], targets: dict[int, int], checks: list[Check], rng) -> bool:
    """Set each rating's `sat` so each year has targets[year] satisfied and every check holds."""
    by_year: dict[int, list[Rating]] = {}
    for r in ratings:
        by_year.setdefault(r.year, []).append(r)
    for year, target in targets.items():
        _exact(by_year[year], target, rng)
    touched: dict[int, list[int]] = {}
    for index, check in enumerate(checks):
        check.members = [r for r in ratings if _counted(r, check)]
        for r in check.members:
            touched.setdefault(id(r), []).append(index)
    sat = [sum(r.sat for r in c.members) for c in checks]
    size = [len(c.members) for c in checks]

    def cost(indexes) -> int:
        return sum(checks[i].deficit(size[i], sat[i]) for i in indexes)

    def flip(r: Rating) -> None:
        r.sat = not r.sat
        for i in touched.get(id(r), ()):
            sat[i] += 1 if r.sat else -1

    for _ in range(3000):
        failing = [i for i, c in enumerate(checks) if c.deficit(size[i], sat[i])]
        if not failing:
            return True
        check = checks[rng.choice(failing)]
        # Below wants fewer satisfied: flip a satisfied one; not-below wants more.
        wanted = check.below
        firsts = [r for r in check.members if r.sat == wanted]
        if not firsts:
            return False
        best, best_gain = None, 0
        for first in rng.sample(firsts, min(len(firsts), 20)):
            pool = [r for r in by_year[first.year] if r.sat != wanted]
            for second in rng.sample(pool, min(len(pool), 40)):
                indexes = set(touched.get(id(first), ())) | set(touched.get(id(second), ()))
                before = cost(indexes)
                flip(first)
                flip(second)
                gain = before - cost(indexes)
                flip(first)
                flip(second)
                if gain > best_gain:
                    best, best_gain = (first, second), gain
        if best is not None:
            flip(best[0])
            flip(best[1])
    return not any(c.deficit(size[i], sat[i]) for i, c in enumerate(checks))


def freshen(ratings: list[Rating], checks: list[Check], since: datetime, rng) -> None:
    """Make one rating made after `since` unsatisfied (a bad review still in its loop today) if
    none is, by swapping it with an older unsatisfied one of the same year such that every check
    still holds (so the yearly totals never move). Nothing changes if no such swap exists."""
    recent = sorted((r for r in ratings if r.at >= since), key=lambda r: r.at, reverse=True)
    if not recent or any(not r.sat for r in recent):
        return

    def holds() -> bool:
        return not any(c.deficit(len(c.members), sum(m.sat for m in c.members)) for c in checks)

    for first in recent:
        older = [r for r in ratings if r.year == first.year and not r.sat and r.at < since]
        for second in rng.sample(older, len(older)):
            first.sat, second.sat = False, True
            if holds():
                return
            first.sat, second.sat = True, False


def _exact(ratings: list[Rating], target: int, rng: random.Random) -> None:
    """Flip random ratings until exactly `target` are satisfied."""
    have = sum(r.sat for r in ratings)
    if have == target:
        return
    wrong = [r for r in ratings if r.sat == (have > target)]
    for r in rng.sample(wrong, abs(have - target)):
        r.sat = not r.sat
