"""The life of challenges and bids: their transition tables, the one place states change.

`CHALLENGE` and `BID` are `core.transitions.Machine`s. Each row of their
tables says from which states an action leads where, who may take it, its
guard, the events it sends (with their audience) and its other effects; the
engine's writer locks the row, checks, writes the state, the history line and
the audit entry, and queues the events on commit. Nothing else assigns
`.state`. The evaluation app adds the rows of stages 3 and 4 (assign the
lead, start and sign off the validation) at start-up.

`transition_challenge` and `transition_bid` are the entry points.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.multilingual import all_versions
from core.transitions import (
    Actor,
    AlreadyDone,
    Change,
    Emit,
    Machine,
    TransitionError,
    row,
)
from entities.eligibility import EligibilityReport
from entities.models import User
from entities.rules import can_edit_content, is_operator
from entities.selectors import operators, organization_users, organizations_users
from entities.services import eligibility_record_create, eligibility_records_create
from notifications.services import notify

from .documents import bid_submission_sha256
from .enums import BidState, ChallengeState
from .models import Bid, BidTransition, Challenge, ChallengeTransition
from .prechecks import (
    Precheck,
    bid_missing,
    bid_precheck,
    bidding_problem,
    challenge_missing,
    challenge_precheck,
    load_for_submission,
)

__all__ = [
    "BID",
    "CHALLENGE",
    "AlreadyDone",
    "IneligibleError",
    "SubmissionRefused",
    "TransitionError",
    "bid_missing",
    "challenge_missing",
    "transition_bid",
    "transition_challenge",
]


class SubmissionRefused(TransitionError):
    """Submission refused by the pre-check; carries it (every reason at once)."""

    def __init__(self, precheck: Precheck):
        self.precheck = precheck
        self.report: EligibilityReport = precheck.report
        super().__init__(precheck.errors())


class IneligibleError(SubmissionRefused):
    """Submission refused by the eligibility rules (the applicant's or a partner's)."""


def _refuse(precheck: Precheck) -> None:
    if not precheck.report.eligible or precheck.partner_failures:
        raise IneligibleError(precheck)
    raise SubmissionRefused(precheck)


# --------------------------------------------------------------------------- who may
def _operator(user: Any, obj: Any) -> bool:
    return user is not None and is_operator(user)


def _system(user: Any, obj: Any) -> bool:
    """The beat task (no user) or an operator acting for it."""
    return user is None or is_operator(user)


def _challenge_editor(user: Any, challenge: Challenge) -> bool:
    return user is not None and can_edit_content(user, challenge.organization)


def _bid_editor(user: Any, bid: Bid) -> bool:
    return user is not None and can_edit_content(user, bid.applicant)


# --------------------------------------------------------------------------- audiences
def challenge_owners(change: Change) -> list[User]:
    return organization_users(change.obj.organization)


def programme_operators(change: Change) -> list[User]:
    return operators()


def bidders(change: Change) -> list[User]:
    """Members of every organization whose bid is in the competition."""
    members = {
        user
        for bid in change.obj.bids.filter(state__in=BidState.in_competition()).select_related(
            "applicant"
        )
        for user in organization_users(bid.applicant)
    }
    return sorted(members, key=lambda u: u.pk)


def owners_and_bidders(change: Change) -> list[User]:
    return challenge_owners(change) + bidders(change)


def applicant_members(change: Change) -> list[User]:
    return organization_users(change.obj.applicant)


def _partner_organization_ids(bid: Bid) -> list[int]:
    # The submit guard has the partners loaded already; other transitions ask once.
    partners = sorted(bid.partners.all(), key=lambda p: p.pk)
    return [p.organization_id for p in partners if p.organization_id]


def partner_members(change: Change) -> list[User]:
    return organizations_users(_partner_organization_ids(change.obj))


def applicant_and_partners(change: Change) -> list[User]:
    # Two queries whatever the number of partners.
    return organizations_users([change.obj.applicant_id, *_partner_organization_ids(change.obj)])


def applicant_partners_and_operators(change: Change) -> list[User]:
    return applicant_and_partners(change) + operators()


# --------------------------------------------------------------------------- contexts
def challenge_context(change: Change) -> dict[str, Any]:
    challenge = change.obj
    return {
        "challenge": all_versions(challenge, "title"),
        "organization": challenge.organization.legal_name,
        "url": challenge.get_absolute_url(),
        "reason": change.reason,
        "comment": change.reason,
    }


def bid_context(change: Change) -> dict[str, Any]:
    bid = change.obj
    return {
        "challenge": all_versions(bid.challenge, "title"),
        "applicant": bid.applicant.legal_name,
        "url": bid.get_absolute_url(),
        "reason": change.reason,
    }


# --------------------------------------------------------------------------- history
def history_line(log: type, owner: str):
    """The history line a change writes: who, when, from, to, why, the eligibility record."""

    def line(change: Change):
        return log(
            **{owner: change.obj},
            action=change.action,
            from_state=change.from_state,
            to_state=change.to_state,
            actor=change.by,
            at=change.now,
            reason=change.reason,
            eligibility_record=change.data.get("eligibility_record"),
        )

    return line


# --------------------------------------------------------------------------- challenge guards
def _guard_challenge_submit(change: Change) -> None:
    challenge = change.obj
    precheck = challenge_precheck(challenge, now=change.now)
    if not precheck.ready:
        _refuse(precheck)
    record = eligibility_record_create(
        organization=challenge.organization,
        report=precheck.report,
        context=f"challenge:{challenge.pk}",
    )
    challenge.eligibility_record = record
    challenge.submitted_at = change.now
    challenge.vetting_comment = ""
    change.data["eligibility_record"] = record


def _guard_challenge_publish(change: Change) -> None:
    challenge = change.obj
    if not challenge.deadline or challenge.deadline <= change.now:
        raise TransitionError(
            _(
                "The bidding deadline has passed. Return the challenge so the owner can set a new one."
            )
        )
    challenge.published_at = change.now


def _guard_vetting_comment(change: Change) -> None:
    change.obj.vetting_comment = change.reason


def _guard_challenge_close(change: Change) -> None:
    challenge = change.obj
    if challenge.deadline and challenge.deadline > change.now:
        raise TransitionError(_("Bidding cannot close before the deadline."))


def _start_review_of_submitted_bids(change: Change) -> None:
    """Bidding is over: submitted bids go to review, drafts stay drafts."""
    submitted = change.obj.bids.filter(state=BidState.SUBMITTED).order_by("pk")
    BID.apply_many(list(submitted), "start_review", by=None, now=change.now)


S = ChallengeState
CHALLENGE = Machine(
    name="challenge",
    model=Challenge,
    states=ChallengeState,
    refused=gettext_lazy(
        "A challenge that is “%(state)s” cannot be changed this way (%(action)s)."
    ),
    notify=notify,
    context=challenge_context,
    lock=lambda challenge: (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=challenge.pk)
    ),
    history=history_line(ChallengeTransition, "challenge"),
    transitions=[
        row(
            "submit",
            [S.DRAFT],
            S.SUBMITTED,
            Actor.OWNER,
            gettext_lazy("Submit for vetting"),
            may=_challenge_editor,
            guard=_guard_challenge_submit,
            emits=[Emit("challenge.submitted", programme_operators)],
        ),
        row(
            "withdraw",
            [S.DRAFT, S.SUBMITTED],
            S.WITHDRAWN,
            Actor.OWNER,
            gettext_lazy("Withdraw"),
            needs_reason=True,
            may=_challenge_editor,
        ),
        row(
            "publish",
            [S.SUBMITTED],
            S.LISTED,
            Actor.OPERATOR,
            gettext_lazy("Publish"),
            may=_operator,
            guard=_guard_challenge_publish,
            emits=[Emit("challenge.published", challenge_owners)],
        ),
        row(
            "return",
            [S.SUBMITTED],
            S.DRAFT,
            Actor.OPERATOR,
            gettext_lazy("Return for changes"),
            needs_reason=True,
            may=_operator,
            guard=_guard_vetting_comment,
            emits=[Emit("challenge.returned", challenge_owners)],
        ),
        row(
            "reject",
            [S.SUBMITTED],
            S.REJECTED,
            Actor.OPERATOR,
            gettext_lazy("Reject"),
            needs_reason=True,
            may=_operator,
            guard=_guard_vetting_comment,
            emits=[Emit("challenge.rejected", challenge_owners)],
        ),
        row(
            "close",
            [S.LISTED],
            S.EVALUATION,
            Actor.SYSTEM,
            gettext_lazy("Close bidding"),
            may=_system,
            guard=_guard_challenge_close,
            effects=[_start_review_of_submitted_bids],
            emits=[Emit("challenge.closed", challenge_owners)],
        ),
        row(
            "cancel",
            [S.LISTED, S.EVALUATION, S.LEAD_ASSIGNED],
            S.CANCELLED,
            Actor.OPERATOR,
            gettext_lazy("Cancel the challenge"),
            needs_reason=True,
            may=_operator,
            emits=[Emit("challenge.cancelled", owners_and_bidders)],
        ),
    ],
)


# --------------------------------------------------------------------------- bid guards
def _lock_bid(bid: Bid) -> Bid:
    # Always lock the challenge before the bid (the deadline task does the same): no deadlock.
    challenge = (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=bid.challenge_id)
    )
    locked = Bid.objects.select_for_update(of=("self",)).select_related("applicant").get(pk=bid.pk)
    locked.challenge = challenge
    return locked


def _guard_bid_submit(change: Change) -> None:
    bid = change.obj
    load_for_submission(bid)  # what the pre-check and the receipt's hash read, once
    precheck = bid_precheck(bid, now=change.now)
    if not precheck.ready:
        _refuse(precheck)
    # The lead's and every partner's snapshot in one INSERT, whatever their number.
    record, *partner_snapshots = eligibility_records_create(
        [(bid.applicant, precheck.report, f"bid:{bid.pk}")]
        + [
            (partner.organization, partner_report, f"bid:{bid.pk}:partner")
            for partner, partner_report in precheck.partner_reports
        ]
    )
    bid.eligibility_record = record
    bid.submitted_at = change.now
    # Printed on the receipt.
    bid.submission_sha256 = bid_submission_sha256(bid, partner_snapshots=partner_snapshots)
    change.data["eligibility_record"] = record


def _guard_bid_withdraw(change: Change) -> None:
    bid, challenge = change.obj, change.obj.challenge
    if bid.state == BidState.SUBMITTED and (
        challenge.state != ChallengeState.LISTED
        or (challenge.deadline and change.now >= challenge.deadline)
    ):
        raise TransitionError(_("A submitted bid can only be withdrawn before the deadline."))


def _guard_bid_reopen(change: Change) -> None:
    problem = bidding_problem(change.obj.challenge, change.now)
    if problem:
        raise TransitionError(problem)
    change.obj.submitted_at = None
    change.obj.eligibility_record = None
    change.obj.submission_sha256 = ""


def _bid_integrity_error(exc: IntegrityError) -> TransitionError:
    text = str(exc)
    # PostgreSQL names the constraint; SQLite names the columns (challenge only).
    if "bid_one_selected_per_challenge" in text or text.rstrip().endswith(
        "challenges_bid.challenge_id"
    ):
        return TransitionError(_("A lead has already been selected for this challenge."))
    return TransitionError(_("Your organization already has an active bid for this challenge."))


B = BidState
BID = Machine(
    name="bid",
    model=Bid,
    states=BidState,
    refused=gettext_lazy("A bid that is “%(state)s” cannot be changed this way (%(action)s)."),
    notify=notify,
    context=bid_context,
    lock=_lock_bid,
    integrity_error=_bid_integrity_error,
    history=history_line(BidTransition, "bid"),
    transitions=[
        row(
            "submit",
            [B.DRAFT],
            B.SUBMITTED,
            Actor.OWNER,
            gettext_lazy("Submit the bid"),
            may=_bid_editor,
            guard=_guard_bid_submit,
            emits=[Emit("bid.submitted", applicant_partners_and_operators)],
        ),
        row(
            "withdraw",
            [B.DRAFT, B.SUBMITTED],
            B.WITHDRAWN,
            Actor.OWNER,
            gettext_lazy("Withdraw"),
            needs_reason=True,
            may=_bid_editor,
            guard=_guard_bid_withdraw,
            emits=[Emit("bid.withdrawn", applicant_and_partners)],
        ),
        # Before the deadline a withdrawn bid may be reopened, changed and submitted again.
        row(
            "reopen",
            [B.WITHDRAWN],
            B.DRAFT,
            Actor.OWNER,
            gettext_lazy("Reopen as a draft"),
            may=_bid_editor,
            guard=_guard_bid_reopen,
        ),
        row(
            "start_review",
            [B.SUBMITTED],
            B.UNDER_REVIEW,
            Actor.SYSTEM,
            gettext_lazy("Start review"),
            may=_system,
        ),
        row(
            "mark_ineligible",
            [B.SUBMITTED, B.UNDER_REVIEW],
            B.INELIGIBLE,
            Actor.OPERATOR,
            gettext_lazy("Mark ineligible"),
            needs_reason=True,
            may=_operator,
            emits=[Emit("bid.ineligible", applicant_members)],
        ),
        row(
            "select",
            [B.UNDER_REVIEW],
            B.SELECTED,
            Actor.OPERATOR,
            gettext_lazy("Select as lead"),
            may=_operator,
        ),
        row(
            "not_select",
            [B.UNDER_REVIEW],
            B.NOT_SELECTED,
            Actor.OPERATOR,
            gettext_lazy("Not selected"),
            may=_operator,
        ),
    ],
)


# --------------------------------------------------------------------------- entry points
def transition_challenge(
    challenge: Challenge,
    action: str,
    *,
    by: User | None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Challenge:
    """Apply `action` to a challenge; raise TransitionError (nothing changed) if not allowed."""
    return CHALLENGE.apply(challenge, action, by=by, reason=reason, now=now)


def transition_bid(
    bid: Bid,
    action: str,
    *,
    by: User | None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Bid:
    """Apply `action` to a bid; raise TransitionError (nothing changed) if not allowed."""
    return BID.apply(bid, action, by=by, reason=reason, now=now)
