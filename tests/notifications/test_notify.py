"""notify(): rows in the caller's transaction, e-mail only after the commit."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from notifications.events import UnknownEvent
from notifications.models import Delivery, DeliveryStatus, Notification
from notifications.services import notify
from tests.factories import UserFactory

from .helpers import VERIFIED_CONTEXT, later, sweep


def test_notify_committed_sends_one_email_per_recipient(
    owner, manager, org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify([owner, manager], "organization.verified", org, VERIFIED_CONTEXT)

    assert sorted(m.to[0] for m in mailoutbox) == [manager.email, owner.email]
    notification = Notification.objects.get(recipient=owner)
    assert notification.target == org
    assert notification.context == VERIFIED_CONTEXT
    assert notification.is_unread
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_notify_queues_nothing_before_commit(
    owner, org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([owner], "organization.verified", org, VERIFIED_CONTEXT)
        assert mailoutbox == []
    assert len(callbacks) == 1
    assert Delivery.objects.get().status == DeliveryStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_notify_in_committed_transaction_delivers(mailoutbox):
    user = UserFactory()
    with transaction.atomic():
        notify([user], "organization.verified", None, VERIFIED_CONTEXT)
        assert mailoutbox == []
    assert len(mailoutbox) == 1
    assert Delivery.objects.get().status == DeliveryStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_notify_in_rolled_back_transaction_sends_nothing(mailoutbox):
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([user], "organization.verified", None, VERIFIED_CONTEXT)
        raise RuntimeError("the change that caused it failed")
    assert mailoutbox == []
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    sweep()
    assert mailoutbox == []


def test_notify_address_without_account_gets_email_only(
    db, mailoutbox, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            ["New.Person@Example.org"],
            "organization.invitation",
            None,
            {
                "organization": "Mekong Institute",
                "role": "editor",
                "invited_by": "Olivia Owner",
                "expires_at": "2026-03-01T10:00:00+08:00",
                "url": "/invitations/abc/",
            },
        )
    notification = Notification.objects.get()
    assert notification.recipient is None
    assert notification.email == "New.Person@Example.org"
    (message,) = mailoutbox
    assert message.to == ["New.Person@Example.org"]
    assert message.extra_headers["Content-Language"] == settings.LANGUAGE_CODE
    assert "List-Unsubscribe" not in message.extra_headers
    assert "Editor" in message.body  # the role's label, not its value
    assert "2026" in message.body
    assert f"{settings.SITE_URL}/invitations/abc/" in message.body


def test_notify_address_of_existing_user_is_that_user(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="known@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify(["KNOWN@example.org", user], "organization.verified", None, VERIFIED_CONTEXT)
    assert Notification.objects.get().recipient == user
    assert len(mailoutbox) == 1


def test_notify_skips_inactive_users(db, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([user], "organization.verified", None, VERIFIED_CONTEXT) == []
    assert mailoutbox == []


def test_notify_unknown_event_fails_loudly_in_tests(owner):
    with pytest.raises(UnknownEvent):
        notify([owner], "organization.no_such_thing", None, {})


def test_notify_unknown_event_in_production_logs_and_sends_generic_text(
    owner, settings, monkeypatch, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    monkeypatch.setattr(settings, "TESTING", False)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        notify([owner], "organization.no_such_thing", None, {"url": "/x/"})
    assert "unknown notification event" in caplog.text
    (message,) = mailoutbox
    assert "new notification" in message.subject


def test_notify_missing_context_key_renders_empty_not_crash(
    owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify([owner], "organization.rejected", None, {"organization": "ACME"})
    (message,) = mailoutbox
    assert "ACME" in message.subject
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_notify_broker_down_keeps_row_pending_and_sweeper_sends_once(
    owner, org, mailoutbox, django_capture_on_commit_callbacks, monkeypatch, settings, caplog
):
    from kombu.exceptions import OperationalError

    from notifications import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.deliver, "apply_async", broker_down)
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        notify([owner], "organization.verified", org, VERIFIED_CONTEXT)  # does not raise
    assert "could not queue" in caplog.text
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert mailoutbox == []

    monkeypatch.undo()
    assert sweep()["deliveries"] == 0  # not stale yet: the task may still be on its way
    with later(settings.NOTIFICATIONS_STALE_AFTER + 1):
        assert sweep()["deliveries"] == 1
        sweep()
    assert len(mailoutbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 1
