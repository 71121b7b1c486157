"""Version stamps in Django's cache: a cached answer is keyed by the stamps of what it was built from.

A service that changes an object calls `invalidate("visit", pk)`; the next reader gets a new stamp,
so every answer built from the old state is unreachable (it then simply expires). Stamps are random,
never counters: a stamp that was evicted comes back as a new value, not as one an old answer used.

`invalidate` stamps twice: at once and again when the transaction commits. The second stamp is the
one that matters for other processes: a reader that rebuilt the answer between the two read the
database before the commit and cached the old state under the first stamp, which the commit then
retires. The first stamp makes the change visible inside the transaction itself (and in tests,
whose transaction never commits). With a cache shared by every process (Redis), the next read in
any process sees the change; with the per-process LocMem default, only the process that made the
change sees it at once, and others after the TTL their cached answers were given.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import transaction

PREFIX = "zd:stamp:"
STAMP_SECONDS = 7 * 24 * 3600


def _new() -> str:
    return secrets.token_hex(6)


def stamps(*names: str) -> tuple[str, ...]:
    """The current stamp of each name ("visit:12", "contracts"), creating the missing ones."""
    keys = [PREFIX + name for name in names]
    found = cache.get_many(keys)
    if len(found) < len(keys):
        for key in keys:
            if key not in found:
                # add: two processes creating the same stamp at once agree on one value.
                cache.add(key, _new(), STAMP_SECONDS)
                found[key] = cache.get(key) or _new()
    return tuple(found[key] for key in keys)


def _stamp(name: str) -> None:
    cache.set(PREFIX + name, _new(), STAMP_SECONDS)


def invalidate(name: str) -> None:
    """Retire every cached answer built from `name`: now, and again once the transaction commits."""
    _stamp(name)
    transaction.on_commit(lambda: _stamp(name))
