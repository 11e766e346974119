"""Conflicts of interest: declared by reviewers, found automatically from memberships."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from challenges.enums import BidState, ChallengeState
from challenges.models import Bid, Challenge
from core.formats import format_list
from entities.models import User
from notifications.services import notify

from .. import rules
from ..enums import (
    AssignmentStatus,
    EventAction,
    ReviewStatus,
)
from ..models import (
    ConflictDeclaration,
    Review,
    ReviewerAssignment,
)
from ._common import REVIEW_PERMISSION, _challenge_context, _log, _operators


# --------------------------------------------------------------------------- conflicts
def _grant_review(user: User, bid: Bid) -> None:
    assign_perm(REVIEW_PERMISSION, user, bid)


def _revoke_review(user: User, bid: Bid) -> None:
    remove_perm(REVIEW_PERMISSION, user, bid)


def _record_automatic_conflicts(
    assignment: ReviewerAssignment, *, now: dt.datetime | None = None
) -> list[ConflictDeclaration]:
    """Record a conflict for every bid whose applicant or partner the reviewer belongs to."""
    if assignment.reviewer_id is None or assignment.status != AssignmentStatus.ACTIVE:
        return []
    reviewer = assignment.reviewer
    challenge = assignment.panel.challenge
    recorded = []
    bids = Bid.objects.filter(
        challenge=challenge, state__in=[BidState.SUBMITTED, *rules.REVIEWABLE_BID_STATES]
    ).select_related("applicant")
    for bid in bids:
        organizations = rules.conflicting_organizations(reviewer, bid)
        if not organizations:
            continue
        declaration = ConflictDeclaration.objects.filter(assignment=assignment, bid=bid).first()
        if declaration is not None and declaration.automatic:
            continue
        explanation = _("Member of %(organizations)s.") % {
            "organizations": format_list(organizations)
        }
        if declaration is None:
            declaration = ConflictDeclaration(assignment=assignment, bid=bid)
        declaration.has_conflict = True
        declaration.automatic = True
        declaration.explanation = explanation
        declaration.declared_at = now or timezone.now()
        declaration.save()
        Review.objects.filter(assignment=assignment, bid=bid, status=ReviewStatus.DRAFT).delete()
        _revoke_review(reviewer, bid)
        _log(
            challenge,
            EventAction.CONFLICT_AUTOMATIC,
            by=None,
            subject=str(reviewer),
            bid=bid,
            reason=explanation,
            now=now,
        )
        recorded.append(declaration)
    return recorded


@transaction.atomic
def conflicts_detect(*, assignment: ReviewerAssignment) -> list[ConflictDeclaration]:
    """Check the reviewer's memberships against the challenge's bids again (idempotent)."""
    assignment = (
        ReviewerAssignment.objects.select_for_update(of=("self",))
        .select_related("panel__challenge", "reviewer")
        .get(pk=assignment.pk)
    )
    return _record_automatic_conflicts(assignment)


def conflicts_detect_for_challenge(change) -> None:
    """Transition effect of `close`: check every active reviewer against the bids now in review."""
    challenge = change.obj
    assignments = ReviewerAssignment.objects.filter(
        panel__challenge=challenge, status=AssignmentStatus.ACTIVE, reviewer__isnull=False
    ).select_related("panel__challenge", "reviewer")
    for assignment in assignments:
        _record_automatic_conflicts(assignment, now=change.now)


@transaction.atomic
def conflicts_detect_for_reviewer(*, reviewer: User) -> list[ConflictDeclaration]:
    """Check all of a reviewer's active assignments again (after a membership change)."""
    found: list[ConflictDeclaration] = []
    assignments = ReviewerAssignment.objects.filter(
        reviewer=reviewer, status=AssignmentStatus.ACTIVE
    ).select_related("panel__challenge", "reviewer")
    for assignment in assignments:
        found += _record_automatic_conflicts(assignment)
    return found


@transaction.atomic
def conflict_declare(
    *,
    assignment: ReviewerAssignment,
    bid: Bid,
    has_conflict: bool,
    explanation: str = "",
    by: User,
    now: dt.datetime | None = None,
) -> ConflictDeclaration:
    """The reviewer's declaration for one bid, made before the bid is shown to them.

    "No conflict" may later become "conflict" (while the review is not
    submitted; a draft is discarded), never the other way round. A reviewer
    who belongs to the applicant or a partner cannot declare "no conflict".
    """
    now = now or timezone.now()
    assignment = _lock_reviewer_assignment(assignment, by)
    challenge = assignment.panel.challenge
    bid = _bid_open_for_declaration(bid, challenge)
    explanation = (explanation or "").strip()
    automatic = _check_declaration(by, bid, has_conflict=has_conflict, explanation=explanation)
    declaration = _declaration_to_write(assignment, bid, has_conflict=has_conflict)
    declaration.has_conflict = has_conflict
    declaration.automatic = automatic
    declaration.explanation = explanation
    declaration.declared_at = now
    declaration.full_clean(exclude=["assignment", "bid"])
    declaration.save()
    if has_conflict:
        _conflict_declared(challenge, bid, by=by, explanation=explanation, now=now)
    else:
        _grant_review(by, bid)
        _log(challenge, EventAction.NO_CONFLICT_DECLARED, by=by, subject=str(by), bid=bid, now=now)
    return declaration


def _lock_reviewer_assignment(assignment: ReviewerAssignment, by: User) -> ReviewerAssignment:
    """The assignment, locked; refused unless it is `by`'s own active seat."""
    assignment = (
        ReviewerAssignment.objects.select_for_update(of=("self",))
        .select_related("panel__challenge", "reviewer")
        .get(pk=assignment.pk)
    )
    if assignment.reviewer_id != by.pk or assignment.status != AssignmentStatus.ACTIVE:
        raise ValidationError(_("You are not on the panel of this challenge."))
    return assignment


def _bid_open_for_declaration(bid: Bid, challenge: Challenge) -> Bid:
    """The bid, fresh; refused unless it is in the challenge's review and the review runs."""
    bid = Bid.objects.select_related("challenge", "applicant").get(pk=bid.pk)
    if bid.challenge_id != challenge.pk or bid.state not in rules.REVIEWABLE_BID_STATES:
        raise ValidationError(_("This bid is not part of your review assignment."))
    if challenge.state != ChallengeState.EVALUATION or bid.state != BidState.UNDER_REVIEW:
        raise ValidationError(_("The evaluation of this bid is over."))
    return bid


def _check_declaration(by: User, bid: Bid, *, has_conflict: bool, explanation: str) -> bool:
    """Refuse "no conflict" from a member of the competition, and a conflict without a word.

    Returns whether the conflict is automatic (found from the reviewer's memberships).
    """
    automatic = rules.has_automatic_conflict(by, bid)
    if automatic and not has_conflict:
        raise ValidationError(
            _(
                "You are a member of an organization taking part in this bid, so you have a "
                "conflict of interest and cannot review it."
            )
        )
    if has_conflict and not explanation and not automatic:
        raise ValidationError(
            {
                "explanation": _(
                    "Say briefly what the conflict is (it is only shown to the programme office)."
                )
            }
        )
    return automatic


def _declaration_to_write(
    assignment: ReviewerAssignment, bid: Bid, *, has_conflict: bool
) -> ConflictDeclaration:
    """A new declaration, or the earlier "no conflict" turning into a conflict (draft dropped)."""
    declaration = (
        ConflictDeclaration.objects.select_for_update()
        .filter(assignment=assignment, bid=bid)
        .first()
    )
    if declaration is None:
        return ConflictDeclaration(assignment=assignment, bid=bid)
    if declaration.has_conflict:
        raise ValidationError(
            _(
                "You have declared a conflict of interest for this bid. Ask the programme office if this was a mistake."
            )
        )
    if not has_conflict:
        raise ValidationError(_("You have already declared that you have no conflict of interest."))
    if Review.objects.filter(
        assignment=assignment, bid=bid, status=ReviewStatus.SUBMITTED
    ).exists():
        raise ValidationError(
            _("Your review of this bid is submitted. Tell the programme office about the conflict.")
        )
    Review.objects.filter(assignment=assignment, bid=bid).delete()
    return declaration


def _conflict_declared(
    challenge: Challenge, bid: Bid, *, by: User, explanation: str, now: dt.datetime
) -> None:
    """The bid is taken from the reviewer, the history notes it and the operators are told."""
    _revoke_review(by, bid)
    _log(
        challenge,
        EventAction.CONFLICT_DECLARED,
        by=by,
        subject=str(by),
        bid=bid,
        reason=explanation,
        now=now,
    )
    notify(
        _operators(),
        "review.conflict_declared",
        challenge,
        _challenge_context(
            challenge,
            reviewer=str(by),
            bid=str(bid.pk),
            url=reverse("evaluation:operator_challenge", args=[challenge.pk]),
        ),
    )
