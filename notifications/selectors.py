"""Read queries of the notifications app."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from .events import CATEGORIES, EVENTS, Event, audience_allows
from .models import Delivery, DeliveryStatus, Notification, Preference
from .rendering import ALL_OPTIONAL


def inbox(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    queryset = Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


def unread_count(user: Any) -> int:
    """How many of the user's notifications are unread (one query)."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_for(user: Any, pk: int) -> Notification:
    """One of the user's notifications; `Notification.DoesNotExist` for anybody else's."""
    return Notification.objects.get(pk=pk, recipient=user)


def preference_rows(user: Any) -> list[tuple[Event, str | None]]:
    """The events this user may receive, each with their stored mode (None: the default)."""
    stored = dict(Preference.objects.filter(user=user).values_list("event", "mode"))
    default = stored.get(ALL_OPTIONAL)
    return [
        (event, stored.get(event.key, default))
        for event in sorted(EVENTS, key=lambda e: CATEGORIES[e.category].order)
        if audience_allows(event.audience, user)
    ]


def digest_recipients_due() -> list[int]:
    """Ids of users with deliveries waiting for their daily digest."""
    return list(
        Delivery.objects.filter(
            status=DeliveryStatus.DIGEST, due_at__lte=timezone.now(), recipient__isnull=False
        )
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def outbox_health() -> dict[str, Any]:
    """Outbox figures for /healthz, in one query.

    `pending` counts deliveries waiting to be sent or being sent (not those
    waiting for the daily digest); `oldest_pending_age_seconds` is the age of
    the oldest of them (None when there is none), the figure to alert on.
    """
    outstanding = Q(status__in=DeliveryStatus.outstanding())
    figures = Delivery.objects.aggregate(
        pending=Count("pk", filter=outstanding),
        failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
        digest=Count("pk", filter=Q(status=DeliveryStatus.DIGEST)),
        oldest=Min("created_at", filter=outstanding),
    )
    oldest = figures.pop("oldest")
    figures["oldest_pending_age_seconds"] = (
        round((timezone.now() - oldest).total_seconds(), 1) if oldest else None
    )
    return figures
