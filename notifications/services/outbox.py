"""`notify()`: the outbox every app writes to, and handing deliveries to Celery.

Write operations of the notification outbox.

`notify()` is the one call every app uses to tell people something. It writes
rows in the caller's transaction and hands the e-mails to Celery only after
the commit; `delivery_send()` is what the worker runs for each e-mail.

Delivery guarantees (the outbox pattern):

- rolled back → nothing is written, nothing is sent;
- committed while the broker is down → the delivery stays `pending` and the
  beat sweeper (`deliveries_requeue_stale`) queues it again later;
- a task executed twice (sweeper + original, broker redelivery) → the row is
  claimed with one conditional UPDATE, so only one execution sends;
- a worker killed mid-send → the claim expires after NOTIFICATIONS_CLAIM_LEASE
  seconds and the sweeper queues it again (at-least-once: a worker killed
  after the SMTP server accepted the message but before the row was marked
  sent can cause a duplicate; nothing is ever lost);
- SMTP or connection errors → retried with exponential backoff, `failed`
  (with the error, visible in the admin) after NOTIFICATIONS_MAX_RETRIES.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from ..events import Event, get_event, strict_events
from ..models import Delivery, DeliveryStatus, Mode, Notification, Preference
from ..rendering import ALL_OPTIONAL

log = logging.getLogger("notifications.services")


# --------------------------------------------------------------------------- notify
def _clean_context(context: Mapping[str, Any] | None, event: str) -> dict[str, Any]:
    """A JSON-safe copy of the context (dates, lazy strings, UUIDs become strings)."""
    if not context:
        return {}
    try:
        return json.loads(json.dumps(dict(context), cls=DjangoJSONEncoder))
    except TypeError:
        if strict_events():
            raise
        log.exception("notification %s: context is not JSON-serializable", event)
        return json.loads(json.dumps(dict(context), cls=DjangoJSONEncoder, default=str))


def _resolve_recipients(recipients: Iterable[Any]) -> tuple[list[Any], list[str]]:
    """Active users (deduplicated) and the addresses that belong to no user."""
    User = get_user_model()
    users: dict[int, Any] = {}
    addresses: dict[str, str] = {}
    for recipient in recipients:
        if recipient is None:
            continue
        if isinstance(recipient, str):
            address = recipient.strip()
            if address:
                addresses.setdefault(address.lower(), address)
        else:
            users.setdefault(recipient.pk, recipient)
    if addresses:
        query = reduce(or_, (Q(email__iexact=address) for address in addresses))
        for user in User.objects.filter(query):
            addresses.pop(user.email.lower(), None)
            users.setdefault(user.pk, user)
    known = {user.email.lower() for user in users.values() if user.email}
    active = [user for user in users.values() if user.is_active]
    return active, [address for key, address in addresses.items() if key not in known]


def stored_modes(users: Iterable[Any], event: str) -> dict[int, str]:
    """user id → the stored mode for `event` (or the "all optional" default), one query."""
    rows = Preference.objects.filter(
        user__in=[user.pk for user in users], event__in=[event, ALL_OPTIONAL]
    ).values_list("user_id", "event", "mode")
    specific: dict[int, str] = {}
    default: dict[int, str] = {}
    for user_id, key, mode in rows:
        (specific if key == event else default)[user_id] = mode
    return {**default, **specific}


def effective_mode(event: Event, stored: str | None) -> str:
    """Mandatory events are always e-mailed right away; others follow the preference."""
    if event.mandatory:
        return Mode.IMMEDIATE
    return stored or Mode.IMMEDIATE


def notify(
    recipients: Iterable[Any],
    event: str,
    obj: models.Model | None = None,
    context: Mapping[str, Any] | None = None,
) -> list[Notification]:
    """Tell people that `event` happened to `obj`; the one call for every notification.

    `recipients` holds users and/or e-mail addresses (an address of an existing
    user counts as that user; other addresses get e-mail only, in
    LANGUAGE_CODE). `context` is a JSON-serializable dict with the values
    the event's texts use, usually "url" (a site-relative path to `obj`).

    Rows are written in the caller's transaction; e-mails are queued only
    when it commits (a rollback sends nothing). A broker that is down at
    that moment is logged, never raised: the sweeper sends later.
    """
    definition = get_event(event)
    context = _clean_context(context, event)
    users, addresses = _resolve_recipients(recipients)
    if not users and not addresses:
        return []
    rows, plans = _notification_rows(
        event, definition, users, addresses, obj=obj, context=context, now=timezone.now()
    )
    notifications = Notification.objects.bulk_create(rows)
    deliveries = Delivery.objects.bulk_create(_delivery_rows(notifications, plans))
    pending = [d.pk for d in deliveries if d.status == DeliveryStatus.PENDING]
    if pending:
        transaction.on_commit(lambda: enqueue_deliveries(pending), robust=True)
    return notifications


def _notification_rows(
    key: str,
    definition: Event,
    users: list[Any],
    addresses: list[str],
    *,
    obj: models.Model | None,
    context: dict[str, Any],
    now: Any,
) -> tuple[list[Notification], list[str]]:
    """One unsaved Notification per recipient, and how each is to be e-mailed (its mode)."""
    content_type = ContentType.objects.get_for_model(obj) if obj is not None else None
    object_id = str(obj.pk) if obj is not None and obj.pk is not None else ""
    modes = stored_modes(users, key) if users and not definition.mandatory else {}
    common = {
        "event": key,
        "content_type": content_type,
        "object_id": object_id,
        "context": context,
        "created_at": now,
    }
    rows = [Notification(recipient=user, email=user.email, **common) for user in users]
    rows += [Notification(email=address, **common) for address in addresses]
    plans = [effective_mode(definition, modes.get(user.pk)) for user in users]
    plans += [Mode.IMMEDIATE] * len(addresses)
    return rows, plans


STATUS_FOR_MODE = {
    Mode.IMMEDIATE: DeliveryStatus.PENDING,
    Mode.DIGEST: DeliveryStatus.DIGEST,
    Mode.OFF: DeliveryStatus.SKIPPED,
}


def _delivery_rows(notifications: list[Notification], plans: list[str]) -> list[Delivery]:
    """An unsaved Delivery per notification that has an address."""
    return [
        Delivery(
            notification=notification,
            recipient_id=notification.recipient_id,
            mode=mode,
            address=notification.email,
            status=STATUS_FOR_MODE[mode],
            last_error="" if mode != Mode.OFF else "switched off by the recipient",
            created_at=notification.created_at,
            due_at=notification.created_at,
        )
        for notification, mode in zip(notifications, plans, strict=True)
        if notification.email
    ]


# --------------------------------------------------------------------------- queueing
def enqueue_deliveries(delivery_ids: Iterable[int]) -> int:
    """Hand deliveries to Celery; on a broker error log and stop (the sweeper retries).

    Returns how many were handed over. Never raises.
    """
    return _publish("delivery", list(delivery_ids), "deliveries")


def enqueue_digests(user_ids: Iterable[int]) -> int:
    """Queue one digest task per user; like `enqueue_deliveries`, never raises."""
    return _publish("digest", list(user_ids), "digests")


#: The Celery tasks that send a delivery and a digest, by kind; the app registers them at
#: start-up (`NotificationsConfig.ready`), so these services never import the tasks module.
PUBLISHERS: dict[str, Any] = {}


def _publish(kind: str, ids: list[int], what: str) -> int:
    task = PUBLISHERS.get(kind)
    if task is None:
        log.error("no task registered to send %s; the sweeper will queue them", what)
        return 0
    for done, pk in enumerate(ids):
        try:
            task.apply_async(args=[pk])
        except Exception:  # noqa: BLE001 - a broker outage must never break the caller
            log.warning(
                "could not queue %d %s (broker unavailable?); the sweeper will queue them",
                len(ids) - done,
                what,
                exc_info=True,
            )
            return done
    return len(ids)
