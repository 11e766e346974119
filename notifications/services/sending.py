"""What the worker runs: claim a delivery (or a digest), send it, record the outcome."""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ..models import Delivery, DeliveryStatus, Mode
from ..rendering import build_digest_email, build_email
from .outbox import effective_mode, stored_modes

log = logging.getLogger("notifications.services")

# A queued task may arrive a little before `due_at` when clocks differ between hosts.
CLOCK_TOLERANCE = timedelta(seconds=5)
MAX_BACKOFF_SECONDS = 6 * 3600


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
