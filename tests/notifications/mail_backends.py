"""E-mail backends for the notification tests (also loaded by the real Celery worker)."""

from __future__ import annotations

import os
import smtplib
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FlakyBackend(LocmemBackend):
    """Locmem backend whose next `failures` sends raise `error` (an SMTP outage)."""

    failures = 0
    error: Exception = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise FlakyBackend.error
        return super().send_messages(messages)


class FileBackend(BaseEmailBackend):
    """One .eml file per message in EMAIL_FILE_PATH, written atomically so tests can count.

    Test hooks, driven by files so the test process can steer a running worker:
    - NOTIFICATIONS_TEST_SLOW_MARKER: while that file exists, each send first touches
      "<marker>.started" and then sleeps (a slow SMTP server, to kill the worker mid-send);
    - NOTIFICATIONS_TEST_FAILURES_FILE: holds a number; while it is above zero each send
      decrements it and fails with an SMTP error.
    """

    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)
        self.directory.mkdir(parents=True, exist_ok=True)

    def send_messages(self, messages):
        slow = os.environ.get("NOTIFICATIONS_TEST_SLOW_MARKER")
        if slow and os.path.exists(slow):
            Path(f"{slow}.started").touch()
            time.sleep(float(os.environ.get("NOTIFICATIONS_TEST_SLOW_SECONDS", "60")))
        failures = os.environ.get("NOTIFICATIONS_TEST_FAILURES_FILE")
        if failures and os.path.exists(failures):
            left = int(Path(failures).read_text() or 0)
            if left > 0:
                Path(failures).write_text(str(left - 1))
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed (test)")
        for message in messages:
            name = uuid.uuid4().hex
            partial = self.directory / f".{name}.tmp"
            partial.write_bytes(message.message().as_bytes())
            partial.rename(self.directory / f"{name}.eml")
        return len(messages)
