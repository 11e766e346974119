"""A Redis cache that falls back to process memory while Redis is unreachable.

The cache holds rate-limit counters (allauth's sign-up and password-reset
limits, the portal's sign-in throttle) and memoised pages. A Redis outage must
neither turn every login into a 500 nor switch the rate limits off: while Redis
is down every call is answered by a process-local memory cache instead, and a
warning is logged. After a failure Redis is left alone for a few seconds (a
dead host would otherwise cost a connect timeout on every call).
"""

from __future__ import annotations

import logging
import time
from functools import wraps
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

# How long to answer from memory before trying Redis again.
RETRY_AFTER_SECONDS = 5.0


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def _with_fallback(method_name: str):
    original = getattr(RedisCache, method_name)

    @wraps(original)
    def method(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= self._redis_down_until:
            try:
                return original(self, *args, **kwargs)
            except _redis_errors() as exc:
                self._redis_down_until = time.monotonic() + RETRY_AFTER_SECONDS
                log.warning(
                    "cache %s answered from process memory, Redis unreachable: %s",
                    method_name,
                    exc,
                )
        return getattr(self._fallback, method_name)(*args, **kwargs)

    return method


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]):
        super().__init__(server, params)
        self._redis_down_until = 0.0
        self._fallback = LocMemCache(
            # One memory store per process and Redis location, shared by all threads.
            f"resilient-fallback:{server}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 50_000}},
        )

    get = _with_fallback("get")
    get_many = _with_fallback("get_many")
    set = _with_fallback("set")
    set_many = _with_fallback("set_many")
    add = _with_fallback("add")
    touch = _with_fallback("touch")
    delete = _with_fallback("delete")
    delete_many = _with_fallback("delete_many")
    has_key = _with_fallback("has_key")
    clear = _with_fallback("clear")
    incr = _with_fallback("incr")
    decr = _with_fallback("decr")
