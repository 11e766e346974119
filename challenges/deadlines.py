"""Deadline control by the programme office: close bidding early, or extend the deadline.

Two rows of the challenge machine (added at start-up by `install()`), each
with a required reason: `close_early` (listed → evaluation; the deadline
becomes the closing time and submitted bids go to review, as at the normal
close) and `extend_deadline` (listed → listed with a later deadline). The
engine writes the transition history (who, when, why), the challenge's own
history keeps the old and new deadline, and everyone with a draft or a
submitted bid is e-mailed through the outbox.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.transitions import Actor, Change, Emit, TransitionError, row
from entities.models import User
from entities.rules import is_operator
from entities.selectors import organization_users

from .enums import BidState, ChallengeState
from .lifecycle import CHALLENGE, _start_review_of_submitted_bids, challenge_owners
from .models import Challenge


def _operator(user: Any, obj: Any) -> bool:
    return user is not None and is_operator(user)


def drafting_bidders(change: Change) -> list[User]:
    """Members of every organization with a draft or a submitted bid: the deadline concerns them."""
    bids = change.obj.bids.filter(state__in=[BidState.DRAFT, BidState.SUBMITTED])
    members = {
        user
        for bid in bids.select_related("applicant")
        for user in organization_users(bid.applicant)
    }
    return sorted(members, key=lambda u: u.pk)


def owners_and_drafting_bidders(change: Change) -> list[User]:
    return challenge_owners(change) + drafting_bidders(change)


def _deadline_context(change: Change) -> dict[str, Any]:
    deadline = change.obj.deadline
    return {
        "deadline": deadline.isoformat() if deadline else "",
        "previous": change.data.get("previous_deadline", ""),
    }


def _keep_previous(change: Change) -> None:
    deadline = change.obj.deadline
    change.data["previous_deadline"] = deadline.isoformat() if deadline else ""


def _guard_close_early(change: Change) -> None:
    """Before the deadline only; the deadline becomes now (the page shows when bidding closed)."""
    challenge = change.obj
    if challenge.deadline and challenge.deadline <= change.now:
        raise TransitionError(_("The deadline has already passed; bidding closes on its own."))
    _keep_previous(change)
    challenge.deadline = change.now


def _guard_extend_deadline(change: Change) -> None:
    """A new deadline, in the future and later than the current one."""
    challenge = change.obj
    new = change.data.get("deadline")
    if new is None or new <= change.now:
        raise TransitionError({"deadline": _("Choose a new deadline in the future.")})
    if challenge.deadline and new <= challenge.deadline:
        raise TransitionError(
            {"deadline": _("The new deadline must be later than the current one.")}
        )
    _keep_previous(change)
    challenge.deadline = new


S = ChallengeState
DEADLINE_ROWS = [
    row(
        "close_early",
        [S.LISTED],
        S.EVALUATION,
        Actor.OPERATOR,
        gettext_lazy("Close bidding early"),
        needs_reason=True,
        may=_operator,
        denied=gettext_lazy("Only the programme office closes bidding early."),
        guard=_guard_close_early,
        effects=[_start_review_of_submitted_bids],
        emits=[
            Emit("challenge.closed", challenge_owners),
            Emit("challenge.closed_early", drafting_bidders, context=_deadline_context),
        ],
    ),
    # Listed stays listed: the row records who moved the deadline, when and why.
    row(
        "extend_deadline",
        [S.LISTED],
        S.LISTED,
        Actor.OPERATOR,
        gettext_lazy("Extend the deadline"),
        needs_reason=True,
        may=_operator,
        denied=gettext_lazy("Only the programme office extends the deadline."),
        guard=_guard_extend_deadline,
        emits=[
            Emit(
                "challenge.deadline_extended",
                owners_and_drafting_bidders,
                context=_deadline_context,
            )
        ],
    ),
]


def install() -> None:
    """Add the deadline rows to the challenge machine (once)."""
    if "close_early" not in CHALLENGE:
        CHALLENGE.extend(DEADLINE_ROWS)


def challenge_close_early(
    *, challenge: Challenge, reason: str, by: User, now: dt.datetime | None = None
) -> Challenge:
    """Close bidding now, before the deadline; submitted bids go to review."""
    return CHALLENGE.apply(challenge, "close_early", by=by, reason=reason, now=now)


def challenge_deadline_extend(
    *,
    challenge: Challenge,
    deadline: dt.datetime,
    reason: str,
    by: User,
    now: dt.datetime | None = None,
) -> Challenge:
    """Move the deadline later; bidders with a draft or a submitted bid are e-mailed."""
    if timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    return CHALLENGE.apply(
        challenge, "extend_deadline", by=by, reason=reason, now=now, deadline=deadline
    )
