"""/healthz: JSON with the database and Redis status; 503 when the database is down."""

from __future__ import annotations

import os
from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_all_up_without_redis_configured(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["redis"] == "not_configured"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_database_down_is_503(client, settings):
    settings.REDIS_URL = ""
    broken = mock.MagicMock()
    broken.cursor.side_effect = OperationalError("connection refused")
    with mock.patch("portal.views.connection", broken):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "down"
    assert body["status"] == "error"
    assert "connection refused" not in response.content.decode()  # no internals leak


def test_healthz_redis_down_is_degraded_but_serving(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["redis"] == "down"
    assert body["status"] == "degraded"


def test_healthz_redis_and_database_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    broken = mock.MagicMock()
    broken.cursor.side_effect = OperationalError("gone")
    with mock.patch("portal.views.connection", broken):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["database"], body["redis"], body["status"]) == ("down", "down", "error")


@pytest.mark.redis
def test_healthz_redis_up_reports_latency(client, settings):
    settings.REDIS_URL = os.environ["REDIS_URL"]
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["redis"] == "ok"
    assert body["redis_ms"] >= 0
    assert body["status"] == "ok"


def test_healthz_needs_no_login_and_no_session(client):
    response = client.get("/healthz")
    assert response.status_code in (200, 503)
    assert "sessionid" not in response.cookies


def test_healthz_query_count_is_small(client, settings, django_assert_max_num_queries):
    settings.REDIS_URL = ""
    with django_assert_max_num_queries(3):
        client.get("/healthz")
