"""A fixed-window rate limit on the cache, for public endpoints (verification, complaints, login).

With several app servers, point CACHES at a shared cache (Redis) so the limit is global.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def client_key(request) -> str:
    """The client's address: behind the HTTPS proxy, the X-Forwarded-For entry our proxy appended
    (the right-most); the entries before it are whatever the client sent, so never trusted."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.HTTPS else ""
    address = forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")
    return hashlib.sha256(address.encode()).hexdigest()[:24]


# The clock the windows are cut from; tests hold it still so that no window ends mid-test.
clock = time.time


def allow(scope: str, key: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one hit; False once `limit` hits were counted in the current window."""
    window = int(clock()) // window_seconds
    name = f"rl:{scope}:{key}:{window}"
    # incr first: after a window's first hit, one cache call (two round trips on Redis, whose
    # incr in Django asks whether the key exists first).
    try:
        return cache.incr(name) <= limit
    except ValueError:  # the window's first hit, or the counter just expired
        if cache.add(name, 1, timeout=window_seconds + 5):
            return True
        return cache.incr(name) <= limit  # another request created it in between
