"""Fixtures of the notification tests (the real-worker ones live in worker.py)."""

from __future__ import annotations

import smtplib

import pytest

from .mail_backends import FlakyBackend


@pytest.fixture
def flaky(settings):
    """Switch to an SMTP stand-in that fails `flaky.failures` times (with `flaky.error`)."""

    def reset() -> None:
        FlakyBackend.failures = 0
        FlakyBackend.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.FlakyBackend"
    reset()
    yield FlakyBackend
    reset()
