"""Balanced reviewer allocation: properties of the pure suggestion function."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from evaluation.allocation import suggest_allocation

reviewers_st = st.lists(st.integers(1, 40), min_size=1, max_size=12, unique=True)
bids_st = st.lists(st.integers(100, 160), min_size=0, max_size=15, unique=True)


@st.composite
def panels(draw):
    reviewers = draw(reviewers_st)
    bids = draw(bids_st)
    pairs = [(r, b) for r in reviewers for b in bids]
    conflicts = draw(st.sets(st.sampled_from(pairs), max_size=len(pairs))) if pairs else set()
    existing = draw(st.sets(st.sampled_from(pairs), max_size=len(pairs))) if pairs else set()
    per_bid = draw(st.integers(1, 6))
    return reviewers, bids, conflicts, existing, per_bid


@given(panels())
def test_no_conflicted_pair_is_ever_suggested(panel):
    reviewers, bids, conflicts, existing, per_bid = panel
    result = suggest_allocation(
        reviewers=reviewers, bids=bids, per_bid=per_bid, conflicts=conflicts, existing=existing
    )
    assert not (result.pairs & conflicts)
    assert result.added <= result.pairs
    assert (existing - conflicts) <= result.pairs


@given(panels())
def test_every_bid_reaches_the_quorum_or_is_reported_short(panel):
    reviewers, bids, conflicts, existing, per_bid = panel
    result = suggest_allocation(
        reviewers=reviewers, bids=bids, per_bid=per_bid, conflicts=conflicts, existing=existing
    )
    per = Counter(b for _, b in result.pairs)
    for bid in bids:
        eligible = sum(1 for r in reviewers if (r, bid) not in conflicts)
        assert per[bid] >= min(per_bid, eligible)
        if per[bid] < per_bid:
            assert result.short[bid] == per_bid - per[bid]
        else:
            assert bid not in result.short


@given(reviewers_st, bids_st, st.integers(1, 6))
def test_without_conflicts_loads_differ_by_at_most_one(reviewers, bids, per_bid):
    result = suggest_allocation(reviewers=reviewers, bids=bids, per_bid=per_bid)
    loads = [result.load(r) for r in reviewers]
    assert max(loads) - min(loads) <= 1
    # Nobody gets more than needed: each bid has exactly min(quorum, panel size) reviewers.
    per = Counter(b for _, b in result.pairs)
    assert all(per[b] == min(per_bid, len(reviewers)) for b in bids)


@given(panels())
def test_the_suggestion_is_deterministic(panel):
    reviewers, bids, conflicts, existing, per_bid = panel
    kwargs = {"per_bid": per_bid, "conflicts": conflicts, "existing": existing}
    first = suggest_allocation(reviewers=reviewers, bids=bids, **kwargs)
    again = suggest_allocation(reviewers=list(reversed(reviewers)), bids=bids[::-1], **kwargs)
    assert first.pairs == again.pairs


def test_busy_reviewers_elsewhere_are_asked_last():
    result = suggest_allocation(
        reviewers=[1, 2, 3, 4], bids=[10], per_bid=2, base_load={1: 5, 2: 5}
    )
    assert result.pairs == {(3, 10), (4, 10)}
