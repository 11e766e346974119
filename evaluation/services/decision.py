"""The decision: the lead is selected exactly once per challenge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from challenges.enums import BidState, ChallengeState
from challenges.lifecycle import BID, CHALLENGE, TransitionError
from challenges.models import Bid, Challenge
from core.transitions import Change, emit_events
from entities.models import User
from entities.rules import is_operator

from .. import selectors
from ..enums import EventAction
from ..models import Decision
from ..selectors.quorum import QuorumState, quorum_state
from ._common import VIEW_PERMISSION, _lock_challenge, _log


def _send_now(bid_ids: list[int]) -> None:
    for bid_id in bid_ids:
        decision_feedback_send(bid_id=bid_id)


#: Hands the losing bids' ids to the workers after the commit. `evaluation.apps`
#: sets it to the Celery fan-out (`evaluation.tasks.queue_decision_feedback`).
FEEDBACK_FAN_OUT: list[Callable[[list[int]], None]] = [_send_now]


def _fan_out_feedback(changes: list[Change]) -> None:
    ids = [change.obj.pk for change in changes]
    if ids:
        FEEDBACK_FAN_OUT[-1](ids)


def _already() -> str:
    return _("The lead for this challenge has already been selected. Nothing was changed.")


def _check_request(*, by: User, rationale: str) -> None:
    if not is_operator(by):
        raise ValidationError(_("Only the programme office selects the lead."))
    if not rationale:
        raise ValidationError(
            {
                "rationale": _(
                    "Write down why this bid is selected; the rationale is kept on record."
                )
            }
        )


def _lock_for_decision(challenge: Challenge, bid: Bid) -> tuple[Challenge, Bid]:
    """The challenge, locked and still undecided under evaluation, and the chosen bid."""
    locked = _lock_challenge(challenge)
    if Decision.objects.filter(challenge=locked).exists():
        raise ValidationError(_already())
    if locked.state != ChallengeState.EVALUATION:
        raise ValidationError(
            _(
                "The lead can only be selected while the challenge is under evaluation (it is “%(state)s”)."
            )
            % {"state": locked.get_state_display()}
        )
    winner = Bid.objects.select_related("applicant").filter(pk=bid.pk, challenge=locked).first()
    if winner is None or winner.state != BidState.UNDER_REVIEW:
        raise ValidationError({"bid": _("Choose one of the bids under review.")})
    return locked, winner


def quorum_refusal(state: QuorumState) -> str:
    """The message that names the bids short of reviews."""
    return _(
        "Each bid needs at least %(minimum)s submitted reviews before the lead is selected. "
        "Short of reviews: %(bids)s. Wait for the reviews, or write down why the decision "
        "cannot wait."
    ) % {"minimum": state.minimum, "bids": state.short_names()}


#: A reason to decide below the quorum is a sentence or two, not a placeholder.
QUORUM_OVERRIDE_MIN_CHARS = 20


def override_too_short() -> str:
    # The minimum is QUORUM_OVERRIDE_MIN_CHARS; the form shows the same message.
    return _(
        "Some bids have fewer submitted reviews than the panel requires. Explain in "
        "a sentence or two (20 characters or more) why the decision cannot wait."
    )


def _check_quorum(locked: Challenge, override: str) -> QuorumState:
    state = quorum_state(locked)
    if state.met:
        return state
    if not override:
        raise ValidationError({"quorum_override": quorum_refusal(state)})
    if len(override) < QUORUM_OVERRIDE_MIN_CHARS:
        raise ValidationError({"quorum_override": override_too_short()})
    return state


def _apply_decision(
    locked: Challenge,
    winner: Bid,
    *,
    rationale: str,
    by: User,
    now: dt.datetime,
    override: str = "",
) -> Decision:
    quorum = _check_quorum(locked, override)
    decision = Decision.objects.create(
        challenge=locked,
        bid=winner,
        rationale=rationale,
        # Computed afresh under the lock: the record must not come from a stale cache.
        ranking=[row.as_dict() for row in selectors.compute_ranking(locked.pk)],
        decided_by=by,
        decided_at=now,
        quorum_override=override if not quorum.met else "",
        short_of_reviews=quorum.as_records(),
    )
    # Each bidder is e-mailed its own feedback (rows in evaluation.lifecycle): the winner
    # now, the others by the workers (one bulk transition, whatever their number).
    BID.apply(winner, "select", by=by, reason=rationale, now=now)
    others = Bid.objects.filter(challenge=locked, state=BidState.UNDER_REVIEW).exclude(pk=winner.pk)
    BID.apply_many(list(others.only("pk")), "not_select", by=by, now=now, fan_out=_fan_out_feedback)
    CHALLENGE.apply(
        locked, "assign_lead", by=by, reason=rationale, now=now, quorum_override=override
    )
    # The demand entity works with the selected bid from now on.
    assign_perm(VIEW_PERMISSION, locked.organization.members_group, winner)
    _log(
        locked,
        EventAction.LEAD_SELECTED,
        by=by,
        subject=winner.applicant.legal_name,
        bid=winner,
        reason=rationale,
        now=now,
    )
    if not quorum.met:
        _log(
            locked,
            EventAction.QUORUM_OVERRIDDEN,
            by=by,
            subject=quorum.short_names(),
            reason=override,
            now=now,
        )
    return decision


def decision_create(
    *,
    challenge: Challenge,
    bid: Bid,
    rationale: str,
    by: User,
    quorum_override: str = "",
    now: dt.datetime | None = None,
) -> Decision:
    """Select the lead: exactly once per challenge, also under concurrent requests.

    In one transaction: lock the challenge row, refuse if a decision exists,
    record the `Decision` (unique per challenge and per bid), select the bid,
    mark the other bids under review not selected, move the challenge to
    `lead_assigned`, let the demand entity see the selected bid, and e-mail
    every bidder its own feedback. Refused while a bid has fewer submitted
    reviews than the panel's quorum, unless `quorum_override` gives the
    reason to go ahead (kept on the decision and in the history). The partial unique index
    `bid_one_selected_per_challenge` is the last line of defence.
    """
    now = now or timezone.now()
    rationale = (rationale or "").strip()
    _check_request(by=by, rationale=rationale)
    try:
        with transaction.atomic():
            locked, winner = _lock_for_decision(challenge, bid)
            return _apply_decision(
                locked,
                winner,
                rationale=rationale,
                by=by,
                now=now,
                override=(quorum_override or "").strip(),
            )
    except IntegrityError as exc:
        raise ValidationError(_already()) from exc
    except TransitionError as exc:
        if Decision.objects.filter(challenge_id=challenge.pk).exists():
            raise ValidationError(_already()) from exc
        raise


def decision_feedback_send(*, bid_id: int) -> bool:
    """E-mail a bid that was not selected its own feedback, once (idempotent).

    Re-creates the `not_select` change of the bid and sends the row's events
    (audience and feedback context from `evaluation.lifecycle`). Returns
    False, sending nothing, when the bid is not "not selected" or its
    bidder has already been told.
    """
    from notifications.models import Notification

    with transaction.atomic():
        bid = (
            Bid.objects.select_for_update(of=("self",))
            .select_related("challenge", "applicant")
            .filter(pk=bid_id)
            .first()
        )
        if bid is None or bid.state != BidState.NOT_SELECTED:
            return False
        told = Notification.objects.filter(
            event="decision.not_selected",
            content_type__app_label=Bid._meta.app_label,
            content_type__model=Bid._meta.model_name,
            object_id=str(bid.pk),
            # Since this decision: a reopened decision tells the bidder again.
            created_at__gte=bid.state_changed_at,
        )
        if told.exists():
            return False
        emit_events(
            Change(
                machine=BID,
                obj=bid,
                transition=BID["not_select"],
                from_state=BidState.UNDER_REVIEW,
                by=None,
                now=bid.state_changed_at,
                reason="",
            )
        )
    return True
