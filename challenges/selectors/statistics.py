"""Programme statistics of challenges and bids (read-only; a fixed number of queries).

Counts by country, sector, cooperation mode and state; the funnel from
submission to validation (from the challenges' own transition history); bids
per challenge. Only codes and numbers: labels are given in the reader's
language by the pages that show them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q

from ..enums import BidState, ChallengeState, CooperationMode
from ..models import Bid, Challenge, ChallengeTransition

#: The funnel's steps: (key, the challenge machine's action that reaches it).
FUNNEL = (
    ("posted", "submit"),
    ("listed", "publish"),
    ("evaluated", "close"),
    ("lead_assigned", "assign_lead"),
    ("validated", "validate"),
)
#: Buckets of the number of bids a challenge received (the last one is "or more").
BID_BUCKETS = (0, 1, 2, 3, 4, 5)


@dataclass
class ChallengeStatistics:
    """Counts of challenges (public ones, or every one past the draft for operators)."""

    total: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    by_country: dict[str, int] = field(default_factory=dict)
    by_sector: dict[str, int] = field(default_factory=dict)
    by_mode: dict[str, int] = field(default_factory=dict)
    funnel: list[tuple[str, int]] = field(default_factory=list)
    bids_total: int = 0
    #: (bucket, challenges): how many challenges received 0, 1, … 5 or more bids.
    bids_histogram: list[tuple[int, int]] = field(default_factory=list)


def _counted(values) -> dict[str, int]:
    return dict(Counter(v for v in values if v).most_common())


def challenge_statistics(*, public: bool = True) -> ChallengeStatistics:
    """The programme in numbers: three queries whatever the number of challenges."""
    challenges = Challenge.objects.exclude(state=ChallengeState.DRAFT)
    if public:
        challenges = challenges.filter(state__in=ChallengeState.public())
    rows = list(
        challenges.values_list(
            "pk", "state", "organization__country", "sector", "cooperation_modes"
        )
    )
    stats = ChallengeStatistics(total=len(rows))
    stats.by_state = _counted(row[1] for row in rows)
    stats.by_country = _counted(row[2] for row in rows)
    stats.by_sector = _counted(row[3] for row in rows)
    stats.by_mode = _counted(
        mode for row in rows for mode in (row[4] or []) if mode in CooperationMode.values
    )
    reached = dict(
        ChallengeTransition.objects.filter(action__in=[a for _k, a in FUNNEL])
        .values("action")
        .annotate(n=Count("challenge", distinct=True))
        .values_list("action", "n")
    )
    stats.funnel = [(key, reached.get(action, 0)) for key, action in FUNNEL]
    bids = dict(
        Bid.objects.filter(state__in=BidState.in_competition(), challenge__in=[r[0] for r in rows])
        .values("challenge_id")
        .annotate(n=Count("pk"))
        .values_list("challenge_id", "n")
    )
    stats.bids_total = sum(bids.values())
    closed = [r[0] for r in rows if r[1] not in (ChallengeState.SUBMITTED, ChallengeState.LISTED)]
    top = BID_BUCKETS[-1]
    histogram = Counter(min(bids.get(pk, 0), top) for pk in closed)
    stats.bids_histogram = [(bucket, histogram.get(bucket, 0)) for bucket in BID_BUCKETS]
    return stats


def bids_per_challenge(*, limit: int = 25) -> list[Challenge]:
    """Challenges open or under evaluation with their bid counts (`submitted`, `drafts`).

    For the programme office: one query.
    """
    return list(
        Challenge.objects.filter(state__in=[ChallengeState.LISTED, ChallengeState.EVALUATION])
        .select_related("organization")
        .annotate(
            submitted=Count("bids", filter=Q(bids__state__in=BidState.in_competition())),
            drafts=Count("bids", filter=Q(bids__state=BidState.DRAFT)),
        )
        .order_by("deadline", "pk")[:limit]
    )
