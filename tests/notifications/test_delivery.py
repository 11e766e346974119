"""The outbox worker side: claims, idempotency, retries, failures and the admin."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications import services
from notifications.models import Delivery, DeliveryStatus
from notifications.services import notify
from notifications.tasks import deliver

from .helpers import VERIFIED_CONTEXT, later, sweep


@pytest.fixture
def pending(owner, org, django_capture_on_commit_callbacks):
    """A committed-but-not-yet-delivered delivery (its on_commit callback discarded)."""
    with django_capture_on_commit_callbacks(execute=False):
        notify([owner], "organization.verified", org, VERIFIED_CONTEXT)
    return Delivery.objects.get()


def test_deliver_twice_sends_once(pending, mailoutbox):
    assert deliver.apply(args=[pending.pk]).get() == "sent"
    assert deliver.apply(args=[pending.pk]).get() == "not_claimed"
    assert len(mailoutbox) == 1
    pending.refresh_from_db()
    assert pending.status == DeliveryStatus.SENT
    assert pending.attempts == 1
    assert pending.sent_at is not None


def test_deliver_while_another_worker_holds_the_claim_does_nothing(pending, mailoutbox):
    Delivery.objects.filter(pk=pending.pk).update(
        status=DeliveryStatus.SENDING, claimed_until=timezone.now() + timedelta(minutes=5)
    )
    assert deliver.apply(args=[pending.pk]).get() == "not_claimed"
    assert mailoutbox == []


def test_expired_claim_is_requeued_by_the_sweeper_and_sent_once(pending, mailoutbox, settings):
    # A worker claimed it and died: the claim runs out, the sweeper queues it again.
    Delivery.objects.filter(pk=pending.pk).update(
        status=DeliveryStatus.SENDING,
        attempts=1,
        claimed_until=timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_CLAIM_LEASE),
    )
    assert sweep()["deliveries"] == 0
    with later(settings.NOTIFICATIONS_CLAIM_LEASE + 1):
        assert sweep()["deliveries"] == 1
        assert sweep()["deliveries"] == 0
    assert len(mailoutbox) == 1
    pending.refresh_from_db()
    assert (pending.status, pending.attempts) == (DeliveryStatus.SENT, 2)


def test_smtp_failing_twice_then_succeeding_sends_exactly_one_email(
    owner, org, flaky, mailoutbox, settings, django_capture_on_commit_callbacks
):
    flaky.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        notify([owner], "organization.verified", org, VERIFIED_CONTEXT)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "SMTPServerDisconnected" in delivery.last_error
    first_backoff = round((delivery.due_at - delivery.last_attempt_at).total_seconds())
    assert first_backoff == settings.NOTIFICATIONS_RETRY_BACKOFF

    assert sweep()["deliveries"] == 0  # not before its backoff
    wait = settings.NOTIFICATIONS_RETRY_BACKOFF + settings.NOTIFICATIONS_STALE_AFTER + 1
    with later(wait):
        sweep()
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 2)
        # exponential: the second wait is twice the first
        second_backoff = round((delivery.due_at - delivery.last_attempt_at).total_seconds())
        assert second_backoff == 2 * first_backoff
    with later(
        wait + 2 * settings.NOTIFICATIONS_RETRY_BACKOFF + settings.NOTIFICATIONS_STALE_AFTER
    ):
        sweep()
        sweep()
    assert len(mailoutbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.SENT,
        3,
        "",
    )


def test_smtp_failing_after_last_retry_marks_failed_with_the_error(
    pending, flaky, mailoutbox, settings
):
    settings.NOTIFICATIONS_MAX_RETRIES = 2
    settings.NOTIFICATIONS_RETRY_BACKOFF = 1
    settings.NOTIFICATIONS_STALE_AFTER = 0
    flaky.failures = 99
    deliver.apply(args=[pending.pk])
    for step in range(1, 4):
        with later(10 * step):
            sweep()
    pending.refresh_from_db()
    assert pending.status == DeliveryStatus.FAILED
    assert pending.attempts == 3  # the first attempt and two retries
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in pending.last_error
    with later(100):
        assert sweep()["deliveries"] == 0  # failed rows wait for an operator
    assert mailoutbox == []


def test_permanent_smtp_error_fails_at_once(pending, flaky, mailoutbox):
    flaky.failures = 1
    flaky.error = smtplib.SMTPRecipientsRefused({pending.address: (550, b"No such user")})
    deliver.apply(args=[pending.pk])
    pending.refresh_from_db()
    assert (pending.status, pending.attempts) == (DeliveryStatus.FAILED, 1)
    assert "550" in pending.last_error


def test_worker_dying_after_last_attempt_gives_up(pending, mailoutbox, settings):
    settings.NOTIFICATIONS_MAX_RETRIES = 1
    Delivery.objects.filter(pk=pending.pk).update(
        status=DeliveryStatus.SENDING,
        attempts=2,
        claimed_until=timezone.now() - timedelta(seconds=1),
    )
    assert sweep()["given_up"] == 1
    pending.refresh_from_db()
    assert pending.status == DeliveryStatus.FAILED
    assert "worker stopped" in pending.last_error


def test_failed_delivery_is_visible_in_admin_and_retry_now_sends_it(
    pending, operator, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    Delivery.objects.filter(pk=pending.pk).update(
        status=DeliveryStatus.FAILED, attempts=6, last_error="SMTPServerDisconnected: gone away"
    )
    client = client_for(operator)
    response = client.get("/admin/notifications/delivery/", {"status__exact": "failed"})
    assert response.status_code == 200
    assert "SMTPServerDisconnected: gone away" in response.content.decode()
    assert pending.address in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/notifications/delivery/",
            {"action": "retry_now", "_selected_action": [pending.pk]},
            follow=True,
        )
    assert "1 delivery queued again." in response.content.decode()
    pending.refresh_from_db()
    assert (pending.status, pending.attempts) == (DeliveryStatus.SENT, 1)
    assert len(mailoutbox) == 1


def test_admin_delivery_detail_and_notification_pages_render(pending, operator, client_for):
    client = client_for(operator)
    assert client.get(f"/admin/notifications/delivery/{pending.pk}/change/").status_code == 200
    notification = pending.notification
    url = f"/admin/notifications/notification/{notification.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.get("/admin/notifications/notification/").status_code == 200


def test_deactivated_recipient_is_skipped(pending, owner, mailoutbox):
    owner.is_active = False
    owner.save()
    assert deliver.apply(args=[pending.pk]).get() == "skipped"
    assert mailoutbox == []


def test_delivery_uses_the_current_address_of_the_user(pending, owner, mailoutbox):
    owner.email = "new-address@example.org"
    owner.save()
    deliver.apply(args=[pending.pk])
    assert mailoutbox[0].to == ["new-address@example.org"]


def test_email_headers_language_and_links(
    db, mailoutbox, settings, django_capture_on_commit_callbacks
):
    from tests.factories import UserFactory

    user = UserFactory(preferred_language="zh-hans", full_name="Li Wei")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [user],
            "decision.not_selected",
            None,
            {
                "challenge": "Rice <disease> detection",
                "url": "/challenges/7/",
                "feedback": [
                    {"criterion": "Feasibility", "score": 7, "max": 10, "comment": "Solid"},
                    {"criterion": "Team", "score": 4, "max": 5, "comment": ""},
                ],
            },
        )
    (message,) = mailoutbox
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.reply_to == settings.EMAIL_REPLY_TO
    assert message.extra_headers["Content-Language"] == "zh-hans"
    # decisions are mandatory: no unsubscribe
    assert "List-Unsubscribe" not in message.extra_headers
    assert "unsubscribe" not in message.body.lower()
    assert f"{settings.SITE_URL}/challenges/7/" in message.body
    assert "- Feasibility: 7/10 — Solid" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="zh-hans">' in html
    assert "Rice &lt;disease&gt; detection" in html  # escaped
    assert '<th scope="col"' in html and "Feasibility" in html


def test_optional_email_has_unsubscribe_link_and_header(
    owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [owner],
            "challenge.closed",
            None,
            {"challenge": "Smart ports", "url": "/challenges/3/"},
        )
    (message,) = mailoutbox
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and "/notifications/unsubscribe/" in header
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header.strip("<>") in message.body
    assert header.strip("<>") in message.alternatives[0][0]


def test_retry_backoff_is_capped(settings):
    settings.NOTIFICATIONS_RETRY_BACKOFF = 30
    assert services._backoff(1) == 30
    assert services._backoff(3) == 120
    assert services._backoff(40) == services.MAX_BACKOFF_SECONDS
