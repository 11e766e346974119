"""Reopening the lead decision after an upheld appeal (issue 15, item 8).

Upholding an appeal does not change the selection by itself. The programme office then
reopens the decision, with reasons, through the machines' rows added here:

- the challenge goes from `lead_assigned` back to `evaluation` (`reopen_decision`);
- the selected and not-selected bids go back under review, in one bulk transition
  (`reconsider`), so the normal decision page (with its quorum rules) decides again;
- the old `Decision` is moved to `SupersededDecision`, with who reopened it, when and why;
- the upheld appeals are resolved (`resolve`) and no longer hold the validation back;
- the demand entity and every bidder are told (`decision.reopened`).

Refused once the validation has started, while an appeal is still unanswered, and when
no appeal is upheld. Each step is a line of the challenge's, the bids' and the
evaluation history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import remove_perm

from challenges.enums import BidState, ChallengeState
from challenges.lifecycle import BID, CHALLENGE, TransitionError, owners_and_bidders
from challenges.models import Challenge
from core.transitions import Actor, Change, Emit, row
from entities.models import User
from entities.rules import is_operator

from .appeals import APPEAL
from .enums import AppealState, EventAction
from .history import log_event
from .models import Appeal, Decision, SupersededDecision

VIEW_PERMISSION = "challenges.view_bid"


def reopen_refusal(challenge: Challenge) -> str | None:
    """Why the decision on `challenge` cannot be reopened now (None: it can)."""
    if challenge.state != ChallengeState.LEAD_ASSIGNED:
        return _(
            "The decision can only be reopened after the lead is selected and before the "
            "validation starts."
        )
    appeals = Appeal.objects.filter(challenge=challenge)
    if appeals.filter(state=AppealState.FILED).exists():
        return _("An appeal is still waiting for an answer: uphold or reject it first.")
    if not appeals.filter(state=AppealState.UPHELD).exists():
        return _("The decision can only be reopened when an appeal against it is upheld.")
    return None


def can_reopen_decision(user: Any, challenge: Challenge) -> bool:
    """Operators, when an appeal is upheld and the validation has not started."""
    return (
        user is not None
        and is_operator(user)
        and challenge.state == ChallengeState.LEAD_ASSIGNED
        and reopen_refusal(challenge) is None
    )


def _operator(user: Any, obj: Any) -> bool:
    return user is not None and is_operator(user)


# --------------------------------------------------------------------------- the challenge row
def _guard_reopen(change: Change) -> None:
    refusal = reopen_refusal(change.obj)
    if refusal:
        raise TransitionError(refusal)
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("bid__applicant")
        .filter(challenge=change.obj)
        .first()
    )
    if decision is None:
        raise TransitionError(_("This challenge has no decision to reopen."))
    change.data["decision"] = decision


def _supersede_decision(change: Change) -> None:
    """Move the decision to the record of superseded decisions (nothing is lost)."""
    decision: Decision = change.data["decision"]
    change.data["superseded"] = SupersededDecision.objects.create(
        challenge=change.obj,
        bid=decision.bid,
        rationale=decision.rationale,
        ranking=decision.ranking,
        decided_by=decision.decided_by,
        decided_at=decision.decided_at,
        quorum_override=decision.quorum_override,
        short_of_reviews=decision.short_of_reviews,
        superseded_by=change.by,
        superseded_at=change.now,
        reason=change.reason,
    )
    decision.delete()
    # The demand entity saw the selected bid because it was selected; not any more.
    remove_perm(VIEW_PERMISSION, change.obj.organization.members_group, decision.bid)


def _reconsider_bids(change: Change) -> None:
    decided = change.obj.bids.filter(state__in=[BidState.SELECTED, BidState.NOT_SELECTED])
    BID.apply_many(
        list(decided.order_by("pk").only("pk")),
        "reconsider",
        by=change.by,
        reason=change.reason,
        now=change.now,
    )


def _resolve_appeals(change: Change) -> None:
    upheld = Appeal.objects.filter(challenge=change.obj, state=AppealState.UPHELD).order_by("pk")
    for appeal in upheld:
        APPEAL.apply(appeal, "resolve", by=change.by, reason=change.reason, now=change.now)


def _log_reopened(change: Change) -> None:
    decision: Decision = change.data["decision"]
    log_event(
        change.obj,
        EventAction.DECISION_REOPENED,
        by=change.by,
        subject=decision.bid.applicant.legal_name,
        bid=decision.bid,
        reason=change.reason,
        now=change.now,
    )


REOPEN_ROW = row(
    "reopen_decision",
    [ChallengeState.LEAD_ASSIGNED],
    ChallengeState.EVALUATION,
    Actor.OPERATOR,
    gettext_lazy("Reopen the decision"),
    needs_reason=True,
    reason_prompt=gettext_lazy(
        "Explain why the decision is reopened; the reason is kept and sent to every bidder."
    ),
    may=_operator,
    denied=gettext_lazy("Only the programme office reopens a decision."),
    guard=_guard_reopen,
    effects=[_supersede_decision, _reconsider_bids, _resolve_appeals, _log_reopened],
    # After the effects: every bidder, now back under review, and the demand entity.
    emits=[Emit("decision.reopened", owners_and_bidders)],
)

RECONSIDER_ROW = row(
    "reconsider",
    [BidState.SELECTED, BidState.NOT_SELECTED],
    BidState.UNDER_REVIEW,
    Actor.OPERATOR,
    gettext_lazy("Back under review: the decision was reopened"),
    may=_operator,
)

RESOLVE_ROW = row(
    "resolve",
    [AppealState.UPHELD],
    AppealState.RESOLVED,
    Actor.OPERATOR,
    gettext_lazy("Resolve the appeal by reopening the decision"),
    may=_operator,
    denied=gettext_lazy("Only the programme office reopens a decision."),
)


def install() -> None:
    """Add the rows to the challenge, bid and appeal machines (once)."""
    for machine, transition in ((CHALLENGE, REOPEN_ROW), (BID, RECONSIDER_ROW)):
        if transition.action not in machine:
            machine.extend([transition])
    if RESOLVE_ROW.action not in APPEAL:
        APPEAL.extend([RESOLVE_ROW])


# --------------------------------------------------------------------------- the service
def decision_reopen(
    *, challenge: Challenge, reason: str, by: User, now: dt.datetime | None = None
) -> SupersededDecision:
    """Reopen the lead decision after an upheld appeal; returns the superseded record.

    One transaction: the challenge goes back to evaluation, the decided bids back under
    review, the decision is kept as superseded (who, when, why), the upheld appeals are
    resolved, and the demand entity and every bidder are notified. Raises
    `TransitionError` (nothing changed) for a non-operator, a missing reason, a challenge
    whose validation started, an unanswered appeal, or no upheld appeal.
    """
    with transaction.atomic():
        CHALLENGE.apply(challenge, "reopen_decision", by=by, reason=reason, now=now)
        return SupersededDecision.objects.filter(challenge=challenge).latest("superseded_at", "pk")
