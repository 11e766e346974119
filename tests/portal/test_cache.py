"""The Redis cache tolerates an outage: logins keep working and counters keep counting."""

from __future__ import annotations

import pytest

from portal.cache import ResilientRedisCache


@pytest.fixture
def dead_cache():
    # Nothing listens on port 1: every call fails to connect.
    return ResilientRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}}
    )


def test_cache_answers_from_process_memory_when_redis_is_down(dead_cache, caplog):
    dead_cache.clear()
    assert dead_cache.get("k", "fallback") == "fallback"
    assert dead_cache.get_many(["a", "b"]) == {}
    dead_cache.set("k", 1)
    assert dead_cache.get("k") == 1
    assert dead_cache.add("k", 5) is False  # already there: a lock is not granted twice
    assert dead_cache.incr("k") == 2
    assert dead_cache.get("k") == 2
    assert dead_cache.delete("k") is True
    assert dead_cache.get("k") is None
    assert "Redis unreachable" in caplog.text


def test_cache_skips_redis_for_a_while_after_a_failure(dead_cache, monkeypatch):
    dead_cache.get("k")
    assert dead_cache._redis_down_until > 0
    calls = []
    monkeypatch.setattr(
        "django.core.cache.backends.redis.RedisCache.get",
        lambda self, *a, **k: calls.append(a),
    )
    dead_cache.get("k")
    assert calls == []  # answered from memory without another connect attempt


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
