"""Figures read from the rollups, cached until the rollups next change.

The rollup tables change only when `rollups.refresh` or `rollups.rebuild` runs. Both move
`RollupState.refreshed_at` and retire the "oversight:rollups" stamp. A cached figure is keyed by
both and by everything it was asked with (county, period, filters: the viewer's forced scope is
one of them). `refreshed_at` is read from the database on every load, so every process sees a new
run at once, even with a per-process cache and the worker in another process. The stamp tells
apart two runs given the same `now` (tests). Figures read from other tables (exit cases, names,
the county's threshold) are not cached here, or carry their inputs in the key.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from zerodisturb.cachestamps import stamps
from zerodisturb.oversight.rollups import CACHE_STAMP, refreshed_at

SECONDS = 3600


def version(refreshed=None) -> str | None:
    """The rollups' current version, or None before their first run (nothing is cached then).

    `refreshed` is RollupState.refreshed_at when the caller has just read it."""
    refreshed = refreshed or refreshed_at()
    if refreshed is None:
        return None
    return f"{refreshed.isoformat()}:{stamps(CACHE_STAMP)[0]}"


def cached(version_: str | None, name: str, args: tuple, compute):
    """compute(), or what it returned for the same rollups version, name and arguments."""
    if version_ is None:
        return compute()
    key = "zd:kpis:" + hashlib.sha256(repr((version_, name, args)).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, SECONDS)
    return found
