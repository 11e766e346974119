"""Celery tasks of evaluation: they take ids, re-fetch, call a service and are idempotent."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError, transaction

from .services import decision

log = logging.getLogger(__name__)

#: Bids per feedback task: a challenge with 1,000 bids is told by 20 tasks.
FEEDBACK_CHUNK = 50


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def send_decision_feedback(bid_ids: list[int]) -> int:
    """E-mail each bid that was not selected its own feedback (a bid already told is skipped)."""
    return sum(decision.decision_feedback_send(bid_id=pk) for pk in bid_ids)


def queue_decision_feedback(bid_ids: list[int]) -> None:
    """Fan the losing bids' feedback out to the workers once the decision commits."""
    chunks = [bid_ids[i : i + FEEDBACK_CHUNK] for i in range(0, len(bid_ids), FEEDBACK_CHUNK)]

    def enqueue() -> None:
        for chunk in chunks:
            try:
                send_decision_feedback.delay(chunk)
            except Exception:  # noqa: BLE001 - a broker outage must not undo the decision
                log.warning("could not queue decision feedback for bids %s", chunk)

    transaction.on_commit(enqueue, robust=True)
