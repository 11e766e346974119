"""Write operations of evaluation (stage 2), lead assignment (3) and validation (4).

Services take keyword-only, typed arguments, run in a transaction, check
their rule again (views check first and answer 404), and raise
`django.core.exceptions.ValidationError` with a translated message when
something is not allowed; in that case nothing is changed. State changes of
challenges and bids go through `challenges.lifecycle`; every step here is
written to `EvaluationEvent` (or `MilestoneEntry`) and e-mailed with
`notifications.services.notify` (queued on commit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from challenges import lifecycle
from challenges.enums import BidState, ChallengeState
from challenges.models import Bid, Challenge
from entities.enums import MembershipRole
from entities.files import UploadInfo
from entities.models import Membership, Organization, User
from entities.rules import is_operator
from entities.selectors import operators, organization_users
from notifications.services import notify

from . import rules, scoring, selectors
from .enums import (
    ACTION_TO_KIND,
    DEFAULT_MAX_SCORE,
    DEFAULT_RUBRIC,
    MILESTONE_TRANSITIONS,
    AssignmentStatus,
    EventAction,
    MilestoneState,
    ReviewStatus,
)
from .models import (
    ConflictDeclaration,
    Criterion,
    Decision,
    EvaluationEvent,
    MilestoneEntry,
    MilestoneEvidence,
    MilestoneValidation,
    Panel,
    Review,
    ReviewerAssignment,
    Score,
)

REVIEW_PERMISSION = "challenges.review_bid"
VIEW_PERMISSION = "challenges.view_bid"


# --------------------------------------------------------------------------- helpers
def _members(organization: Organization, *, min_role: str | None = None) -> list[User]:
    return organization_users(organization, min_role=min_role)


def _operators() -> list[User]:
    return operators()


def _log(
    challenge: Challenge,
    action: str,
    *,
    by: User | None,
    subject: str = "",
    bid: Bid | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> EvaluationEvent:
    return EvaluationEvent.objects.create(
        challenge=challenge,
        action=action,
        actor=by,
        subject=subject[:255],
        bid=bid,
        reason=reason,
        at=now or timezone.now(),
    )


def _challenge_context(challenge: Challenge, **extra: Any) -> dict[str, Any]:
    return {
        "challenge": challenge.title,
        "organization": challenge.organization.legal_name,
        "url": challenge.get_absolute_url(),
        **extra,
    }


def _lock_challenge(challenge: Challenge) -> Challenge:
    return (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=challenge.pk)
    )


def _lock_panel(challenge: Challenge, *, for_change: bool = True) -> Panel:
    """The challenge's panel, locked; panels change only while bidding or evaluation runs."""
    panel = Panel.objects.select_for_update().filter(challenge_id=challenge.pk).first()
    if panel is None:
        raise ValidationError(_("Set up the review panel first."))
    challenge = Challenge.objects.select_related("organization").get(pk=challenge.pk)
    if for_change and challenge.state not in rules.PANEL_STATES:
        raise ValidationError(
            _("The panel can no longer be changed: the challenge is “%(state)s”.")
            % {"state": challenge.get_state_display()}
        )
    panel.challenge = challenge
    return panel


# --------------------------------------------------------------------------- panels and rubric
@transaction.atomic
def panel_create(*, challenge: Challenge, by: User) -> Panel:
    """Set up the challenge's review panel with the default rubric (idempotent)."""
    if not is_operator(by):
        raise ValidationError(_("Only the programme office sets up review panels."))
    return _panel_get_or_create(challenge, by=by)


def _panel_get_or_create(challenge: Challenge, *, by: User) -> Panel:
    challenge = _lock_challenge(challenge)
    existing = Panel.objects.filter(challenge=challenge).first()
    if existing is not None:
        return existing
    if challenge.state not in rules.PANEL_STATES:
        raise ValidationError(
            _("A review panel can only be set up while bidding or evaluation runs.")
        )
    panel = Panel.objects.create(challenge=challenge, created_by=by)
    for order, (name, guidance, weight) in enumerate(DEFAULT_RUBRIC):
        criterion = Criterion(
            challenge=challenge,
            name=str(name),
            guidance=str(guidance),
            weight=weight,
            max_score=DEFAULT_MAX_SCORE,
            order=order,
        )
        criterion.full_clean()
        criterion.save()
    _log(challenge, EventAction.PANEL_CREATED, by=by)
    return panel


def _rubric_summary(criteria: Iterable[Criterion]) -> str:
    return "; ".join(f"{c.name} {c.weight} % (0–{c.max_score})" for c in criteria)


@transaction.atomic
def rubric_save(
    *, challenge: Challenge, criteria: Sequence[Mapping[str, Any]], by: User
) -> list[Criterion]:
    """Replace the rubric with `criteria` (dicts: optional "id", name, guidance, weight, max_score).

    Allowed until the first review is submitted; weights must sum to 100.
    """
    if not is_operator(by):
        raise ValidationError(_("Only the programme office edits the rubric."))
    panel = _lock_panel(challenge)
    challenge = panel.challenge
    if selectors.rubric_is_locked(challenge):
        raise ValidationError(
            _("The rubric is locked: a reviewer has already submitted a review with it.")
        )
    rows = [dict(row) for row in criteria]
    if not rows:
        raise ValidationError(_("A rubric needs at least one criterion."))
    weights = []
    for row in rows:
        try:
            weights.append(int(row.get("weight") or 0))
        except (TypeError, ValueError):
            weights.append(0)
    if sum(weights) != scoring.TOTAL_WEIGHT:
        raise ValidationError(
            _("The weights must add up to 100; they add up to %(sum)s.") % {"sum": sum(weights)}
        )
    names = [str(row.get("name", "")).strip().lower() for row in rows]
    if len(set(names)) != len(names):
        raise ValidationError(_("Two criteria have the same name."))
    existing = {c.pk: c for c in Criterion.objects.filter(challenge=challenge)}
    kept: list[Criterion] = []
    for order, row in enumerate(rows):
        pk = row.get("id")
        criterion = existing.pop(int(pk), None) if pk else None
        if criterion is None:
            criterion = Criterion(challenge=challenge)
        criterion.name = str(row.get("name", "")).strip()
        criterion.guidance = str(row.get("guidance", "") or "").strip()
        criterion.weight = row.get("weight")
        criterion.max_score = row.get("max_score") or DEFAULT_MAX_SCORE
        criterion.order = order
        criterion.full_clean(exclude=["challenge"])
        kept.append(criterion)
    for gone in existing.values():
        gone.delete()
    for criterion in kept:
        criterion.save()
    _log(challenge, EventAction.RUBRIC_CHANGED, by=by, reason=_rubric_summary(kept))
    return kept


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
            "organizations": ", ".join(organizations)
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
    assignment = (
        ReviewerAssignment.objects.select_for_update(of=("self",))
        .select_related("panel__challenge", "reviewer")
        .get(pk=assignment.pk)
    )
    if assignment.reviewer_id != by.pk or assignment.status != AssignmentStatus.ACTIVE:
        raise ValidationError(_("You are not on the panel of this challenge."))
    bid = Bid.objects.select_related("challenge", "applicant").get(pk=bid.pk)
    challenge = assignment.panel.challenge
    if bid.challenge_id != challenge.pk or bid.state not in rules.REVIEWABLE_BID_STATES:
        raise ValidationError(_("This bid is not part of your review assignment."))
    if challenge.state != ChallengeState.EVALUATION or bid.state != BidState.UNDER_REVIEW:
        raise ValidationError(_("The evaluation of this bid is over."))
    explanation = (explanation or "").strip()
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
    declaration = (
        ConflictDeclaration.objects.select_for_update()
        .filter(assignment=assignment, bid=bid)
        .first()
    )
    if declaration is not None:
        if declaration.has_conflict:
            raise ValidationError(
                _(
                    "You have declared a conflict of interest for this bid. Ask the programme office if this was a mistake."
                )
            )
        if not has_conflict:
            raise ValidationError(
                _("You have already declared that you have no conflict of interest.")
            )
        if Review.objects.filter(
            assignment=assignment, bid=bid, status=ReviewStatus.SUBMITTED
        ).exists():
            raise ValidationError(
                _(
                    "Your review of this bid is submitted. Tell the programme office about the conflict."
                )
            )
        Review.objects.filter(assignment=assignment, bid=bid).delete()
    else:
        declaration = ConflictDeclaration(assignment=assignment, bid=bid)
    declaration.has_conflict = has_conflict
    declaration.automatic = automatic
    declaration.explanation = explanation
    declaration.declared_at = now
    declaration.full_clean(exclude=["assignment", "bid"])
    declaration.save()
    if has_conflict:
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
    else:
        _grant_review(by, bid)
        _log(challenge, EventAction.NO_CONFLICT_DECLARED, by=by, subject=str(by), bid=bid, now=now)
    return declaration


# --------------------------------------------------------------------------- reviewers
def _make_reviewer(user: User) -> None:
    if not user.is_reviewer:
        User.objects.filter(pk=user.pk).update(is_reviewer=True)
        user.is_reviewer = True


def _notify_assigned(assignment: ReviewerAssignment) -> None:
    challenge = assignment.panel.challenge
    notify(
        [assignment.reviewer],
        "review.assigned",
        challenge,
        _challenge_context(challenge, url=reverse("review:index")),
    )


@transaction.atomic
def reviewer_assign(
    *,
    challenge: Challenge,
    reviewer: User,
    by: User,
    nominated_by: Organization | None = None,
    now: dt.datetime | None = None,
) -> ReviewerAssignment:
    """Put an existing user on the panel; they get reviewer access (and nothing else)."""
    now = now or timezone.now()
    if nominated_by is None and not is_operator(by):
        raise ValidationError(_("Only the programme office assigns reviewers."))
    panel = _lock_panel(challenge)
    challenge = panel.challenge
    if not reviewer.is_active:
        raise ValidationError(_("This account is deactivated."))
    assignment = (
        ReviewerAssignment.objects.select_for_update()
        .filter(panel=panel, reviewer=reviewer)
        .first()
    )
    if assignment is not None and assignment.status == AssignmentStatus.ACTIVE:
        raise ValidationError(
            _("%(name)s is already on the panel.") % {"name": reviewer.get_full_name()}
        )
    _make_reviewer(reviewer)
    if assignment is None:
        assignment = ReviewerAssignment(panel=panel, reviewer=reviewer)
    assignment.status = AssignmentStatus.ACTIVE
    assignment.assigned_by = by
    assignment.assigned_at = now
    assignment.removed_at = None
    assignment.nominated_by = nominated_by
    assignment.full_clean(exclude=["panel", "reviewer"])
    assignment.save()
    assignment.panel = panel
    action = EventAction.REVIEWER_NOMINATED if nominated_by else EventAction.REVIEWER_ASSIGNED
    _log(challenge, action, by=by, subject=str(reviewer), now=now)
    _record_automatic_conflicts(assignment, now=now)
    _notify_assigned(assignment)
    return assignment


@transaction.atomic
def reviewer_invite(
    *, challenge: Challenge, email: str, by: User, now: dt.datetime | None = None
) -> ReviewerAssignment:
    """Invite someone by e-mail. With an account they are assigned at once; without one they
    get a link to create an account, which has reviewer access only."""
    if not is_operator(by):
        raise ValidationError(_("Only the programme office invites reviewers."))
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from exc
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return reviewer_assign(challenge=challenge, reviewer=user, by=by, now=now)
    now = now or timezone.now()
    panel = _lock_panel(challenge)
    challenge = panel.challenge
    if ReviewerAssignment.objects.filter(
        panel=panel, invited_email__iexact=email, status=AssignmentStatus.INVITED
    ).exists():
        raise ValidationError(
            {"email": _("An invitation to this address is already waiting for an answer.")}
        )
    assignment = ReviewerAssignment(
        panel=panel,
        invited_email=email,
        status=AssignmentStatus.INVITED,
        assigned_by=by,
        assigned_at=now,
    )
    assignment.full_clean(exclude=["panel"])
    assignment.save()
    _log(challenge, EventAction.REVIEWER_INVITED, by=by, subject=email, now=now)
    notify(
        [email],
        "review.invitation",
        challenge,
        _challenge_context(
            challenge,
            invited_by=str(by),
            url=reverse("evaluation:invitation", args=[assignment.token]),
        ),
    )
    return assignment


@transaction.atomic
def reviewer_invitation_accept(
    *, assignment: ReviewerAssignment, user: User, now: dt.datetime | None = None
) -> ReviewerAssignment:
    """The invited person, signed in with the invited address, joins the panel."""
    now = now or timezone.now()
    assignment = (
        ReviewerAssignment.objects.select_for_update(of=("self",))
        .select_related("panel__challenge")
        .get(pk=assignment.pk)
    )
    if assignment.status != AssignmentStatus.INVITED:
        raise ValidationError(_("This invitation has already been answered or withdrawn."))
    if user.email.lower() != assignment.invited_email.lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": assignment.invited_email}
        )
    challenge = assignment.panel.challenge
    if challenge.state not in rules.PANEL_STATES:
        raise ValidationError(_("The evaluation of this challenge is over."))
    _make_reviewer(user)
    existing = (
        ReviewerAssignment.objects.select_for_update()
        .filter(panel=assignment.panel, reviewer=user)
        .first()
    )
    if existing is not None:
        # Already on the panel (or removed earlier): the invitation folds into that seat.
        assignment.status = AssignmentStatus.REMOVED
        assignment.removed_at = now
        assignment.save(update_fields=["status", "removed_at"])
        if existing.status == AssignmentStatus.ACTIVE:
            return existing
        assignment = existing
        assignment.removed_at = None
    else:
        assignment.reviewer = user
    assignment.status = AssignmentStatus.ACTIVE
    assignment.accepted_at = now
    assignment.save()
    _log(challenge, EventAction.INVITATION_ACCEPTED, by=user, subject=str(user), now=now)
    _record_automatic_conflicts(assignment, now=now)
    return assignment


def reviewer_invitations_accept_for(*, user: User) -> list[ReviewerAssignment]:
    """Accept every open reviewer invitation addressed to the user's (verified) e-mail."""
    accepted = []
    for assignment in ReviewerAssignment.objects.filter(
        invited_email__iexact=user.email, status=AssignmentStatus.INVITED, reviewer__isnull=True
    ):
        try:
            accepted.append(reviewer_invitation_accept(assignment=assignment, user=user))
        except ValidationError:
            continue
    return accepted


@transaction.atomic
def reviewer_remove(
    *, assignment: ReviewerAssignment, by: User, reason: str = "", now: dt.datetime | None = None
) -> ReviewerAssignment:
    """Take a reviewer off the panel (or withdraw an invitation); their reviews stop counting."""
    now = now or timezone.now()
    if not is_operator(by):
        raise ValidationError(_("Only the programme office removes reviewers."))
    panel = _lock_panel(Challenge(pk=assignment.panel.challenge_id))
    assignment = ReviewerAssignment.objects.select_for_update().get(pk=assignment.pk, panel=panel)
    if assignment.status == AssignmentStatus.REMOVED:
        raise ValidationError(_("This reviewer is no longer on the panel."))
    was_active = assignment.status == AssignmentStatus.ACTIVE
    assignment.status = AssignmentStatus.REMOVED
    assignment.removed_at = now
    assignment.save(update_fields=["status", "removed_at"])
    challenge = panel.challenge
    if assignment.reviewer_id:
        for bid in Bid.objects.filter(challenge=challenge):
            _revoke_review(assignment.reviewer, bid)
    _log(
        challenge,
        EventAction.REVIEWER_REMOVED,
        by=by,
        subject=assignment.display_name,
        reason=(reason or "").strip(),
        now=now,
    )
    if was_active and assignment.reviewer_id:
        notify(
            [assignment.reviewer],
            "review.unassigned",
            challenge,
            _challenge_context(challenge, url=reverse("review:index")),
        )
    return assignment


@transaction.atomic
def reviewer_nominate(
    *, challenge: Challenge, member: User, by: User, now: dt.datetime | None = None
) -> ReviewerAssignment:
    """The demand entity puts one of its members on the panel (one nominee per challenge)."""
    challenge = Challenge.objects.select_related("organization").get(pk=challenge.pk)
    if not rules.can_nominate_reviewer(by, challenge):
        raise ValidationError(
            _("Only the owners and managers of the demand entity can nominate a reviewer.")
        )
    if not Membership.objects.filter(
        organization=challenge.organization, user=member, user__is_active=True
    ).exists():
        raise ValidationError({"member": _("Choose a member of your organization.")})
    _panel_get_or_create(challenge, by=by)
    panel = _lock_panel(challenge)
    if (
        ReviewerAssignment.objects.filter(panel=panel, nominated_by=challenge.organization)
        .exclude(status=AssignmentStatus.REMOVED)
        .exists()
    ):
        raise ValidationError(
            _("Your organization has already nominated a reviewer for this challenge.")
        )
    assignment = reviewer_assign(
        challenge=challenge, reviewer=member, by=by, nominated_by=challenge.organization, now=now
    )
    notify(
        _operators(),
        "review.nominated",
        challenge,
        _challenge_context(
            challenge,
            reviewer=str(member),
            url=reverse("evaluation:operator_challenge", args=[challenge.pk]),
        ),
    )
    return assignment


# --------------------------------------------------------------------------- reviews
ScoreInput = tuple[int | None, str]


@transaction.atomic
def review_save(
    *,
    assignment: ReviewerAssignment,
    bid: Bid,
    scores: Mapping[int, ScoreInput],
    overall_comment: str = "",
    by: User,
    submit: bool = False,
    now: dt.datetime | None = None,
) -> Review:
    """Save the reviewer's scores (criterion id → (score or None, comment)); `submit` locks them.

    A draft may leave scores empty; a submitted review needs every criterion
    scored within 0 … its maximum. A submitted review is never changed.
    """
    now = now or timezone.now()
    panel = Panel.objects.select_for_update().get(pk=assignment.panel_id)
    assignment = ReviewerAssignment.objects.select_related("reviewer").get(pk=assignment.pk)
    if assignment.reviewer_id != by.pk or assignment.status != AssignmentStatus.ACTIVE:
        raise ValidationError(_("You are not on the panel of this challenge."))
    bid = Bid.objects.select_related("challenge", "applicant").get(pk=bid.pk)
    if bid.challenge_id != panel.challenge_id:
        raise ValidationError(_("This bid is not part of your review assignment."))
    review = Review.objects.select_for_update().filter(assignment=assignment, bid=bid).first()
    if review is not None and review.is_submitted:
        raise ValidationError(
            _("This review has been submitted and is locked; it cannot be changed.")
        )
    if not rules.can_score_bid(by, bid):
        raise ValidationError(
            _(
                "This bid cannot be scored: declare that you have no conflict of interest first, while the evaluation runs."
            )
        )
    criteria = selectors.rubric(bid.challenge)
    known = {c.pk for c in criteria}
    errors: dict[str, list[str]] = {}
    unknown = set(scores) - known
    if unknown:
        errors.setdefault("__all__", []).append(_("The rubric has changed; reload the page."))
    for criterion in criteria:
        value, _comment = scores.get(criterion.pk, (None, ""))
        if value is None:
            if submit:
                errors.setdefault(f"score_{criterion.pk}", []).append(
                    _("Score “%(name)s” before submitting.") % {"name": criterion.name}
                )
            continue
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not 0 <= value <= criterion.max_score
        ):
            errors.setdefault(f"score_{criterion.pk}", []).append(
                _("“%(name)s” is scored from 0 to %(max)s.")
                % {"name": criterion.name, "max": criterion.max_score}
            )
    if submit and scoring.weights_problems(c.weight for c in criteria):
        errors.setdefault("__all__", []).append(
            _(
                "The rubric is not complete yet (its weights do not add up to 100). Ask the programme office."
            )
        )
    if errors:
        raise ValidationError(errors)
    if review is None:
        review = Review(assignment=assignment, bid=bid, created_at=now)
    review.overall_comment = (overall_comment or "").strip()
    review.updated_at = now
    if submit:
        review.status = ReviewStatus.SUBMITTED
        review.submitted_at = now
    review.full_clean(exclude=["assignment", "bid"])
    review.save()
    existing = {s.criterion_id: s for s in Score.objects.filter(review=review)}
    for criterion in criteria:
        value, comment = scores.get(criterion.pk, (None, ""))
        score = existing.get(criterion.pk) or Score(review=review, criterion=criterion)
        score.value = value
        score.comment = (comment or "").strip()
        score.full_clean(exclude=["review", "criterion"])
        score.save()
    if submit:
        challenge = bid.challenge
        _log(challenge, EventAction.REVIEW_SUBMITTED, by=by, subject=str(by), bid=bid, now=now)
        notify(
            _operators(),
            "review.submitted",
            challenge,
            _challenge_context(
                challenge,
                reviewer=str(by),
                url=reverse("evaluation:operator_challenge", args=[challenge.pk]),
            ),
        )
    return review


# --------------------------------------------------------------------------- the decision
def _notify_decision(challenge: Challenge, winner: Bid, others: Sequence[Bid]) -> None:
    """Every bidder hears the outcome with its own feedback only; the demand entity too."""
    for bid, event in [
        (winner, "decision.selected"),
        *[(o, "decision.not_selected") for o in others],
    ]:
        feedback = selectors.bid_feedback(bid) or _("No reviewer scored this bid.")
        notify(
            _members(bid.applicant),
            event,
            bid,
            {
                "challenge": challenge.title,
                "applicant": bid.applicant.legal_name,
                "url": bid.get_absolute_url(),
                "feedback": feedback,
            },
        )
    notify(
        _members(challenge.organization),
        "challenge.lead_assigned",
        challenge,
        _challenge_context(challenge, lead=winner.applicant.legal_name),
    )


def decision_create(
    *,
    challenge: Challenge,
    bid: Bid,
    rationale: str,
    by: User,
    now: dt.datetime | None = None,
) -> Decision:
    """Select the lead: exactly once per challenge, also under concurrent requests.

    In one transaction: lock the challenge row, refuse if a decision exists,
    record the `Decision` (unique per challenge and per bid), select the bid,
    mark the other bids under review not selected, move the challenge to
    `lead_assigned`, let the demand entity see the selected bid, and e-mail
    every bidder its own feedback. The partial unique index
    `bid_one_selected_per_challenge` is the last line of defence.
    """
    now = now or timezone.now()
    rationale = (rationale or "").strip()
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
    already = _("The lead for this challenge has already been selected. Nothing was changed.")
    try:
        with transaction.atomic():
            locked = _lock_challenge(challenge)
            if Decision.objects.filter(challenge=locked).exists():
                raise ValidationError(already)
            if locked.state != ChallengeState.EVALUATION:
                raise ValidationError(
                    _(
                        "The lead can only be selected while the challenge is under evaluation (it is “%(state)s”)."
                    )
                    % {"state": locked.get_state_display()}
                )
            winner = (
                Bid.objects.select_related("applicant").filter(pk=bid.pk, challenge=locked).first()
            )
            if winner is None or winner.state != BidState.UNDER_REVIEW:
                raise ValidationError({"bid": _("Choose one of the bids under review.")})
            snapshot = [row.as_dict() for row in selectors.ranking(locked)]
            decision = Decision(
                challenge=locked,
                bid=winner,
                rationale=rationale,
                ranking=snapshot,
                decided_by=by,
                decided_at=now,
            )
            decision.save()
            lifecycle.transition_bid(winner, "select", by=by, reason=rationale, now=now)
            others = list(
                Bid.objects.filter(challenge=locked, state=BidState.UNDER_REVIEW)
                .exclude(pk=winner.pk)
                .select_related("applicant")
                .order_by("pk")
            )
            for other in others:
                lifecycle.transition_bid(other, "not_select", by=by, now=now)
            lifecycle.transition_challenge(locked, "assign_lead", by=by, reason=rationale, now=now)
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
            _notify_decision(locked, winner, others)
    except IntegrityError as exc:
        raise ValidationError(already) from exc
    except lifecycle.TransitionError as exc:
        if Decision.objects.filter(challenge_id=challenge.pk).exists():
            raise ValidationError(already) from exc
        raise
    return decision


# --------------------------------------------------------------------------- validation
@transaction.atomic
def validation_start(
    *, challenge: Challenge, by: User, now: dt.datetime | None = None
) -> list[MilestoneValidation]:
    """Stage 4 begins: the selected bid's milestones wait for the lead's reports."""
    now = now or timezone.now()
    if not is_operator(by):
        raise ValidationError(_("Only the programme office starts the validation."))
    winner = rules.selected_bid(challenge)
    if winner is None:
        raise ValidationError(_("No bid has been selected for this challenge."))
    milestones = list(winner.milestones.all())
    if not milestones:
        raise ValidationError(_("The selected bid has no milestones to validate."))
    challenge = lifecycle.transition_challenge(challenge, "start_validation", by=by, now=now)
    validations = []
    for milestone in milestones:
        validation, _created = MilestoneValidation.objects.get_or_create(
            milestone=milestone, defaults={"challenge": challenge, "state_changed_at": now}
        )
        validations.append(validation)
    _log(challenge, EventAction.VALIDATION_STARTED, by=by, now=now)
    notify(
        _members(winner.applicant) + _members(challenge.organization),
        "validation.started",
        challenge,
        _challenge_context(
            challenge,
            lead=winner.applicant.legal_name,
            url=reverse("evaluation:validation", args=[challenge.pk]),
        ),
    )
    return validations


def _milestone_step(
    validation: MilestoneValidation, action: str, *, text: str, by: User, now: dt.datetime
) -> MilestoneEntry:
    transition = MILESTONE_TRANSITIONS[action]
    if validation.state not in transition.sources:
        raise ValidationError(
            _("This milestone is “%(state)s”; that cannot be done now.")
            % {"state": MilestoneState(validation.state).label}
        )
    if transition.needs_comment and not text:
        raise ValidationError({"comment": _("Say what is missing, so the lead team can fix it.")})
    entry = MilestoneEntry(
        validation=validation,
        kind=ACTION_TO_KIND[action],
        text=text,
        from_state=validation.state,
        to_state=transition.target,
        by=by,
        at=now,
    )
    entry.full_clean(exclude=["validation", "by"])
    entry.save()
    validation.state = transition.target
    validation.state_changed_at = now
    validation.save(update_fields=["state", "state_changed_at"])
    return entry


def _lock_validation(validation: MilestoneValidation) -> MilestoneValidation:
    # Challenge first (as lifecycle does), then the milestone: sign-off and decisions serialize.
    challenge = _lock_challenge(Challenge(pk=validation.challenge_id))
    locked = (
        MilestoneValidation.objects.select_for_update(of=("self",))
        .select_related("milestone", "milestone__bid", "milestone__bid__applicant")
        .get(pk=validation.pk)
    )
    locked.challenge = challenge
    return locked


def _validation_context(validation: MilestoneValidation, **extra: Any) -> dict[str, Any]:
    return {
        "challenge": validation.challenge.title,
        "milestone": validation.milestone.deliverable,
        "url": reverse("evaluation:validation", args=[validation.challenge_id])
        + f"#milestone-{validation.pk}",
        **extra,
    }


@transaction.atomic
def milestone_report(
    *,
    validation: MilestoneValidation,
    text: str,
    files: Sequence[tuple[Any, UploadInfo]] = (),
    by: User,
    now: dt.datetime | None = None,
) -> MilestoneEntry:
    """The lead reports progress on a milestone, with evidence files (checked uploads)."""
    now = now or timezone.now()
    validation = _lock_validation(validation)
    if not rules.can_report_milestone(by, validation):
        raise ValidationError(
            _("Only editors of the lead organization can report on this milestone now.")
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {"text": _("Describe what was delivered and how it meets the acceptance criterion.")}
        )
    entry = _milestone_step(validation, "report", text=text, by=by, now=now)
    for upload, info in files:
        evidence = MilestoneEvidence(entry=entry, uploaded_by=by)
        evidence.set_upload(upload, info)
        evidence.save()
    challenge = validation.challenge
    _log(
        challenge,
        EventAction.MILESTONE_REPORTED,
        by=by,
        subject=validation.milestone.deliverable,
        reason=text,
        now=now,
    )
    notify(
        _members(challenge.organization, min_role=MembershipRole.EDITOR),
        "milestone.reported",
        validation,
        _validation_context(validation),
    )
    return entry


@transaction.atomic
def milestone_decide(
    *,
    validation: MilestoneValidation,
    accept: bool,
    comment: str = "",
    by: User,
    now: dt.datetime | None = None,
) -> MilestoneEntry:
    """The demand entity accepts or rejects (with a comment) a reported milestone."""
    now = now or timezone.now()
    validation = _lock_validation(validation)
    if not rules.can_decide_milestone(by, validation):
        raise ValidationError(
            _("Only editors of the demand entity can accept or reject a reported milestone.")
        )
    comment = (comment or "").strip()
    if accept and not comment:
        comment = _("Accepted.")
    entry = _milestone_step(
        validation, "accept" if accept else "reject", text=comment, by=by, now=now
    )
    challenge = validation.challenge
    _log(
        challenge,
        EventAction.MILESTONE_ACCEPTED if accept else EventAction.MILESTONE_REJECTED,
        by=by,
        subject=validation.milestone.deliverable,
        reason=comment,
        now=now,
    )
    lead = validation.milestone.bid.applicant
    notify(
        _members(lead),
        "milestone.accepted" if accept else "milestone.rejected",
        validation,
        _validation_context(validation, comment=comment),
    )
    if accept and selectors.all_milestones_accepted(challenge):
        notify(
            _operators(),
            "validation.ready",
            challenge,
            _challenge_context(
                challenge, url=reverse("evaluation:validation", args=[challenge.pk])
            ),
        )
    return entry


@transaction.atomic
def validation_sign_off(
    *, challenge: Challenge, by: User, reason: str = "", now: dt.datetime | None = None
) -> Challenge:
    """The operator signs off once the demand entity has accepted every milestone → validated."""
    now = now or timezone.now()
    if not is_operator(by):
        raise ValidationError(_("Only the programme office signs off a validation."))
    locked = _lock_challenge(challenge)
    if not selectors.all_milestones_accepted(locked):
        raise ValidationError(
            _(
                "Every milestone must be accepted by the demand entity before the validation is signed off."
            )
        )
    locked = lifecycle.transition_challenge(
        locked, "validate", by=by, reason=(reason or "").strip(), now=now
    )
    _log(locked, EventAction.VALIDATED, by=by, reason=(reason or "").strip(), now=now)
    return locked


@transaction.atomic
def validation_fail(
    *, challenge: Challenge, by: User, reason: str, now: dt.datetime | None = None
) -> Challenge:
    """The operator records that the solution failed validation (a reason is required)."""
    now = now or timezone.now()
    if not is_operator(by):
        raise ValidationError(_("Only the programme office records a failed validation."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give a reason: it is recorded and sent to the people concerned.")}
        )
    locked = lifecycle.transition_challenge(
        challenge, "fail_validation", by=by, reason=reason, now=now
    )
    _log(locked, EventAction.VALIDATION_FAILED, by=by, reason=reason, now=now)
    return locked
