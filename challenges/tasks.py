"""Periodic tasks of the challenges app. Idempotent: safe to run twice or concurrently."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone, translation

from core.multilingual import all_versions
from core.transitions import Change
from notifications.services import notify

from . import alerts, documents, lifecycle, privacy, selectors
from .enums import ChallengeState, DocumentKind
from .models import Challenge, DeadlineReminder

log = logging.getLogger(__name__)

# (kind, window start, window end) relative to now: each bid gets each reminder once.
REMINDERS = (
    ("7d", dt.timedelta(days=1), dt.timedelta(days=7)),
    ("1d", dt.timedelta(0), dt.timedelta(days=1)),
)


@shared_task(acks_late=True)
def close_due_challenges() -> int:
    """Move listed challenges whose deadline has passed to evaluation. Returns how many."""
    now = timezone.now()
    closed = 0
    due = Challenge.objects.filter(state=ChallengeState.LISTED, deadline__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        try:
            lifecycle.transition_challenge(Challenge(pk=pk), "close", by=None, now=now)
        except lifecycle.TransitionError:
            # Another run closed it first (or it was cancelled): nothing to do.
            continue
        closed += 1
    if closed:
        log.info("closed %s challenge(s) past their deadline", closed)
    return closed


@shared_task(acks_late=True)
def send_deadline_reminders() -> int:
    """Remind organizations with a draft bid 7 days and 1 day before the deadline (once each)."""
    now = timezone.now()
    sent = 0
    for kind, start, ahead in REMINDERS:
        challenges = Challenge.objects.filter(
            state=ChallengeState.LISTED, deadline__gt=now + start, deadline__lte=now + ahead
        ).select_related("organization")
        for challenge in challenges:
            for bid in selectors.draft_bids_needing_reminder(challenge, kind):
                try:
                    with transaction.atomic():
                        # The unique row is the "sent" mark: a second run fails here and skips.
                        DeadlineReminder.objects.create(challenge=challenge, bid=bid, kind=kind)
                        notify(
                            selectors.users_of(bid.applicant),
                            "challenge.deadline_reminder",
                            bid,
                            {
                                "challenge": all_versions(challenge, "title"),
                                # ISO: the event formats it in each reader's locale.
                                "deadline": challenge.deadline.isoformat(),
                                "days": ahead.days,
                                "url": bid.get_absolute_url(),
                            },
                        )
                except IntegrityError:
                    continue
                sent += 1
    return sent


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def notify_saved_searches(challenge_id: int) -> int:
    """Alert the saved searches a newly published challenge matches (idempotent)."""
    return alerts.saved_search_alerts_send(challenge_id=challenge_id)


def queue_saved_search_alerts(change: Change) -> None:
    """Effect of the challenge machine's `publish` row: fan the alerts out after commit."""
    challenge_id = change.obj.pk

    def enqueue() -> None:
        try:
            notify_saved_searches.delay(challenge_id)
        except Exception:  # noqa: BLE001 - a broker outage must never break publishing
            log.warning("could not queue saved-search alerts of challenge %s", challenge_id)

    transaction.on_commit(enqueue, robust=True)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def purge_retention() -> dict[str, int]:
    """The daily retention sweep (README "Privacy and personal data"); idempotent."""
    counts = privacy.retention_purge()
    log.info("retention sweep: %s", counts)
    return counts


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def render_bid_document(bid_id: int, kind: str, language: str) -> int | None:
    """Render and store a bid's document in `language` (idempotent: kept once rendered)."""
    bid = selectors.bid_detail(bid_id)
    if bid is None:
        return None
    document = documents.bid_document_get_or_render(bid=bid, kind=kind, language=language)
    return document.pk if document else None


def queue_bid_receipt(change: Change) -> None:
    """Effect of the bid machine's `submit` row: the receipt, in the submitter's language."""
    bid_id = change.obj.pk
    language = translation.get_language() or settings.LANGUAGE_CODE

    def enqueue() -> None:
        try:
            render_bid_document.delay(bid_id, DocumentKind.RECEIPT, language)
        except Exception:  # noqa: BLE001 - the receipt is also rendered on first download
            log.warning("could not queue the receipt of bid %s", bid_id, exc_info=True)

    transaction.on_commit(enqueue, robust=True)
