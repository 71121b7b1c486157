"""Concurrent calls in one process that need the same work done wait for one of them to do it.

Several phones at a gate scan the same code within the same second, and a server process answers
them on several threads at once. Without this, each would build the same cached facts from the
database and each would try to record the same first valid scan. With it, the first call for a
key does the work and the others wait for its result; if that call fails, each waiting call does
the work itself (so an error is never shared, and nothing waits on a call that died).
Other processes are not coordinated: the work this guards is correct when done twice, only wasted.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable
from typing import Any

# A waiting call stops waiting after this long and does the work itself.
WAIT_SECONDS = 10.0


class _Call:
    __slots__ = ("done", "ok", "value", "waiting")

    def __init__(self):
        self.done = threading.Event()
        self.ok = False
        self.value: Any = None
        self.waiting = 0  # calls waiting for this one


class SingleFlight:
    def __init__(self):
        self._lock = threading.Lock()
        self._joined = threading.Condition(self._lock)
        self._calls: dict[Hashable, _Call] = {}
        # A forked child (a gunicorn worker) starts with no calls in flight and a fresh lock.
        os.register_at_fork(after_in_child=self._after_fork)

    def _after_fork(self) -> None:
        self._lock = threading.Lock()
        self._joined = threading.Condition(self._lock)
        self._calls = {}

    def do(self, key: Hashable, work: Callable[[], Any]) -> tuple[Any, bool]:
        """(the result of `work` for `key`, whether another call's result was shared with this one)."""
        with self._lock:
            call = self._calls.get(key)
            leader = call is None
            if leader:
                call = self._calls[key] = _Call()
            else:
                call.waiting += 1
                self._joined.notify_all()
        if not leader:
            if call.done.wait(WAIT_SECONDS) and call.ok:
                return call.value, True
            return work(), False
        try:
            call.value = work()
            call.ok = True
            return call.value, False
        finally:
            with self._lock:
                if self._calls.get(key) is call:
                    del self._calls[key]
            call.done.set()

    def in_flight(self) -> int:
        with self._lock:
            return len(self._calls)

    def wait_for_waiting(self, key: Hashable, n: int, timeout: float = WAIT_SECONDS) -> bool:
        """Until `n` calls wait for the call in flight for `key` (for tests: no sleeping)."""
        with self._joined:
            return self._joined.wait_for(
                lambda: (call := self._calls.get(key)) is not None and call.waiting >= n, timeout
            )
