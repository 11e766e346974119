"""Dated moments of challenges: lead decisions, deadlines ahead (calendars and timelines)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from ..enums import ChallengeState
from ..models import Challenge, ChallengeTransition

#: The challenge machine's action that records the lead decision (a row evaluation adds).
DECIDE_ACTION = "assign_lead"


def has_question_deadline() -> bool:
    """Whether challenges carry a question deadline (the Q&A feature adds the field)."""
    return any(f.name == "question_deadline" for f in Challenge._meta.get_fields())


def decision_dates(challenge_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """Challenge id → when its lead was decided (one query)."""
    ids = list(challenge_ids)
    if not ids:
        return {}
    rows = (
        ChallengeTransition.objects.filter(challenge_id__in=ids, action=DECIDE_ACTION)
        .values("challenge_id")
        .annotate(at=Max("at"))
        .values_list("challenge_id", "at")
    )
    return dict(rows)


@dataclass(frozen=True)
class DatedItem:
    """One point on a timeline: what happens to which challenge, when."""

    kind: str  # "deadline", "questions" or "decision"
    at: dt.datetime
    challenge_id: int
    title: str


def timeline_items(
    *, days_back: int = 30, days_ahead: int = 90, now: dt.datetime | None = None, limit: int = 40
) -> list[DatedItem]:
    """Bidding and question deadlines ahead, and lead decisions of the recent past.

    At most three queries whatever the number of challenges.
    """
    now = now or timezone.now()
    start, end = now - dt.timedelta(days=days_back), now + dt.timedelta(days=days_ahead)
    listed = Challenge.objects.filter(state=ChallengeState.LISTED)
    items = [
        DatedItem("deadline", at, pk, title)
        for pk, title, at in listed.filter(deadline__gte=now, deadline__lte=end)
        .order_by("deadline")
        .values_list("pk", "title", "deadline")[:limit]
    ]
    if has_question_deadline():
        items += [
            DatedItem("questions", at, pk, title)
            for pk, title, at in listed.filter(
                question_deadline__gte=now, question_deadline__lte=end
            )
            .order_by("question_deadline")
            .values_list("pk", "title", "question_deadline")[:limit]
        ]
    items += [
        DatedItem("decision", at, pk, title)
        for pk, title, at in ChallengeTransition.objects.filter(
            action=DECIDE_ACTION,
            at__gte=start,
            at__lte=now,
            challenge__state__in=ChallengeState.public(),
        )
        .order_by("-at")
        .values_list("challenge_id", "challenge__title", "at")[:limit]
    ]
    return sorted(items, key=lambda item: item.at)
