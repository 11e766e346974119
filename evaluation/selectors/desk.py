"""The evaluation desk's read side: reviewers' loads, conflicts and the allocation inputs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from challenges.enums import BidState, ChallengeState
from challenges.models import Bid, Challenge

from .. import allocation, rules
from ..enums import AssignmentStatus, ReviewStatus
from ..models import (
    Appeal,
    BidAllocation,
    ConflictDeclaration,
    Review,
    ReviewerAssignment,
    SupersededDecision,
)
from .quorum import quorum_minimum

# A reviewer's work on one panel, as the operator and the reviewer see it.
WORK_STATUS = {
    "assigned": _("Assigned"),
    "conflict": _("Conflict declared"),
    "in_progress": _("In progress"),
    "submitted": _("Submitted"),
}


def work_status(*, expected: int, submitted: int, drafts: int, conflicts: int) -> str:
    """Where a reviewer stands: every expected bid done (or excused by a conflict) is "submitted"."""
    if expected and submitted + conflicts >= expected and submitted:
        return "submitted"
    if submitted or drafts:
        return "in_progress"
    if conflicts:
        return "conflict"
    return "assigned"


@dataclass
class ReviewerLoad:
    """One reviewer of the panel with their work here and on every panel they sit on."""

    assignment: ReviewerAssignment
    panels: int = 0
    expected_all: int = 0
    submitted_all: int = 0
    expected_here: int = 0
    submitted_here: int = 0
    drafts_here: int = 0
    conflicts_here: list[int] = field(default_factory=list)  # bid ids
    automatic_conflict: bool = False

    @property
    def status(self) -> str:
        return work_status(
            expected=self.expected_here,
            submitted=self.submitted_here,
            drafts=self.drafts_here,
            conflicts=len(self.conflicts_here),
        )

    @property
    def status_label(self) -> str:
        return str(WORK_STATUS[self.status])


def _allocated_panels(panel_ids: set[int]) -> set[int]:
    return set(
        BidAllocation.objects.filter(assignment__panel_id__in=panel_ids)
        .values_list("assignment__panel_id", flat=True)
        .distinct()
    )


def _expected_counts(seats: list[ReviewerAssignment]) -> Counter:
    """assignment id → how many bids that seat is expected to review."""
    panel_ids = {s.panel_id for s in seats}
    allocated_panels = _allocated_panels(panel_ids)
    per_seat = Counter(
        BidAllocation.objects.filter(assignment__in=seats).values_list("assignment_id", flat=True)
    )
    per_challenge = Counter(
        Bid.objects.filter(
            challenge__panel__in=panel_ids, state__in=rules.REVIEWABLE_BID_STATES
        ).values_list("challenge__panel", flat=True)
    )
    return Counter(
        {
            s.pk: per_seat[s.pk] if s.panel_id in allocated_panels else per_challenge[s.panel_id]
            for s in seats
        }
    )


def reviewer_loads(challenge: Challenge) -> list[ReviewerLoad]:
    """The panel's active reviewers with their load across every open panel (a few queries)."""
    mine = list(
        ReviewerAssignment.objects.filter(
            panel__challenge=challenge, status=AssignmentStatus.ACTIVE, reviewer__isnull=False
        )
        .select_related("reviewer")
        .order_by("assigned_at", "pk")
    )
    reviewers = [a.reviewer_id for a in mine]
    seats = list(
        ReviewerAssignment.objects.filter(
            reviewer__in=reviewers,
            status=AssignmentStatus.ACTIVE,
            panel__challenge__state__in=[ChallengeState.LISTED, ChallengeState.EVALUATION],
        )
    )
    expected = _expected_counts(seats)
    reviews = Review.objects.filter(assignment__in=seats).values_list(
        "assignment_id", "assignment__reviewer_id", "status"
    )
    conflicts = ConflictDeclaration.objects.filter(
        assignment__in=mine, has_conflict=True
    ).values_list("assignment_id", "bid_id")
    loads = {a.pk: ReviewerLoad(assignment=a) for a in mine}
    by_reviewer = {a.reviewer_id: loads[a.pk] for a in mine}
    for seat in seats:
        load = by_reviewer[seat.reviewer_id]
        load.panels += 1
        load.expected_all += expected[seat.pk]
        if seat.pk in loads:
            load.expected_here = expected[seat.pk]
    for seat_id, reviewer_id, status in reviews:
        load = by_reviewer[reviewer_id]
        here = seat_id in loads
        if status == ReviewStatus.SUBMITTED:
            load.submitted_all += 1
            load.submitted_here += here
        elif here:
            load.drafts_here += 1
    for seat_id, bid_id in conflicts:
        loads[seat_id].conflicts_here.append(bid_id)
    return list(loads.values())


@dataclass
class AllocationPlan:
    """The suggestion shown to the operator: the grid of reviewers × bids and what is new."""

    loads: list[ReviewerLoad]
    bids: list[Bid]
    per_bid: int
    result: allocation.Allocation
    conflicts: frozenset[tuple[int, int]]
    existing: frozenset[tuple[int, int]]

    def cell(self, assignment_id: int, bid_id: int) -> str:
        pair = (assignment_id, bid_id)
        if pair in self.conflicts:
            return "conflict"
        if pair in self.result.added:
            return "new"
        if pair in self.result.pairs:
            return "kept"
        return ""

    @property
    def rows(self) -> list[tuple[ReviewerLoad, list[str], int]]:
        return [
            (
                load,
                [self.cell(load.assignment.pk, bid.pk) for bid in self.bids],
                self.result.load(load.assignment.pk),
            )
            for load in self.loads
        ]

    @property
    def short(self) -> list[tuple[Bid, int]]:
        return [
            (bid, self.result.short[bid.pk]) for bid in self.bids if bid.pk in self.result.short
        ]


def allocation_plan(challenge: Challenge) -> AllocationPlan:
    """Suggest reviewers for each bid under review: the quorum each, loads balanced."""
    loads = reviewer_loads(challenge)
    bids = list(
        Bid.objects.filter(challenge=challenge, state=BidState.UNDER_REVIEW)
        .select_related("applicant")
        .order_by("pk")
    )
    conflicts = set()
    for load in loads:
        # A member of any competing organization is in conflict with every bid.
        if bids and rules.has_automatic_conflict(load.assignment.reviewer, bids[0]):
            load.automatic_conflict = True
            conflicts |= {(load.assignment.pk, bid.pk) for bid in bids}
        conflicts |= {(load.assignment.pk, bid_id) for bid_id in load.conflicts_here}
    seats = [ld.assignment for ld in loads]
    # Confirmed allocations stay, and so does work a reviewer has already begun.
    existing = set(
        BidAllocation.objects.filter(assignment__in=seats, bid__in=bids).values_list(
            "assignment_id", "bid_id"
        )
    ) | set(
        Review.objects.filter(assignment__in=seats, bid__in=bids).values_list(
            "assignment_id", "bid_id"
        )
    )
    per_bid = quorum_minimum(challenge)
    result = allocation.suggest_allocation(
        reviewers=[ld.assignment.pk for ld in loads],
        bids=[b.pk for b in bids],
        per_bid=per_bid,
        conflicts=conflicts,
        existing=existing,
        base_load={ld.assignment.pk: ld.expected_all - ld.expected_here for ld in loads},
    )
    return AllocationPlan(
        loads=loads,
        bids=bids,
        per_bid=per_bid,
        result=result,
        conflicts=frozenset(conflicts),
        existing=frozenset(existing),
    )


def challenge_bid_counts(challenge: Challenge) -> dict[str, int]:
    """How many bids are drafts and how many are submitted (what a deadline change affects)."""
    counts = Counter(
        Bid.objects.filter(
            challenge=challenge, state__in=[BidState.DRAFT, BidState.SUBMITTED]
        ).values_list("state", flat=True)
    )
    return {"draft": counts[BidState.DRAFT], "submitted": counts[BidState.SUBMITTED]}


def challenge_appeals(challenge: Challenge) -> list[Appeal]:
    return list(
        Appeal.objects.filter(challenge=challenge)
        .select_related("bid__applicant")
        .order_by("filed_at", "pk")
    )


def superseded_decisions(challenge: Challenge) -> list[SupersededDecision]:
    """Decisions set aside when the programme office reopened them, newest first."""
    return list(
        SupersededDecision.objects.filter(challenge=challenge).select_related(
            "bid__applicant", "decided_by", "superseded_by"
        )
    )
