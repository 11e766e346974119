"""Review progress per panel, for the programme office's dashboard (read-only, one query).

Expected reviews of a panel = active reviewers × bids under review, less the
(reviewer, bid) pairs with a declared or automatic conflict of interest;
submitted reviews count those of reviewers still on the panel.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef

from challenges.enums import ChallengeState
from challenges.models import Bid, Challenge

from ..enums import AssignmentStatus, ReviewStatus
from ..models import ConflictDeclaration, Panel, Review, ReviewerAssignment
from ..rules import REVIEWABLE_BID_STATES
from . import _count

#: Panels whose progress the dashboard shows: bidding open or under evaluation.
ACTIVE_PANEL_STATES = (ChallengeState.LISTED, ChallengeState.EVALUATION)


@dataclass(frozen=True)
class PanelProgress:
    challenge: Challenge
    bids: int
    reviewers: int
    conflicts: int
    submitted: int

    @property
    def expected(self) -> int:
        return max(self.reviewers * self.bids - self.conflicts, 0)

    @property
    def percent(self) -> int:
        """Submitted out of expected, 0–100 (0 when nothing is expected yet)."""
        if not self.expected:
            return 0
        return min(100, round(100 * self.submitted / self.expected))


def review_progress() -> list[PanelProgress]:
    """Every active panel with its review counts, soonest deadline first (one query)."""
    challenge = OuterRef("challenge_id")
    bids = Bid.objects.filter(challenge=challenge, state__in=REVIEWABLE_BID_STATES)
    seats = ReviewerAssignment.objects.filter(
        panel=OuterRef("pk"), status=AssignmentStatus.ACTIVE, reviewer__isnull=False
    )
    conflicts = ConflictDeclaration.objects.filter(
        assignment__panel=OuterRef("pk"),
        assignment__status=AssignmentStatus.ACTIVE,
        has_conflict=True,
        bid__state__in=REVIEWABLE_BID_STATES,
    )
    reviews = Review.objects.filter(
        assignment__panel=OuterRef("pk"),
        assignment__status=AssignmentStatus.ACTIVE,
        status=ReviewStatus.SUBMITTED,
        bid__state__in=REVIEWABLE_BID_STATES,
    )
    panels = (
        Panel.objects.filter(challenge__state__in=ACTIVE_PANEL_STATES)
        .select_related("challenge", "challenge__organization")
        .annotate(
            n_bids=_count(bids),
            n_seats=_count(seats),
            n_conflicts=_count(conflicts),
            n_reviews=_count(reviews),
        )
        .order_by("challenge__deadline", "pk")
    )
    return [
        PanelProgress(
            challenge=panel.challenge,
            bids=panel.n_bids,
            reviewers=panel.n_seats,
            conflicts=panel.n_conflicts,
            submitted=panel.n_reviews,
        )
        for panel in panels
    ]
