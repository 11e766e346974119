"""The evaluation history (`EvaluationEvent`): one line per step of stages 2–4."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from challenges.models import Bid, Challenge
from entities.models import User

from .models import EvaluationEvent


def log_event(
    challenge: Challenge,
    action: str,
    *,
    by: User | None,
    subject: str = "",
    bid: Bid | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> EvaluationEvent:
    """Append a line to the challenge's evaluation history."""
    return EvaluationEvent.objects.create(
        challenge=challenge,
        action=action,
        actor=by,
        subject=subject[:255],
        bid=bid,
        reason=reason,
        at=now or timezone.now(),
    )
