"""The sweeper and the operators' retry: deliveries the queue lost track of are queued again."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Delivery, DeliveryStatus, Mode
from .outbox import enqueue_deliveries

log = logging.getLogger("notifications.services")


# --------------------------------------------------------------------------- sweeping, retrying
@dataclass(frozen=True)
class Sweep:
    delivery_ids: list[int]
    digest_user_ids: list[int]
    given_up: int


def deliveries_requeue_stale(*, limit: int = 500) -> Sweep:
    """Find deliveries the queue has lost track of, for the beat sweeper to queue again.

    - pending and due for longer than NOTIFICATIONS_STALE_AFTER seconds (the
      broker was down at commit time, or the task message was lost);
    - sending with an expired claim (the worker died mid-send);
    - digests that failed earlier and are due for their retry.

    Pending rows get a fresh `due_at` so they are not queued again on every
    sweep while the queue is busy. Rows whose claim expired after the last
    allowed attempt are marked failed instead (a message that crashes the
    worker must not loop forever).
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_STALE_AFTER)
    expired = Q(status=DeliveryStatus.SENDING, claimed_until__lt=now)
    given_up = Delivery.objects.filter(
        expired, attempts__gt=settings.NOTIFICATIONS_MAX_RETRIES
    ).update(
        status=DeliveryStatus.FAILED,
        last_error="The worker stopped during the last attempt (killed or timed out).",
        claim_token=None,
        claimed_until=None,
        updated_at=now,
    )
    immediate = list(
        Delivery.objects.filter(
            Q(status=DeliveryStatus.PENDING, due_at__lte=stale) | (expired & ~Q(mode=Mode.DIGEST))
        )
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    Delivery.objects.filter(
        pk__in=immediate, status=DeliveryStatus.PENDING, due_at__lte=stale
    ).update(due_at=now)
    digest_users = list(
        Delivery.objects.filter(
            Q(status=DeliveryStatus.DIGEST, attempts__gt=0, due_at__lte=stale)
            | (expired & Q(mode=Mode.DIGEST)),
            recipient__isnull=False,
        )
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()[:limit]
    )
    return Sweep(delivery_ids=immediate, digest_user_ids=digest_users, given_up=given_up)


def deliveries_retry(*, delivery_ids: Iterable[int]) -> int:
    """Operators' "retry now": failed or pending deliveries are sent again right away.

    The attempt counter starts again; the last error stays until a send succeeds.
    """
    now = timezone.now()
    ids = list(
        Delivery.objects.filter(
            pk__in=list(delivery_ids),
            status__in=[DeliveryStatus.FAILED, DeliveryStatus.PENDING],
        ).values_list("pk", flat=True)
    )
    Delivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.PENDING,
        attempts=0,
        due_at=now,
        claim_token=None,
        claimed_until=None,
        updated_at=now,
    )
    if ids:
        transaction.on_commit(lambda: enqueue_deliveries(ids), robust=True)
    return len(ids)
