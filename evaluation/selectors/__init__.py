"""Read queries for evaluation and validation. List queries run a fixed number of SQL queries."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import gettext as _

from challenges.enums import BidState, ChallengeState
from challenges.models import Bid, Challenge
from challenges.selectors import bid_detail
from entities.models import Organization, User

from .. import scoring
from ..enums import AssignmentStatus, EventAction, MilestoneState, ReviewStatus
from ..models import (
    BidAllocation,
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
)
from ..rules import REVIEWABLE_BID_STATES
from .nomination import nominable_members as nominable_members
from .nomination import nomination_of as nomination_of
from .ranking import RankingRow as RankingRow
from .ranking import cached_rubric as cached_rubric
from .ranking import cached_rubric_is_locked as cached_rubric_is_locked
from .ranking import compute_ranking as compute_ranking
from .ranking import invalidate_ranking as invalidate_ranking
from .ranking import ranking as ranking

OPERATOR_STATES = (
    ChallengeState.LISTED,
    ChallengeState.EVALUATION,
    ChallengeState.LEAD_ASSIGNED,
    ChallengeState.IN_VALIDATION,
    ChallengeState.VALIDATED,
    ChallengeState.FAILED_VALIDATION,
)


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT subquery (several joined Counts would multiply each other's rows)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# --------------------------------------------------------------------------- operators
def operator_challenges() -> QuerySet[Challenge]:
    """Challenges the programme office evaluates or validates, with their progress counts."""
    bids = Bid.objects.filter(challenge=OuterRef("pk"), state__in=REVIEWABLE_BID_STATES)
    reviewers = ReviewerAssignment.objects.filter(
        panel__challenge=OuterRef("pk"), status=AssignmentStatus.ACTIVE
    )
    reviews = Review.objects.filter(
        bid__challenge=OuterRef("pk"),
        status=ReviewStatus.SUBMITTED,
        assignment__status=AssignmentStatus.ACTIVE,
    )
    milestones = MilestoneValidation.objects.filter(challenge=OuterRef("pk"))
    submitted = Bid.objects.filter(challenge=OuterRef("pk"), state=BidState.SUBMITTED)
    # Open challenges appear once they have a panel or a submitted bid (panel or not).
    return (
        Challenge.objects.filter(state__in=OPERATOR_STATES)
        .filter(Q(state__in=OPERATOR_STATES[1:]) | Q(panel__isnull=False) | Exists(submitted))
        .select_related("organization")
        .annotate(
            bid_count=_count(bids) + _count(submitted),
            reviewer_count=_count(reviewers),
            review_count=_count(reviews),
            milestone_count=_count(milestones),
            accepted_count=_count(milestones.filter(state=MilestoneState.ACCEPTED)),
            has_panel=Exists(Panel.objects.filter(challenge=OuterRef("pk"))),
        )
        .order_by("state", "-state_changed_at", "pk")
    )


def challenge_for_operator(pk: int) -> Challenge | None:
    return (
        Challenge.objects.select_related("organization", "panel")
        .filter(pk=pk, state__in=OPERATOR_STATES)
        .first()
    )


def panel_of(challenge: Challenge) -> Panel | None:
    """The challenge's panel (no query when it was loaded with `select_related("panel")`)."""
    try:
        return challenge.panel
    except Panel.DoesNotExist:
        return None


def panel_assignments(challenge: Challenge) -> list[ReviewerAssignment]:
    """Everyone on (or invited to) the panel, with their progress, in one query."""
    reviews = Review.objects.filter(assignment=OuterRef("pk"))
    declarations = ConflictDeclaration.objects.filter(assignment=OuterRef("pk"))
    return list(
        ReviewerAssignment.objects.filter(panel__challenge=challenge)
        .exclude(status=AssignmentStatus.REMOVED)
        .select_related("reviewer", "nominated_by")
        .annotate(
            submitted_count=_count(reviews.filter(status=ReviewStatus.SUBMITTED)),
            draft_count=_count(reviews.filter(status=ReviewStatus.DRAFT)),
            conflict_count=_count(declarations.filter(has_conflict=True)),
            declared_count=_count(declarations),
        )
        .order_by("status", "assigned_at", "pk")
    )


def reviewer_pool(challenge: Challenge) -> QuerySet[User]:
    """Active reviewers who are not on the challenge's panel yet."""
    on_panel = ReviewerAssignment.objects.filter(
        panel__challenge=challenge, reviewer=OuterRef("pk")
    ).exclude(status=AssignmentStatus.REMOVED)
    return (
        User.objects.filter(is_active=True, is_reviewer=True)
        .exclude(Exists(on_panel))
        .order_by("full_name", "email")
    )


def rubric(challenge: Challenge) -> list[Criterion]:
    """The criteria in order, with their translations (shown in the reader's language)."""
    criteria = list(
        Criterion.objects.filter(challenge=challenge)
        .prefetch_related("translations")
        .order_by("order", "pk")
    )
    for criterion in criteria:
        criterion.challenge = challenge  # its original language, without a query each
    return criteria


def rubric_is_locked(challenge: Challenge) -> bool:
    """The rubric is frozen once any review of the challenge has been submitted."""
    return Review.objects.filter(bid__challenge=challenge, status=ReviewStatus.SUBMITTED).exists()


def criterion_specs(criteria: list[Criterion]) -> list[scoring.CriterionSpec]:
    return [
        scoring.CriterionSpec(key=c.pk, weight=c.weight, max_score=c.max_score) for c in criteria
    ]


def counted_reviews(challenge: Challenge, *, bid: Bid | None = None) -> list[Review]:
    """Submitted reviews that count: by reviewers still on the panel, with their scores."""
    queryset = Review.objects.filter(
        bid__challenge=challenge,
        status=ReviewStatus.SUBMITTED,
        assignment__status=AssignmentStatus.ACTIVE,
    )
    if bid is not None:
        queryset = queryset.filter(bid=bid)
    return list(queryset.prefetch_related("scores").order_by("submitted_at", "pk"))


def _review_input(review: Review) -> scoring.ReviewInput:
    return scoring.ReviewInput(
        review_id=review.pk,
        bid_id=review.bid_id,
        scores={s.criterion_id: s.value for s in review.scores.all() if s.value is not None},
    )


def bid_feedback(bid: Bid) -> list[dict[str, Any]]:
    """The bidder's own feedback: per-criterion means over the reviews, and the comments.

    Never names a reviewer and never mentions another bid. The last row is
    the overall score (0–100) with the reviewers' overall comments.
    """
    challenge = bid.challenge
    criteria = rubric(challenge)
    reviews = counted_reviews(challenge, bid=bid)
    if not reviews:
        return []
    inputs = [_review_input(r) for r in reviews]
    means = scoring.criterion_means(inputs, criterion_specs(criteria))
    comments: dict[int, list[str]] = {c.pk: [] for c in criteria}
    for review in reviews:
        for score in review.scores.all():
            if score.comment.strip() and score.criterion_id in comments:
                comments[score.criterion_id].append(score.comment.strip())
    rows = [
        {
            "criterion": criterion.name,
            "score": scoring.as_float(means[criterion.pk]),
            "max": criterion.max_score,
            "comment": "\n".join(f"– {c}" for c in comments[criterion.pk]),
        }
        for criterion in criteria
    ]
    try:
        total = scoring.panel_score(
            list(scoring.review_totals(inputs, criterion_specs(criteria)).get(bid.pk, []))
        )
    except (scoring.RubricError, ValueError):
        total = None
    overall = [r.overall_comment.strip() for r in reviews if r.overall_comment.strip()]
    rows.append(
        {
            "criterion": _("Overall (weighted, %(n)s reviews)") % {"n": len(reviews)},
            "score": scoring.as_float(total.score) if total else None,
            "max": 100,
            "comment": "\n".join(f"– {c}" for c in overall),
        }
    )
    return rows


def evaluation_history(challenge: Challenge) -> QuerySet[EvaluationEvent]:
    return EvaluationEvent.objects.filter(challenge=challenge).select_related("actor", "bid")


# The entries of the evaluation history shown on the validation page.
VALIDATION_EVENTS = (
    EventAction.LEAD_SELECTED,
    EventAction.QUORUM_OVERRIDDEN,
    EventAction.VALIDATION_STARTED,
    EventAction.MILESTONE_REPORTED,
    EventAction.MILESTONE_ACCEPTED,
    EventAction.MILESTONE_REJECTED,
    EventAction.VALIDATED,
    EventAction.VALIDATION_FAILED,
    EventAction.KPI_REPORTED,
    EventAction.KPI_CONFIRMED,
    EventAction.KPI_RETURNED,
)


def validation_history(challenge: Challenge) -> QuerySet[EvaluationEvent]:
    """The lead decision and everything that happened in the validation since."""
    return evaluation_history(challenge).filter(action__in=VALIDATION_EVENTS)


def decision_of(challenge: Challenge) -> Decision | None:
    return (
        Decision.objects.filter(challenge=challenge)
        .select_related("bid", "bid__applicant", "decided_by")
        .first()
    )


def lead_candidates(challenge: Challenge) -> QuerySet[Bid]:
    """The bids the lead may be chosen from: those still under review."""
    return Bid.objects.filter(challenge=challenge, state=BidState.UNDER_REVIEW).select_related(
        "applicant"
    )


# --------------------------------------------------------------------------- reviewers
def reviewer_bids(user: User, *, queryset: QuerySet[Bid] | None = None) -> QuerySet[Bid]:
    """Bids of the challenges on whose panels the user actively sits (the reviewer's list).

    Annotated with the user's own declaration (`my_conflict`: None, True or
    False) and review status (`my_review_status`).
    """
    if not user.is_authenticated:
        return Bid.objects.none()
    queryset = queryset if queryset is not None else Bid.objects.all()
    my_assignments = ReviewerAssignment.objects.filter(
        panel__challenge=OuterRef("challenge_id"), reviewer=user, status=AssignmentStatus.ACTIVE
    )
    declarations = ConflictDeclaration.objects.filter(bid=OuterRef("pk"), assignment__reviewer=user)
    reviews = Review.objects.filter(bid=OuterRef("pk"), assignment__reviewer=user)
    # Once the panel's allocation is confirmed, only the bids allocated to the user.
    panel_allocated = BidAllocation.objects.filter(
        assignment__panel__challenge=OuterRef("challenge_id")
    )
    mine = panel_allocated.filter(bid=OuterRef("pk"), assignment__reviewer=user)
    return (
        queryset.filter(state__in=REVIEWABLE_BID_STATES)
        .filter(Exists(my_assignments))
        .filter(~Exists(panel_allocated) | Exists(mine))
        .select_related("challenge", "applicant")
        .annotate(
            my_conflict=Subquery(declarations.values("has_conflict")[:1]),
            my_review_status=Subquery(reviews.values("status")[:1]),
        )
    )


def reviewer_bids_first(user: User, per_challenge: int) -> QuerySet[Bid]:
    """The first `per_challenge` bids of each of the user's panels (the review site's index).

    One query with a window function, however many bids the panels hold;
    the full, paginated list is the review site's bid list.
    """
    position = Window(
        RowNumber(),
        partition_by=[F("challenge_id")],
        order_by=[F("submitted_at").asc(), F("pk").asc()],
    )
    return (
        reviewer_bids(user)
        .annotate(position=position)
        .filter(position__lte=per_challenge)
        .order_by("submitted_at", "pk")
    )


def reviewer_assignments(user: User) -> QuerySet[ReviewerAssignment]:
    """The user's active panel seats, with how many bids each holds and how many are done."""
    bids = Bid.objects.filter(
        challenge=OuterRef("panel__challenge"), state__in=REVIEWABLE_BID_STATES
    )
    allocated = BidAllocation.objects.filter(assignment=OuterRef("pk"))
    panel_allocated = BidAllocation.objects.filter(assignment__panel=OuterRef("panel"))
    done = Review.objects.filter(assignment=OuterRef("pk"), status=ReviewStatus.SUBMITTED)
    conflicts = ConflictDeclaration.objects.filter(assignment=OuterRef("pk"), has_conflict=True)
    return (
        ReviewerAssignment.objects.filter(reviewer=user, status=AssignmentStatus.ACTIVE)
        .select_related("panel__challenge", "panel__challenge__organization")
        .annotate(
            bid_count=Case(
                When(Exists(panel_allocated), then=_count(allocated)),
                default=_count(bids),
            ),
            done_count=_count(done),
            conflict_count=_count(conflicts),
        )
    )


def other_reviews(bid: Bid, *, exclude: ReviewerAssignment) -> list[Review]:
    """The other submitted reviews of a bid (shown once the reviewer has submitted theirs)."""
    return list(
        Review.objects.filter(
            bid=bid, status=ReviewStatus.SUBMITTED, assignment__status=AssignmentStatus.ACTIVE
        )
        .exclude(assignment=exclude)
        .prefetch_related("scores")
        .order_by("submitted_at", "pk")
    )


def bid_for_review(pk: int) -> Bid | None:
    """The bid with everything the review page reads: the same query as the bid's own page."""
    return bid_detail(pk)


def invitation_for(token: str) -> ReviewerAssignment | None:
    """The reviewer invitation behind a link (only assignments made by e-mail invitation)."""
    return (
        ReviewerAssignment.objects.select_related(
            "panel__challenge", "panel__challenge__organization", "assigned_by"
        )
        .filter(token=token, invited_email__gt="")
        .first()
    )


# --------------------------------------------------------------------------- validation
def challenge_for_validation(pk: int) -> Challenge | None:
    return Challenge.objects.select_related("organization").filter(pk=pk).first()


def milestone_validations(challenge: Challenge) -> list[MilestoneValidation]:
    entries = MilestoneEntry.objects.select_related("by").prefetch_related("evidence")
    return list(
        MilestoneValidation.objects.filter(challenge=challenge)
        .select_related("milestone")
        .prefetch_related(Prefetch("entries", queryset=entries))
        .order_by("milestone__due_month", "milestone__order", "milestone__pk")
    )


def validation_for(pk: int) -> MilestoneValidation | None:
    return (
        MilestoneValidation.objects.select_related(
            "milestone",
            "milestone__bid",
            "milestone__bid__applicant",
            "challenge",
            "challenge__organization",
        )
        .filter(pk=pk)
        .first()
    )


def evidence_for(pk: int) -> MilestoneEvidence | None:
    return (
        MilestoneEvidence.objects.select_related("entry__validation__challenge")
        .filter(pk=pk)
        .first()
    )


def all_milestones_accepted(challenge: Challenge) -> bool:
    validations = MilestoneValidation.objects.filter(challenge=challenge)
    return validations.exists() and not validations.exclude(state=MilestoneState.ACCEPTED).exists()


def validation_todo(user: User, organization: Organization | None) -> dict[str, list]:
    """For the dashboard: milestones the active organization must report or decide."""
    if organization is None or not user.is_authenticated:
        return {"to_report": [], "to_decide": []}
    to_report = Q(
        milestone__bid__applicant=organization,
        milestone__bid__state=BidState.SELECTED,
        state__in=[MilestoneState.PENDING, MilestoneState.REJECTED],
    )
    to_decide = Q(challenge__organization=organization, state=MilestoneState.REPORTED)
    # One query for both lists (an organization has a handful of milestones in validation).
    rows = list(
        MilestoneValidation.objects.filter(challenge__state=ChallengeState.IN_VALIDATION)
        .filter(to_report | to_decide)
        .select_related("milestone", "milestone__bid", "challenge")
        .order_by("pk")[:200]
    )
    return {
        "to_report": [
            v
            for v in rows
            if v.milestone.bid.applicant_id == organization.pk
            and v.milestone.bid.state == BidState.SELECTED
            and v.state in (MilestoneState.PENDING, MilestoneState.REJECTED)
        ][:20],
        "to_decide": [
            v
            for v in rows
            if v.challenge.organization_id == organization.pk and v.state == MilestoneState.REPORTED
        ][:20],
    }
