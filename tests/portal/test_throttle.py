"""Sign-in throttling never fails open and cannot lock an owner out (portal/throttle.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from portal import throttle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RIGHT = "correct horse battery"
# Travel from the real present: sessions created "in the past" would look expired.
NOW = datetime.now(tz=UTC)
DEAD_REDIS = {
    "default": {
        "BACKEND": "portal.cache.ResilientRedisCache",
        # Nothing listens on port 1: every Redis call fails to connect.
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2},
    }
}


@pytest.fixture
def limits(settings):
    settings.LOGIN_THROTTLE = {
        "address_failures": 4,
        "address_window": 600,
        "account_free_failures": 3,
        "account_max_delay": 60,
        "account_window": 900,
    }
    return settings.LOGIN_THROTTLE


@pytest.fixture
def redis_down(settings):
    settings.CACHES = DEAD_REDIS
    from django.core.cache import cache

    cache.clear()  # the process-memory store of the dead Redis location
    yield
    cache.clear()


def _login(client, email: str, password: str = "wrong password", address: str = "203.0.113.5"):
    return client.post(
        "/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=address
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _assert_throttled(response) -> int:
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert retry_after > 0
    assert b"Too many attempts" in response.content
    return retry_after


# --------------------------------------------------------------------------- per address
def test_throttle_address_hard_limit_answers_429(client, limits):
    for n in range(limits["address_failures"]):
        response = _login(client, f"nobody{n}@example.org")
        assert response.status_code == 200
    owner = UserFactory(email="someone@example.org")
    response = _login(client, owner.email, RIGHT)
    retry_after = _assert_throttled(response)
    assert retry_after <= limits["address_window"]
    assert not _signed_in(client)


def test_throttle_address_limit_ends_after_the_window(client, limits):
    owner = UserFactory(email="someone@example.org")
    with time_machine.travel(NOW, tick=False) as traveller:
        for n in range(limits["address_failures"]):
            _login(client, f"nobody{n}@example.org")
        _assert_throttled(_login(client, owner.email, RIGHT))
        traveller.shift(limits["address_window"] + 1)
        response = _login(client, owner.email, RIGHT)
    assert response.status_code == 302
    assert _signed_in(client)


def test_throttle_page_is_translated(client, limits):
    for n in range(limits["address_failures"]):
        _login(client, f"nobody{n}@example.org")
    response = client.post(
        "/accounts/login/",
        {"login": "x@example.org", "password": "x"},
        REMOTE_ADDR="203.0.113.5",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 429
    assert 'lang="zh-hans"' in response.content.decode()


# --------------------------------------------------------------------------- per account
def test_throttle_account_failures_delay_but_never_lock_the_owner(client, limits):
    owner = UserFactory(email="target@example.org")
    with time_machine.travel(NOW, tick=False) as traveller:
        # An attacker guesses from one address...
        for _ in range(limits["account_free_failures"]):
            assert _login(client, owner.email, address="198.51.100.66").status_code == 200
        # ...the owner, elsewhere, is asked to wait a few seconds, not locked out.
        wait = _assert_throttled(_login(client, owner.email, RIGHT, address="192.0.2.10"))
        assert wait <= 2
        traveller.shift(wait)
        response = _login(client, owner.email, RIGHT, address="192.0.2.10")
    assert response.status_code == 302
    assert _signed_in(client)


def test_throttle_account_delay_is_progressive_and_capped(client, limits):
    owner = UserFactory(email="target@example.org")
    waits = []
    with time_machine.travel(NOW, tick=False) as traveller:
        for n in range(12):
            # every guess from a new address: only the per-account delay applies
            response = _login(client, owner.email, address=f"198.51.100.{n + 1}")
            if response.status_code == 429:
                wait = int(response["Retry-After"])
                waits.append(wait)
                traveller.shift(wait)
                response = _login(client, owner.email, address=f"198.51.100.{n + 1}")
            assert response.status_code == 200
        assert waits == sorted(waits)
        assert waits[0] < waits[-1] == limits["account_max_delay"]
        # After the longest delay the right password works from anywhere.
        traveller.shift(limits["account_max_delay"])
        response = _login(client, owner.email, RIGHT, address="192.0.2.10")
    assert response.status_code == 302


def test_throttle_account_delay_counts_across_letter_case(client, limits):
    owner = UserFactory(email="target@example.org")
    for n in range(limits["account_free_failures"]):
        _login(client, "TARGET@example.org" if n % 2 else owner.email, address=f"198.51.100.{n}")
    _assert_throttled(_login(client, owner.email, RIGHT, address="192.0.2.10"))


def test_throttle_right_password_resets_the_account_counter(client, limits):
    owner = UserFactory(email="target@example.org")
    for _ in range(limits["account_free_failures"] - 1):
        _login(client, owner.email)
    assert _login(client, owner.email, RIGHT).status_code == 302
    client.post("/accounts/logout/")
    _login(client, owner.email)  # one more failure: a fresh count, no delay yet
    assert _login(client, owner.email, RIGHT).status_code == 302


def test_throttle_account_delay_is_in_the_safe_range():
    assert throttle.account_delay(0) == 0
    assert throttle.account_delay(4) == 0
    assert throttle.account_delay(5) == 2
    assert throttle.account_delay(6) == 4
    assert throttle.account_delay(1000) == 60


# --------------------------------------------------------------------------- Redis down
def test_throttle_holds_with_redis_down(client, limits, redis_down, caplog):
    for n in range(limits["address_failures"]):
        assert _login(client, f"nobody{n}@example.org").status_code == 200
    _assert_throttled(_login(client, "nobody@example.org"))
    from django.core.cache import cache

    assert cache._redis_down_until > 0  # Redis really was unreachable all along


def test_throttle_account_delay_holds_with_redis_down(client, limits, redis_down):
    owner = UserFactory(email="target@example.org")
    for n in range(limits["account_free_failures"]):
        _login(client, owner.email, address=f"198.51.100.{n}")
    _assert_throttled(_login(client, owner.email, RIGHT, address="192.0.2.10"))


def test_throttle_holds_when_the_cache_itself_raises(client, limits, monkeypatch):
    class BrokenCache:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("cache down")

            return fail

    monkeypatch.setattr(throttle, "cache", BrokenCache())
    for n in range(limits["address_failures"]):
        _login(client, f"nobody{n}@example.org")
    _assert_throttled(_login(client, "nobody@example.org"))


def test_throttle_signup_limit_holds_with_redis_down(client, settings, redis_down):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    for n in range(2):
        client.post("/accounts/signup/", {"email": f"new{n}@example.org"})
    response = client.post("/accounts/signup/", {"email": "new9@example.org"})
    assert response.status_code == 429
    assert response["Retry-After"]


def test_throttle_password_reset_limit_holds_with_redis_down(client, settings, redis_down):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "2/m/ip"}
    for _ in range(2):
        client.post("/accounts/password/reset/", {"email": "someone@example.org"})
    response = client.post("/accounts/password/reset/", {"email": "someone@example.org"})
    assert response.status_code == 429
    assert response["Retry-After"]


# --------------------------------------------------------------------------- client address
def test_throttle_forwarded_address_trusted_only_behind_the_proxy(client, limits, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for n in range(limits["address_failures"]):
        # Without a proxy of ours in front, a forged X-Forwarded-For changes nothing.
        client.post(
            "/accounts/login/",
            {"login": f"nobody{n}@example.org", "password": "x"},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    _assert_throttled(_login(client, "nobody@example.org"))


def test_throttle_counts_per_forwarded_client_behind_the_proxy(client, limits, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for n in range(limits["address_failures"]):
        client.post(
            "/accounts/login/",
            {"login": f"nobody{n}@example.org", "password": "x"},
            REMOTE_ADDR="172.18.0.2",  # the proxy
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    owner = UserFactory(email="someone@example.org")
    blocked = client.post(
        "/accounts/login/",
        {"login": owner.email, "password": RIGHT},
        REMOTE_ADDR="172.18.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert blocked.status_code == 429
    other = client.post(
        "/accounts/login/",
        {"login": owner.email, "password": RIGHT},
        REMOTE_ADDR="172.18.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.10",
    )
    assert other.status_code == 302


# --------------------------------------------------------------------------- real Redis
@pytest.fixture
def real_redis(settings):
    import os

    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "throttle-test",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


@pytest.mark.redis
def test_throttle_counts_in_redis_shared_by_all_processes(client, limits, real_redis):
    for n in range(limits["address_failures"]):
        _login(client, f"nobody{n}@example.org")
    key = "throttle:login:addr:203.0.113.5"
    assert real_redis.get(key).count == limits["address_failures"]
    assert throttle._local.get(key) is None  # nothing fell back to process memory
    _assert_throttled(_login(client, "nobody@example.org"))


@pytest.mark.redis
def test_throttle_keeps_counting_through_a_redis_outage(client, limits, real_redis, monkeypatch):
    import redis

    for n in range(limits["address_failures"] - 1):
        _login(client, f"nobody{n}@example.org")

    def down(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Redis stopped")

    # Redis "stops": every command fails. Counting starts again in process memory
    # (what Redis held is out of reach) and the limit holds there.
    monkeypatch.setattr(redis.Redis, "execute_command", down)
    real_redis._redis_down_until = 0.0
    for n in range(limits["address_failures"]):
        assert _login(client, f"during.outage{n}@example.org").status_code == 200
    _assert_throttled(_login(client, "nobody@example.org"))
    assert real_redis._redis_down_until > 0
