"""Web and worker processes keep no state of their own once PostgreSQL and Redis are set.

Each check runs a fresh process with production variables only (DEBUG off), as
gunicorn and Celery would start: sessions in the database, cache and broker in
Redis, files in the bucket, and no scheduler thread outside `run_embedded`.
"""

from __future__ import annotations

from .conftest import probe

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-like-secret-key-for-the-probe-0123456789abcdefghijklmnop",
    "ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "postgres://portal:portal@db.internal:5432/portal",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "S3_BUCKET": "portal-files",
    "S3_ENDPOINT_URL": "http://minio.internal:9000",
    "TRUSTED_PROXY_COUNT": "1",
    "CELERY_WORKER_CONCURRENCY": "2",
}

_PROBE = """
from portal.wsgi import application
from portal.celery import app
app.loader.import_default_modules()
import threading
result = {
    'session_engine': settings.SESSION_ENGINE,
    'cache': settings.CACHES['default']['BACKEND'],
    'cache_location': settings.CACHES['default'].get('LOCATION'),
    'broker': settings.CELERY_BROKER_URL,
    'eager': settings.CELERY_TASK_ALWAYS_EAGER,
    'storage': settings.STORAGES['default']['BACKEND'],
    'message_storage': settings.MESSAGE_STORAGE,
    'trusted_proxies': settings.ALLAUTH_TRUSTED_PROXY_COUNT,
    'worker_concurrency': app.conf.worker_concurrency,
    'threads': sorted(t.name for t in threading.enumerate()),
}
"""


def test_stateless_production_process_keeps_state_in_postgres_redis_and_the_bucket():
    """What gunicorn and a Celery worker load, with production variables (one process)."""
    result = probe(_PROBE, **PRODUCTION)
    # Sessions in PostgreSQL: a user's next request may reach any web replica.
    assert result["session_engine"] == "django.contrib.sessions.backends.db"
    # One cache for all processes (sign-in rate limits, cached pages), and the broker.
    assert result["cache"] == "portal.cache.ResilientRedisCache"
    assert result["cache_location"] == PRODUCTION["REDIS_URL"]
    assert result["broker"] == PRODUCTION["REDIS_URL"] and result["eager"] is False
    assert result["storage"] == "core.storage.PrivateS3Storage"
    # Flash messages travel in the cookie or the session, never in process memory.
    assert result["message_storage"] == "django.contrib.messages.storage.fallback.FallbackStorage"
    # Only `manage.py run_embedded` runs periodic tasks in a thread; production has one beat.
    assert result["threads"] == ["MainThread"]
    assert result["trusted_proxies"] == 1
    # Sized per container, not from the host's CPU count.
    assert result["worker_concurrency"] == 2


def test_stateless_sign_in_rate_limits_see_the_client_behind_the_proxy(rf, settings):
    """Behind nginx every request comes from the proxy: without this, one client's failed
    sign-ins would lock everybody out (allauth limits per IP, counted in Redis)."""
    from allauth.account.adapter import get_adapter

    request = rf.get("/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert get_adapter().get_client_ip(request) == "172.18.0.5"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert get_adapter().get_client_ip(request) == "203.0.113.7"
    # A forged entry in front of the real one is not trusted.
    forged = rf.get("/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7")
    assert get_adapter().get_client_ip(forged) == "203.0.113.7"
