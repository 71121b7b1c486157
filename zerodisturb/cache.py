"""Django's cache backends for this project's own keys, without the memcached key check.

Django checks every key, on every get, set and incr, for what memcached would refuse (spaces,
control characters, more than 250 characters): a loop in Python over the key's characters. The
scan at the gate makes five cache calls, so the check was a noticeable share of its work. Every
key here is built by this code (short ASCII: `web/tests/test_cache_keys.py` runs the busy
paths with the check turned into an error), and neither LocMem nor Redis limits keys that way.

LocMem also keeps immutable values as they are. Django's LocMem pickles every value on the way
in and unpickles it on the way out, so that a caller who changes what it got back cannot change
what the next caller gets. For strings, numbers and the classes that say they are never changed
after they are built (`SHARED = True`: the scan facts and their parts) that copy protects
nothing, and it was a fifth of the CPU of a visit's first scan (five pickles and eleven unpickles).
Everything else is pickled as before. Redis pickles in any case: its values cross processes.
"""

import pickle

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache as DjangoLocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

_IMMUTABLE = (str, int, float, bool, type(None))


def _kept(value):
    """What is stored: the value itself when nobody can change it, its pickle (bytes) otherwise."""
    if isinstance(value, _IMMUTABLE) or getattr(type(value), "SHARED", False):
        return value
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _given(stored):
    return pickle.loads(stored) if isinstance(stored, bytes) else stored


class LocMemCache(DjangoLocMemCache):
    def validate_key(self, key):
        pass

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        stored = _kept(value)
        with self._lock:
            if self._has_expired(key):
                self._set(key, stored, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            stored = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return _given(stored)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        stored = _kept(value)
        with self._lock:
            self._set(key, stored, timeout)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            new_value = _given(self._cache[key]) + delta
            self._cache[key] = _kept(new_value)
            self._cache.move_to_end(key, last=False)
        return new_value


class RedisCache(DjangoRedisCache):
    def validate_key(self, key):
        pass
