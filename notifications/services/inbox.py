"""The inbox (read marks) and e-mail preferences (per event, digest, unsubscribe)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..events import REGISTRY
from ..models import Mode, Notification, Preference
from ..rendering import ALL_OPTIONAL

log = logging.getLogger("notifications.services")


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
