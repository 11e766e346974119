"""Write operations of the notification outbox.

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
import smtplib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import get_connection
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from .events import REGISTRY, Event, get_event, strict_events
from .models import Delivery, DeliveryStatus, Mode, Notification, Preference
from .rendering import ALL_OPTIONAL, build_digest_email, build_email

log = logging.getLogger(__name__)

# A queued task may arrive a little before `due_at` when clocks differ between hosts.
CLOCK_TOLERANCE = timedelta(seconds=5)
MAX_BACKOFF_SECONDS = 6 * 3600


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
    content_type = ContentType.objects.get_for_model(obj) if obj is not None else None
    object_id = str(obj.pk) if obj is not None and obj.pk is not None else ""
    now = timezone.now()
    modes = stored_modes(users, event) if users and not definition.mandatory else {}

    notifications: list[Notification] = []
    plans: list[str] = []
    for user in users:
        notifications.append(
            Notification(
                recipient=user,
                email=user.email,
                event=event,
                content_type=content_type,
                object_id=object_id,
                context=context,
                created_at=now,
            )
        )
        plans.append(effective_mode(definition, modes.get(user.pk)))
    for address in addresses:
        notifications.append(
            Notification(
                email=address,
                event=event,
                content_type=content_type,
                object_id=object_id,
                context=context,
                created_at=now,
            )
        )
        plans.append(Mode.IMMEDIATE)
    notifications = Notification.objects.bulk_create(notifications)

    status_for = {
        Mode.IMMEDIATE: DeliveryStatus.PENDING,
        Mode.DIGEST: DeliveryStatus.DIGEST,
        Mode.OFF: DeliveryStatus.SKIPPED,
    }
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(
                notification=notification,
                recipient_id=notification.recipient_id,
                mode=mode,
                address=notification.email,
                status=status_for[mode],
                last_error="" if mode != Mode.OFF else "switched off by the recipient",
                created_at=now,
                due_at=now,
            )
            for notification, mode in zip(notifications, plans, strict=True)
            if notification.email
        ]
    )
    pending = [d.pk for d in deliveries if d.status == DeliveryStatus.PENDING]
    if pending:
        transaction.on_commit(lambda: enqueue_deliveries(pending), robust=True)
    return notifications


# --------------------------------------------------------------------------- queueing
def enqueue_deliveries(delivery_ids: Iterable[int]) -> int:
    """Hand deliveries to Celery; on a broker error log and stop (the sweeper retries).

    Returns how many were handed over. Never raises.
    """
    from .tasks import deliver  # tasks call services; this is the one way back

    return _publish(deliver, list(delivery_ids), "deliveries")


def enqueue_digests(user_ids: Iterable[int]) -> int:
    """Queue one digest task per user; like `enqueue_deliveries`, never raises."""
    from .tasks import send_digest

    return _publish(send_digest, list(user_ids), "digests")


def _publish(task: Any, ids: list[int], what: str) -> int:
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


# --------------------------------------------------------------------------- sending
@dataclass(frozen=True)
class SendResult:
    """What one delivery attempt did; `retry_in` (seconds) when it should be retried."""

    outcome: str
    retry_in: int | None = None


def _backoff(attempts: int) -> int:
    base = max(1, int(settings.NOTIFICATIONS_RETRY_BACKOFF))
    return min(MAX_BACKOFF_SECONDS, base * 2 ** max(0, attempts - 1))


def _permanent(exc: BaseException) -> bool:
    """SMTP answers that will not change on retry (5xx for the recipient or the sender)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, smtplib.SMTPException | OSError) and not _permanent(exc)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _claim(queryset: models.QuerySet, now: Any) -> uuid.UUID | None:
    """Atomically mark matching rows `sending` for this worker; None if none matched."""
    token = uuid.uuid4()
    claimed = queryset.update(
        status=DeliveryStatus.SENDING,
        claim_token=token,
        claimed_until=now + timedelta(seconds=settings.NOTIFICATIONS_CLAIM_LEASE),
        attempts=F("attempts") + 1,
        last_attempt_at=now,
        updated_at=now,
    )
    return token if claimed else None


def _release_failure(
    claimed: models.QuerySet, exc: BaseException, *, attempts: int, back_to: str
) -> SendResult:
    """Record a failed attempt: back to `back_to` with a backoff, or `failed` for good."""
    now = timezone.now()
    error = _describe(exc)
    if _transient(exc) and attempts <= settings.NOTIFICATIONS_MAX_RETRIES:
        delay = _backoff(attempts)
        claimed.update(
            status=back_to,
            last_error=error,
            due_at=now + timedelta(seconds=delay),
            claim_token=None,
            claimed_until=None,
            updated_at=now,
        )
        log.warning("delivery attempt %d failed (%s); retry in %ds", attempts, error, delay)
        return SendResult("retry", retry_in=delay)
    claimed.update(
        status=DeliveryStatus.FAILED,
        last_error=error,
        claim_token=None,
        claimed_until=None,
        updated_at=now,
    )
    log.error("delivery failed after %d attempt(s): %s", attempts, error)
    return SendResult("failed")


def _mark_sent(claimed: models.QuerySet) -> None:
    now = timezone.now()
    if not claimed.update(
        status=DeliveryStatus.SENT,
        sent_at=now,
        last_error="",
        claim_token=None,
        claimed_until=None,
        updated_at=now,
    ):
        log.warning("a delivery was sent after its claim expired; it may be sent twice")


def _language(user: Any) -> str:
    language = getattr(user, "preferred_language", "") if user is not None else ""
    return language or settings.LANGUAGE_CODE


def delivery_send(*, delivery_id: int) -> SendResult:
    """Claim one delivery and send its e-mail (what the Celery task runs).

    Returns "not_claimed" when another execution has it or it is already done,
    "sent", "skipped" (recipient deactivated or switched the e-mail off since),
    "retry" with the backoff, or "failed".
    """
    now = timezone.now()
    candidates = Delivery.objects.filter(pk=delivery_id).filter(
        Q(status=DeliveryStatus.PENDING, due_at__lte=now + CLOCK_TOLERANCE)
        | Q(status=DeliveryStatus.SENDING, claimed_until__lt=now)
    )
    token = _claim(candidates, now)
    if token is None:
        return SendResult("not_claimed")
    claimed = Delivery.objects.filter(pk=delivery_id, claim_token=token)
    delivery = Delivery.objects.select_related("notification", "notification__recipient").get(
        pk=delivery_id
    )
    notification = delivery.notification
    user = notification.recipient
    event = notification.kind
    skip = ""
    if user is not None and not user.is_active:
        skip = "recipient deactivated"
    elif user is not None and not event.mandatory:
        stored = stored_modes([user], notification.event).get(user.pk)
        if effective_mode(event, stored) == Mode.OFF:
            skip = "switched off by the recipient"
    if skip:
        claimed.update(
            status=DeliveryStatus.SKIPPED, last_error=skip, claim_token=None, claimed_until=None
        )
        return SendResult("skipped")

    address = (user.email if user is not None else "") or delivery.address
    try:
        message = build_email(
            to=address,
            event=event,
            context=notification.context,
            language=_language(user),
            user=user,
        )
        message.connection = get_connection(fail_silently=False)
        message.send()
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
        if not _transient(exc):
            log.exception("delivery %s cannot be sent", delivery_id)
        return _release_failure(
            claimed, exc, attempts=delivery.attempts, back_to=DeliveryStatus.PENDING
        )
    _mark_sent(claimed)
    return SendResult("sent")


def digest_send(*, user_id: int) -> SendResult:
    """Claim a user's deliveries waiting for the digest and send them as one e-mail.

    Idempotent: a second run finds nothing to claim and returns "not_claimed".
    """
    now = timezone.now()
    candidates = Delivery.objects.filter(recipient_id=user_id).filter(
        Q(status=DeliveryStatus.DIGEST, due_at__lte=now + CLOCK_TOLERANCE)
        | Q(status=DeliveryStatus.SENDING, mode=Mode.DIGEST, claimed_until__lt=now)
    )
    token = _claim(candidates, now)
    if token is None:
        return SendResult("not_claimed")
    claimed = Delivery.objects.filter(recipient_id=user_id, claim_token=token)
    rows = list(
        claimed.select_related("notification", "notification__recipient").order_by(
            "notification__created_at", "pk"
        )
    )
    user = rows[0].notification.recipient
    if user is None or not user.is_active:
        claimed.update(
            status=DeliveryStatus.SKIPPED,
            last_error="recipient deactivated",
            claim_token=None,
            claimed_until=None,
        )
        return SendResult("skipped")
    try:
        message = build_digest_email(
            to=user.email,
            user=user,
            items=[(row.notification.kind, row.notification.context) for row in rows],
            language=_language(user),
        )
        message.connection = get_connection(fail_silently=False)
        message.send()
    except Exception as exc:  # noqa: BLE001
        if not _transient(exc):
            log.exception("digest for user %s cannot be sent", user_id)
        return _release_failure(
            claimed,
            exc,
            attempts=max(row.attempts for row in rows),
            back_to=DeliveryStatus.DIGEST,
        )
    _mark_sent(claimed)
    return SendResult("sent")


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


# --------------------------------------------------------------------------- inbox
def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one notification read (no-op when it already is)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of `user` read; returns how many changed."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --------------------------------------------------------------------------- preferences
@transaction.atomic
def preferences_update(*, user: Any, modes: Mapping[str, str]) -> None:
    """Store `user`'s e-mail choices per event key; mandatory and unknown keys are ignored."""
    for key, mode in modes.items():
        event = REGISTRY.get(key)
        if event is None or event.mandatory or mode not in Mode.values:
            continue
        Preference.objects.update_or_create(user=user, event=key, defaults={"mode": mode})


@transaction.atomic
def unsubscribe(*, user: Any, event: str) -> list[str]:
    """Switch off e-mails of one event ("*": every optional event, now and future ones).

    Mandatory events cannot be switched off. Returns the keys switched off.
    """
    if event == ALL_OPTIONAL:
        keys = [key for key, definition in REGISTRY.items() if not definition.mandatory]
        keys.append(ALL_OPTIONAL)
    else:
        definition = REGISTRY.get(event)
        if definition is None or definition.mandatory:
            return []
        keys = [event]
    for key in keys:
        Preference.objects.update_or_create(user=user, event=key, defaults={"mode": Mode.OFF})
    return keys
