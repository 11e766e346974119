from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from notifications.tasks import requeue_stale_deliveries, send_daily_digests


def sweep() -> dict:
    """Run the beat sweeper once, in-process."""
    return requeue_stale_deliveries.apply().get()


def digests() -> int:
    return send_daily_digests.apply().get()


def later(seconds: float) -> time_machine.travel:
    """Travel `seconds` into the future (a context manager)."""
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=True)


VERIFIED_CONTEXT = {"organization": "Nanning Robotics Ltd", "url": "/organizations/1/"}
