"""What the 事后 demo's parts share: the clock, the logins acting and one timeline of steps."""

from __future__ import annotations

import heapq
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from zerodisturb.accounts.models import User
from zerodisturb.workdays.services import add_working_days


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@dataclass
class Context:
    rng: random.Random
    county: str
    now: datetime
    sfj: User
    admin: User
    ent_users: dict[int, User] = field(default_factory=dict)  # enterprise pk -> contact login
    admins: dict[int, User] = field(default_factory=dict)  # provider pk -> provider admin
    officers: dict[int, User] = field(default_factory=dict)  # agency pk -> officer login
    stats: Counter = field(default_factory=Counter)
    _steps: list = field(default_factory=list)

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)

    def at(self, when: datetime, run) -> None:
        """Run `run` at `when` on the timeline; a step after now has not happened yet."""
        if when <= self.now:
            heapq.heappush(self._steps, (when, self.stats["steps"], run))
            self.stats["steps"] += 1

    def run(self) -> None:
        """Every step in time order; a step may schedule later ones."""
        while self._steps:
            _when, _order, step = heapq.heappop(self._steps)
            step()

    def working(self, start: datetime, days: int, hour: int | None = None) -> datetime:
        """`days` working days after `start`'s day, at office hours."""
        day = timezone.localdate(start)
        if days:
            day = add_working_days(day, days).date
        return at(
            day, hour if hour is not None else self.rng.randint(9, 16), self.rng.randint(0, 59)
        )

    def later(self, start: datetime, hours_low: float, hours_high: float) -> datetime:
        return start + timedelta(hours=self.rng.uniform(hours_low, hours_high))
