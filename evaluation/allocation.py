"""Review quorum and balanced reviewer allocation: pure functions, no database, no I/O.

- `quorum_gaps`: which bids have fewer submitted reviews than the panel's minimum.
- `suggest_allocation`: spread bids over the panel's reviewers so that every
  bid gets at least the quorum of reviewers where enough unconflicted ones
  exist, no conflicted pair is ever proposed, and the reviewers' loads differ
  as little as possible (the least-loaded eligible reviewer is taken first;
  bids with the fewest eligible reviewers are served first).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

Pair = tuple[int, int]  # (reviewer key, bid key)


@dataclass(frozen=True)
class QuorumGap:
    """A bid with fewer submitted reviews than the panel requires."""

    bid_id: int
    reviews: int
    needed: int

    @property
    def missing(self) -> int:
        return self.needed - self.reviews


def quorum_gaps(counts: Mapping[int, int], bid_ids: Iterable[int], minimum: int) -> list[QuorumGap]:
    """The bids (in the given order) whose submitted review count is below `minimum`."""
    return [
        QuorumGap(bid_id=bid_id, reviews=counts.get(bid_id, 0), needed=minimum)
        for bid_id in bid_ids
        if counts.get(bid_id, 0) < minimum
    ]


@dataclass(frozen=True)
class Allocation:
    """A proposed allocation: every pair (existing and new), the new ones, and bids left short."""

    pairs: frozenset[Pair]
    added: frozenset[Pair]
    short: Mapping[int, int] = field(default_factory=dict)  # bid → reviewers it still lacks

    def load(self, reviewer: int) -> int:
        return sum(1 for r, _ in self.pairs if r == reviewer)


def suggest_allocation(
    *,
    reviewers: Collection[int],
    bids: Collection[int],
    per_bid: int,
    conflicts: Collection[Pair] = (),
    existing: Collection[Pair] = (),
    base_load: Mapping[int, int] | None = None,
) -> Allocation:
    """Propose reviewers for each bid: at least `per_bid` where possible, loads balanced.

    Existing pairs are kept (unless conflicted, then they are neither kept nor
    counted); new pairs never join a reviewer to a bid they are in conflict
    with. `base_load` is each reviewer's work elsewhere (other panels), so
    busy reviewers are asked last. Deterministic: ties go to the lower key.
    """
    conflicted = set(conflicts)
    reviewer_set = set(reviewers)
    bid_set = set(bids)
    pairs = {
        (r, b)
        for r, b in existing
        if r in reviewer_set and b in bid_set and (r, b) not in conflicted
    }
    load = {r: (base_load or {}).get(r, 0) for r in reviewer_set}
    for r, _ in pairs:
        load[r] += 1

    def eligible(bid: int) -> list[int]:
        return [r for r in reviewer_set if (r, bid) not in conflicted and (r, bid) not in pairs]

    added: set[Pair] = set()
    short: dict[int, int] = {}
    # Bids with the fewest possible reviewers first, so scarce reviewers go where needed.
    for bid in sorted(bid_set, key=lambda b: (len(eligible(b)), b)):
        have = sum(1 for _, b in pairs if b == bid)
        need = max(per_bid - have, 0)
        chosen = sorted(eligible(bid), key=lambda r: (load[r], r))[:need]
        for r in chosen:
            pairs.add((r, bid))
            added.add((r, bid))
            load[r] += 1
        if len(chosen) < need:
            short[bid] = need - len(chosen)
    return Allocation(pairs=frozenset(pairs), added=frozenset(added), short=short)
