"""Interim notify(): replaced by the outbox implementation (issue 7)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction


def notify(recipients: Iterable, event: str, obj=None, context: dict | None = None) -> None:
    emails = sorted({r if isinstance(r, str) else r.email for r in recipients})
    subject = f"{event}"
    body = str(context or {})

    def _send() -> None:
        for email in emails:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])

    transaction.on_commit(_send)
