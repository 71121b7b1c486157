"""Django's cache backends for this project's own keys, without the memcached key check.

Django checks every key, on every get, set and incr, for what memcached would refuse (spaces,
control characters, more than 250 characters): a loop in Python over the key's characters. The
scan at the gate makes five cache calls, so the check was a noticeable share of its work. Every
key here is built by this code (short ASCII: `web/tests/test_cache_keys.py` runs the busy
paths with the check turned into an error), and neither LocMem nor Redis limits keys that way.
"""

from django.core.cache.backends.locmem import LocMemCache as DjangoLocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache


class LocMemCache(DjangoLocMemCache):
    def validate_key(self, key):
        pass


class RedisCache(DjangoRedisCache):
    def validate_key(self, key):
        pass
