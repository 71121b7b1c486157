"""The demo's one clock: the moment its story is told up to, from which every part is computed.

The story is a county's year before the reform (2025) and its first year on the platform (2026),
up to a day late in 2026: the items and contracts of both years, a season of visits (some of them
today and in the coming days), evaluations, complaints, one provider warned six days ago and one
taken out. Seeded on a day from STORY_DAY to the end of 2026, the story's today is the real one.
Seeded later (or with the machine's clock before STORY_DAY), the story stops at STORY_DAY: 2026
stays a whole year to compare with 2025 (the dashboard's year selector), and the renewal
(demo/renewal.py) brings one agency's contract into the real year so that a visit today can still
be scanned at the gate.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

STORY_DAY = date(2026, 11, 25)
LAST_DAY = date(2026, 12, 31)
# The time of day the story stops at when it does not run to the real now: after the morning's
# visits have begun, before the afternoon's (kept for the live gate) are due.
STORY_TIME = time(12, 0)


def story_now(real: datetime | None = None) -> datetime:
    """The story's now for a seed run at `real` (the real time by default)."""
    real = real or timezone.now()
    if STORY_DAY <= timezone.localdate(real) <= LAST_DAY:
        return real
    return timezone.make_aware(datetime.combine(STORY_DAY, STORY_TIME))


def story_today(real: datetime | None = None) -> date:
    return timezone.localdate(story_now(real))


def is_live(real: datetime | None = None) -> bool:
    """Whether the story runs up to the real now (otherwise the renewal follows it)."""
    real = real or timezone.now()
    return story_now(real) == real
