"""The ranking of a challenge's bids, computed in one pass over plain rows and cached.

Three queries of plain values (criteria, bids, scores of the counted
reviews), integer arithmetic per review (`scoring.scaled_total`), one exact
Fraction per aggregate (`scoring.panel_score_scaled`): no ORM object per
review or score, no scan of every review for each bid. The result is cached
per challenge (Django cache) under a stamp that `invalidate_ranking` renews
when a review is submitted, the rubric or the panel changes or a bid's state
changes (hooked in `evaluation.apps`).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from challenges.enums import BidState
from challenges.models import Bid, Challenge

from .. import scoring
from ..enums import AssignmentStatus, ReviewStatus
from ..models import Criterion, Review, Score
from ..rules import REVIEWABLE_BID_STATES

#: Seconds a computed ranking is kept; invalidation makes it stale long before.
RANKING_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class ApplicantRef:
    pk: int
    legal_name: str

    def __str__(self) -> str:
        return self.legal_name


@dataclass(frozen=True, eq=False)
class BidRef:
    """What the ranking shows of a bid (plain values: cached, never a model instance).

    Equal to the `Bid` (or `BidRef`) with the same primary key.
    """

    pk: int
    state: str
    submitted_at: Any
    applicant: ApplicantRef

    def __eq__(self, other: object) -> bool:
        if isinstance(other, BidRef | Bid):
            return self.pk == other.pk
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("bid", self.pk))

    def get_state_display(self) -> str:
        return str(BidState(self.state).label)

    def get_absolute_url(self) -> str:
        return reverse("challenges:bid_detail", args=[self.pk])


@dataclass
class RankingRow:
    """One line of the ranking table (exact values in `panel`, floats for display)."""

    rank: int
    bid: BidRef
    panel: scoring.PanelScore
    criterion_means: dict[int, float | None] = field(default_factory=dict)

    @property
    def score(self) -> float | None:
        return scoring.as_float(self.panel.score)

    @property
    def mean(self) -> float | None:
        return scoring.as_float(self.panel.mean)

    @property
    def trimmed_mean(self) -> float | None:
        return scoring.as_float(self.panel.trimmed_mean)

    @property
    def minimum(self) -> float | None:
        return scoring.as_float(self.panel.minimum)

    @property
    def maximum(self) -> float | None:
        return scoring.as_float(self.panel.maximum)

    @property
    def spread(self) -> float | None:
        return scoring.as_float(self.panel.spread)

    @property
    def stdev(self) -> float | None:
        return None if self.panel.stdev is None else round(self.panel.stdev, 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "bid": self.bid.pk,
            "applicant": self.bid.applicant.legal_name,
            "reviews": self.panel.count,
            "score": self.score,
            "mean": self.mean,
            "trimmed_mean": self.trimmed_mean,
            "spread": self.spread,
            "disagree": self.panel.disagree,
        }


def _specs(challenge_id: int) -> list[scoring.CriterionSpec]:
    rows = (
        Criterion.objects.filter(challenge_id=challenge_id)
        .order_by("order", "pk")
        .values_list("pk", "weight", "max_score")
    )
    return [scoring.CriterionSpec(key=k, weight=w, max_score=m) for k, w, m in rows]


def _bids(challenge_id: int) -> dict[int, BidRef]:
    rows = (
        Bid.objects.filter(challenge_id=challenge_id, state__in=REVIEWABLE_BID_STATES)
        .order_by("pk")
        .values_list("pk", "state", "submitted_at", "applicant_id", "applicant__legal_name")
    )
    return {
        pk: BidRef(pk, state, submitted, ApplicantRef(applicant_id, name))
        for pk, state, submitted, applicant_id, name in rows
    }


def _reviews(challenge_id: int) -> dict[int, tuple[int, dict[int, int | None]]]:
    """review id → (bid id, criterion id → score) of the submitted reviews that count."""
    rows = Score.objects.filter(
        review__bid__challenge_id=challenge_id,
        review__bid__state__in=REVIEWABLE_BID_STATES,
        review__status=ReviewStatus.SUBMITTED,
        review__assignment__status=AssignmentStatus.ACTIVE,
    ).values_list("review_id", "review__bid_id", "criterion_id", "value")
    reviews: dict[int, tuple[int, dict[int, int | None]]] = {}
    for review_id, bid_id, criterion_id, value in rows.iterator(chunk_size=5000):
        reviews.setdefault(review_id, (bid_id, {}))[1][criterion_id] = value
    return reviews


def _totals(reviews, specs) -> dict[int, list[int]]:
    """bid id → its reviews' scaled totals; empty when the rubric or a review is unusable."""
    totals: dict[int, list[int]] = defaultdict(list)
    try:
        scoring.check_rubric(specs)
        for bid_id, scores in reviews.values():
            totals[bid_id].append(scoring.scaled_total(scores, specs))
    except (scoring.RubricError, ValueError):
        return {}
    return totals


def _criterion_means(reviews, specs) -> dict[int, dict[int, float | None]]:
    sums: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    keys = {s.key for s in specs}
    for bid_id, scores in reviews.values():
        for key, value in scores.items():
            if key in keys and value is not None:
                cell = sums[bid_id][key]
                cell[0] += value
                cell[1] += 1
    means: dict[int, dict[int, float | None]] = {}
    for bid_id, per_key in sums.items():
        means[bid_id] = {
            key: scoring.as_float(Fraction(per_key[key][0], per_key[key][1]))
            if key in per_key
            else None
            for key in (s.key for s in specs)
        }
    return means


def compute_ranking(challenge_id: int) -> list[RankingRow]:
    """The bids ranked by their panel score (`scoring.rank_key`), uncached. 3 queries."""
    specs = _specs(challenge_id)
    bids = _bids(challenge_id)
    reviews = {k: v for k, v in _reviews(challenge_id).items() if v[0] in bids}
    scale = scoring.common_scale(specs)
    totals = _totals(reviews, specs)
    means = _criterion_means(reviews, specs)
    empty = {s.key: None for s in specs}
    scored = [
        (
            scoring.BidInput(bid_id=pk, submitted_at=bid.submitted_at),
            scoring.panel_score_scaled(totals.get(pk, ()), scale),
        )
        for pk, bid in bids.items()
    ]
    scored.sort(key=lambda pair: scoring.rank_key(*pair))
    return [
        RankingRow(
            rank=index,
            bid=bids[item.bid_id],
            panel=panel,
            criterion_means=means.get(item.bid_id, empty),
        )
        for index, (item, panel) in enumerate(scored, 1)
    ]


# --------------------------------------------------------------------------- cache
def _stamp_key(challenge_id: int) -> str:
    return f"evaluation:ranking:stamp:{challenge_id}"


def invalidate_ranking(challenge_id: int | None) -> None:
    """Make the cached ranking of a challenge stale (now and again once the change commits)."""
    if challenge_id is None:
        return

    def renew() -> None:
        cache.set(_stamp_key(challenge_id), time.time_ns(), None)

    renew()
    transaction.on_commit(renew)


def _cached(challenge_id: int, name: str, compute: Callable[[], Any]) -> Any:
    """`compute()`, cached under the challenge's current ranking stamp."""
    stamp = cache.get(_stamp_key(challenge_id))
    if stamp is None:
        stamp = time.time_ns()
        cache.add(_stamp_key(challenge_id), stamp, None)
        stamp = cache.get(_stamp_key(challenge_id), stamp)
    key = f"evaluation:ranking:{challenge_id}:{stamp}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, RANKING_CACHE_SECONDS)
    return value


def ranking(challenge: Challenge | int) -> RankingList:
    """The ranking of the challenge, from the cache when nothing changed since it was computed.

    Cached as plain tuples (`RankingList`): a page of 50 rows builds 50 objects,
    not 1,000.
    """
    challenge_id = getattr(challenge, "pk", challenge)
    packed = _cached(
        challenge_id, "packed", lambda: _pack(_for_display(compute_ranking(challenge_id)))
    )
    return RankingList(*packed)


_PANEL = ("count", "mean", "trimmed_mean", "score", "minimum", "maximum", "spread", "stdev")


def _pack(rows: list[RankingRow]) -> tuple[tuple, list[tuple]]:
    """(criterion keys, one tuple of plain values per row): cheap to pickle and load."""
    keys = tuple(rows[0].criterion_means) if rows else ()
    return keys, [
        (
            row.rank,
            (row.bid.pk, row.bid.state, row.bid.submitted_at),
            (row.bid.applicant.pk, row.bid.applicant.legal_name),
            tuple(getattr(row.panel, name) for name in _PANEL),
            (row.panel.disagree, row.panel.trimmed),
            tuple(row.criterion_means.get(key) for key in keys),
        )
        for row in rows
    ]


class RankingList(Sequence):
    """The cached ranking: rows are built only when read (a page, the first row…)."""

    def __init__(self, keys: tuple, packed: list[tuple]) -> None:
        self._keys = keys
        self._packed = packed

    def __len__(self) -> int:
        return len(self._packed)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self._row(item) for item in self._packed[index]]
        return self._row(self._packed[index])

    def _row(self, item: tuple) -> RankingRow:
        rank, (pk, state, submitted_at), applicant, panel, (disagree, trimmed), means = item
        return RankingRow(
            rank=rank,
            bid=BidRef(pk, state, submitted_at, ApplicantRef(*applicant)),
            panel=scoring.PanelScore(*panel, disagree=disagree, trimmed=trimmed),
            criterion_means=dict(zip(self._keys, means, strict=True)),
        )


_SHOWN = ("mean", "trimmed_mean", "score", "minimum", "maximum", "spread")


def _for_display(rows: list[RankingRow]) -> list[RankingRow]:
    """Rows whose aggregates are their display values (exactly rounded floats, not Fractions).

    The order is already decided exactly; floats make the cached list ten times
    faster to load (a pickled Fraction is re-parsed from text).
    """
    for row in rows:
        shown = {name: scoring.as_float(getattr(row.panel, name)) for name in _SHOWN}
        row.panel = replace(row.panel, **shown)
    return rows


def cached_rubric(challenge: Challenge) -> list[Criterion]:
    """The rubric, cached with the ranking (a criterion saved makes both stale)."""
    return _cached(
        challenge.pk,
        "rubric",
        lambda: list(Criterion.objects.filter(challenge=challenge).order_by("order", "pk")),
    )


def cached_rubric_is_locked(challenge: Challenge) -> bool:
    """Whether a review has been submitted (cached with the ranking; a review saved renews it)."""
    return _cached(
        challenge.pk,
        "locked",
        lambda: Review.objects.filter(
            bid__challenge=challenge, status=ReviewStatus.SUBMITTED
        ).exists(),
    )
