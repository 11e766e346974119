"""The Redis cache tolerates an outage: logins keep working while Redis is down."""

from __future__ import annotations

import pytest

from portal.cache import ResilientRedisCache


@pytest.fixture
def dead_cache():
    # Nothing listens on port 1: every call fails to connect.
    return ResilientRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}}
    )


def test_cache_reads_miss_and_writes_are_dropped_when_redis_is_down(dead_cache, caplog):
    assert dead_cache.get("k", "fallback") == "fallback"
    assert dead_cache.get_many(["a", "b"]) == {}
    assert dead_cache.set("k", 1) is None
    assert dead_cache.add("k", 1) is True
    assert dead_cache.incr("k") == 1
    assert dead_cache.delete("k") is False
    assert "Redis unreachable" in caplog.text


@pytest.mark.django_db
def test_cache_login_works_with_redis_down(client, settings, owner):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    response = client.post(
        "/accounts/login/", {"login": owner.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
