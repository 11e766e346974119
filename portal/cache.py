"""A Redis cache that degrades to "always a miss" while Redis is unreachable.

The cache holds nothing that must survive (allauth's rate-limit counters,
memoised pages); a Redis outage must not turn every login into a 500. While
Redis is down, reads miss, writes are dropped and a warning is logged.
"""

from __future__ import annotations

import logging
from functools import wraps

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def _tolerant(method_name: str, fallback):
    original = getattr(RedisCache, method_name)

    @wraps(original)
    def method(self, *args, **kwargs):
        try:
            return original(self, *args, **kwargs)
        except _redis_errors() as exc:
            log.warning("cache %s skipped, Redis unreachable: %s", method_name, exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    return method


class ResilientRedisCache(RedisCache):
    get = _tolerant("get", lambda key, default=None, version=None: default)
    get_many = _tolerant("get_many", {})
    set = _tolerant("set", None)
    set_many = _tolerant("set_many", [])
    add = _tolerant("add", True)
    touch = _tolerant("touch", False)
    delete = _tolerant("delete", False)
    delete_many = _tolerant("delete_many", None)
    has_key = _tolerant("has_key", False)
    clear = _tolerant("clear", None)
    incr = _tolerant("incr", lambda key, delta=1, version=None: delta)
    decr = _tolerant("decr", lambda key, delta=1, version=None: -delta)
