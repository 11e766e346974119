"""Sign-in throttling that never fails open and cannot be turned against a user.

Two counters of failed sign-ins, both in the cache:

* **per client address**: a hard limit. Past `address_failures` failures within
  `address_window` seconds, every sign-in from that address is answered 429
  until the window ends.
* **per account**: a progressive delay, never a lock. After `account_free_failures`
  failures the account must wait 2, 4, 8 … seconds (at most `account_max_delay`)
  between attempts, from any address. Someone who knows an e-mail address can
  make its owner wait a minute at most, never lock them out.

While the cache (Redis) is unreachable the counters live in this process's
memory instead: limits then hold per process (each gunicorn worker counts on
its own), which is stricter than nothing and never "off".

The client address comes from allauth's `get_client_ip`, which trusts
`X-Forwarded-For` only as far as `TRUSTED_PROXY_COUNT` proxies of our own
(README "Sign-in throttling").
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

log = logging.getLogger(__name__)

DEFAULTS: dict[str, int] = {
    "address_failures": 30,
    "address_window": 15 * 60,
    "account_free_failures": 5,
    "account_max_delay": 60,
    "account_window": 15 * 60,
}

# The second store: process-local memory, used whenever the cache raises.
_local = LocMemCache("portal-throttle", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def _conf(name: str) -> int:
    return int(getattr(settings, "LOGIN_THROTTLE", {}).get(name, DEFAULTS[name]))


class LoginThrottled(Exception):
    """Raised before a sign-in is checked when the client or the account must wait."""

    def __init__(self, retry_after: int, scope: str):
        super().__init__(f"sign-in throttled ({scope}) for {retry_after}s")
        self.retry_after = max(1, int(retry_after))
        self.scope = scope


@dataclass
class Counter:
    count: int = 0
    first: float = 0.0
    last: float = 0.0


def _get(key: str) -> Counter:
    try:
        value = cache.get(key)
    except Exception as exc:  # any cache failure: use the second store, never skip
        log.warning("throttle: cache unreachable, counting in process memory: %s", exc)
        local = _local.get(key)
        return local if isinstance(local, Counter) else Counter()
    if value is None:
        value = _local.get(key)  # counted here during an earlier outage
    return value if isinstance(value, Counter) else Counter()


def _set(key: str, counter: Counter, timeout: int) -> None:
    try:
        cache.set(key, counter, timeout)
    except Exception as exc:
        log.warning("throttle: cache unreachable, counting in process memory: %s", exc)
        _local.set(key, counter, timeout)
        return
    _local.delete(key)


def _delete(key: str) -> None:
    _local.delete(key)
    try:
        cache.delete(key)
    except Exception as exc:
        log.warning("throttle: cache unreachable while clearing a counter: %s", exc)


def client_address(request: HttpRequest) -> str:
    """The client's address as allauth sees it (proxy-aware, IPv6 by prefix)."""
    from allauth.core.internal.ratelimit import get_ip

    try:
        return get_ip(request)
    except PermissionDenied:
        return "unknown"


def _address_key(request: HttpRequest) -> str:
    return f"throttle:login:addr:{client_address(request)}"


def _account_key(login: str) -> str:
    digest = hashlib.sha256(login.strip().lower().encode("utf-8")).hexdigest()
    return f"throttle:login:acct:{digest}"


def _login_of(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


def account_delay(failures: int) -> int:
    """Seconds an account waits after `failures` consecutive failed sign-ins."""
    free = _conf("account_free_failures")
    if failures < free:
        return 0
    return min(2 ** (failures - free + 1), _conf("account_max_delay"))


def check_login(request: HttpRequest, credentials: dict[str, Any]) -> None:
    """Raise `LoginThrottled` if this address or this account must wait."""
    now = time.time()
    window = _conf("address_window")
    address = _get(_address_key(request))
    if address.count >= _conf("address_failures") and now - address.first < window:
        raise LoginThrottled(math.ceil(address.first + window - now), "address")
    login = _login_of(credentials)
    if not login:
        return
    account = _get(_account_key(login))
    if now - account.last < _conf("account_window"):
        wait = account.last + account_delay(account.count) - now
        if wait > 0:
            raise LoginThrottled(math.ceil(wait), "account")


def record_failure(request: HttpRequest, credentials: dict[str, Any]) -> None:
    """Count a failed sign-in against the client address and the account."""
    now = time.time()
    window = _conf("address_window")
    key = _address_key(request)
    address = _get(key)
    if not address.count or now - address.first >= window:
        address = Counter(first=now)
    address.count += 1
    address.last = now
    _set(key, address, window)
    login = _login_of(credentials)
    if login:
        key = _account_key(login)
        account = _get(key)
        if now - account.last >= _conf("account_window"):
            account = Counter(first=now)
        account.count += 1
        account.last = now
        _set(key, account, _conf("account_window"))


def record_success(credentials: dict[str, Any]) -> None:
    """The right password ends the account's delay; the address counter stays."""
    login = _login_of(credentials)
    if login:
        _delete(_account_key(login))


def throttled_response(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The translated 429 page with `Retry-After`."""
    response = TemplateResponse(
        request,
        "429.html",
        {"retry_after": retry_after, "retry_minutes": math.ceil(retry_after / 60)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response.render()


class ThrottleMiddleware:
    """Turns `LoginThrottled` (raised inside allauth's login form) into a 429 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, LoginThrottled):
            log.warning("sign-in throttled: %s", exception)
            return throttled_response(request, exception.retry_after)
        return None
