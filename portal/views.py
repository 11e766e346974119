from __future__ import annotations

import time

import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from challenges.selectors import featured_challenges, programme_figures
from entities import selectors as entity_selectors
from entities.eligibility import CURRENT_RULESET
from notifications.selectors import outbox_health

from .dashboard import dashboard_context
from .forms import ProfileForm


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "ruleset": CURRENT_RULESET,
            "featured": featured_challenges(),
            "figures": programme_figures(),
        },
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    context = dashboard_context(request)
    context["invitations"] = entity_selectors.invitations_for_email(request.user.email)
    return render(request, "portal/dashboard.html", context)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in user's name and language (used for pages and e-mails)."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.preferred_language)
        messages.success(request, _("Your profile is saved."))
        response = redirect("profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.preferred_language, samesite="Lax")
        return response
    return render(request, "portal/profile.html", {"form": form})


def _redis_status() -> tuple[str, float | None]:
    if not settings.REDIS_URL:
        return "not_configured", None
    started = time.monotonic()
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except Exception:  # noqa: BLE001 - any failure means "down"
        return "down", None
    return "ok", round((time.monotonic() - started) * 1000, 1)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and dependencies: 503 when the database is unreachable."""
    body: dict = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = "ok"
    except Exception:  # noqa: BLE001
        body["database"] = "down"
        body["status"] = "error"
    redis_state, latency = _redis_status()
    body["redis"] = redis_state
    if latency is not None:
        body["redis_ms"] = latency
    if body["database"] == "ok":
        body["notifications"] = outbox_health()
    if redis_state == "down":
        body["status"] = "degraded" if body["status"] == "ok" else body["status"]
    return JsonResponse(body, status=503 if body["database"] != "ok" else 200)
