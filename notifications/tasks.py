"""Celery tasks of the outbox: they take ids, call a service and are safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import selectors, services


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,  # the attempt counter on the row decides (NOTIFICATIONS_MAX_RETRIES)
)
def deliver(self, delivery_id: int) -> str:
    """Send one delivery; retried with backoff by Celery when the SMTP server fails."""
    result = services.delivery_send(delivery_id=delivery_id)
    # In-process (eager) runs leave the retry to the sweeper instead of blocking the request.
    if result.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=result.retry_in)
    return result.outcome


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=None
)
def send_digest(self, user_id: int) -> str:
    """Send one user's daily digest."""
    result = services.digest_send(user_id=user_id)
    if result.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=result.retry_in)
    return result.outcome


@shared_task(ignore_result=True)
def requeue_stale_deliveries() -> dict[str, int]:
    """Beat, every minute: queue again what a broker outage or a dead worker left behind."""
    sweep = services.deliveries_requeue_stale()
    return {
        "deliveries": services.enqueue_deliveries(sweep.delivery_ids),
        "digests": services.enqueue_digests(sweep.digest_user_ids),
        "given_up": sweep.given_up,
    }


@shared_task(ignore_result=True)
def send_daily_digests() -> int:
    """Beat, daily: one digest task per user with notifications waiting for it."""
    return services.enqueue_digests(selectors.digest_recipients_due())
