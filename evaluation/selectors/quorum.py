"""The review quorum: how many submitted reviews each bid has against the panel's minimum."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from challenges.models import Bid, Challenge

from ..allocation import quorum_gaps
from ..enums import DEFAULT_MIN_REVIEWS, AssignmentStatus, ReviewStatus
from ..models import Panel
from ..rules import REVIEWABLE_BID_STATES
from .ranking import ApplicantRef, BidRef


@dataclass(frozen=True)
class QuorumLine:
    bid: Bid | BidRef
    reviews: int
    needed: int
    met: bool

    @property
    def missing(self) -> int:
        return max(self.needed - self.reviews, 0)


@dataclass(frozen=True)
class QuorumState:
    """Each bid in review with its count of submitted reviews; `short` lists those below."""

    minimum: int
    lines: list[QuorumLine]

    @property
    def short(self) -> list[QuorumLine]:
        return [line for line in self.lines if not line.met]

    @property
    def met(self) -> bool:
        return not self.short

    @property
    def met_count(self) -> int:
        return len(self.lines) - len(self.short)

    def short_names(self) -> str:
        return ", ".join(
            f"{line.bid.applicant.legal_name} ({line.reviews}/{line.needed})" for line in self.short
        )

    def as_records(self) -> list[dict]:
        """What the decision keeps: the bids short of reviews at the time."""
        return [
            {
                "bid": line.bid.pk,
                "applicant": line.bid.applicant.legal_name,
                "reviews": line.reviews,
                "needed": line.needed,
            }
            for line in self.short
        ]


def quorum_minimum(challenge: Challenge) -> int:
    panel = Panel.objects.filter(challenge_id=challenge.pk).only("min_reviews").first()
    return panel.min_reviews if panel else DEFAULT_MIN_REVIEWS


def quorum_state(challenge: Challenge) -> QuorumState:
    """The quorum of every bid that went through review (2 queries)."""
    minimum = quorum_minimum(challenge)
    counted = Q(
        reviews__status=ReviewStatus.SUBMITTED,
        reviews__assignment__status=AssignmentStatus.ACTIVE,
    )
    # What a quorum line shows and records: the bid and its lead's name, as plain
    # values (a popular challenge has 1,000 bids: no model instance per bid).
    rows = list(
        Bid.objects.filter(challenge_id=challenge.pk, state__in=REVIEWABLE_BID_STATES)
        .annotate(submitted=Count("reviews", filter=counted))
        .order_by("pk")
        .values_list(
            "pk", "state", "submitted_at", "applicant_id", "applicant__legal_name", "submitted"
        )
    )
    bids = [
        (BidRef(pk, state, at, ApplicantRef(applicant, name)), submitted)
        for pk, state, at, applicant, name, submitted in rows
    ]
    counts = {bid.pk: submitted for bid, submitted in bids}
    gaps = {gap.bid_id: gap for gap in quorum_gaps(counts, counts, minimum)}
    return QuorumState(
        minimum=minimum,
        lines=[
            QuorumLine(bid=bid, reviews=submitted, needed=minimum, met=bid.pk not in gaps)
            for bid, submitted in bids
        ],
    )
