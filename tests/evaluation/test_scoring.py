"""evaluation.scoring: pure aggregation, checked with examples and hypothesis properties."""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation import scoring
from evaluation.scoring import BidInput, CriterionSpec

DEFAULT = [
    CriterionSpec(1, 30, 10),
    CriterionSpec(2, 20, 10),
    CriterionSpec(3, 20, 10),
    CriterionSpec(4, 20, 10),
    CriterionSpec(5, 10, 10),
]


# --------------------------------------------------------------------------- strategies
@st.composite
def rubrics(draw) -> list[CriterionSpec]:
    """Between 1 and 8 criteria whose positive integer weights sum to 100."""
    count = draw(st.integers(1, 8))
    cuts = sorted(
        draw(st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1, unique=True))
    )
    bounds = [0, *cuts, 100]
    weights = [b - a for a, b in zip(bounds, bounds[1:], strict=False)]
    maxima = draw(st.lists(st.integers(1, 20), min_size=count, max_size=count))
    return [
        CriterionSpec(i + 1, w, m) for i, (w, m) in enumerate(zip(weights, maxima, strict=True))
    ]


@st.composite
def rubric_and_scores(draw):
    rubric = draw(rubrics())
    scores = {c.key: draw(st.integers(0, c.max_score)) for c in rubric}
    return rubric, scores


totals = st.lists(st.integers(0, 100).map(Fraction) | st.fractions(0, 100), min_size=1, max_size=12)


# --------------------------------------------------------------------------- one review
def test_weighted_total_all_max_is_100_and_all_zero_is_0():
    assert scoring.weighted_total({c.key: c.max_score for c in DEFAULT}, DEFAULT) == 100
    assert scoring.weighted_total({c.key: 0 for c in DEFAULT}, DEFAULT) == 0


def test_weighted_total_weighs_each_criterion():
    scores = {1: 10, 2: 0, 3: 0, 4: 0, 5: 5}
    assert scoring.weighted_total(scores, DEFAULT) == 30 + 5


@given(rubric_and_scores())
def test_weighted_total_is_within_0_and_100(case):
    rubric, scores = case
    assert 0 <= scoring.weighted_total(scores, rubric) <= 100


@given(rubrics())
def test_weighted_total_of_full_marks_is_100_for_any_rubric(rubric):
    assert scoring.weighted_total({c.key: c.max_score for c in rubric}, rubric) == 100


@pytest.mark.parametrize("weights", [[30, 20, 20, 20], [30, 20, 20, 20, 20], [], [50, 50, 0]])
def test_weights_not_summing_to_100_are_refused(weights):
    rubric = [CriterionSpec(i, w, 10) for i, w in enumerate(weights)]
    assert scoring.weights_problems(weights)
    with pytest.raises(scoring.RubricError):
        scoring.weighted_total({c.key: 5 for c in rubric}, rubric)


@given(st.lists(st.integers(-50, 150), min_size=1, max_size=10))
def test_weights_problems_is_empty_exactly_when_positive_and_summing_to_100(weights):
    ok = all(w > 0 for w in weights) and sum(weights) == 100
    assert (scoring.weights_problems(weights) == []) == ok


@pytest.mark.parametrize("value", [-1, 11])
def test_score_out_of_bounds_is_refused(value):
    scores = {c.key: 5 for c in DEFAULT}
    scores[1] = value
    with pytest.raises(ValueError):
        scoring.weighted_total(scores, DEFAULT)


def test_missing_score_is_refused():
    with pytest.raises(ValueError):
        scoring.weighted_total({1: 5}, DEFAULT)


# --------------------------------------------------------------------------- one bid
def test_panel_score_is_the_mean_below_five_reviews():
    panel = scoring.panel_score([60, 70, 80, 90])
    assert panel.score == panel.mean == 75
    assert panel.trimmed_mean is None and not panel.trimmed


def test_panel_score_is_the_trimmed_mean_from_five_reviews():
    panel = scoring.panel_score([10, 60, 70, 80, 100])
    assert panel.trimmed and panel.trimmed_mean == 70
    assert panel.score == 70
    assert panel.mean == 64


def test_panel_score_without_reviews():
    panel = scoring.panel_score([])
    assert panel.count == 0 and panel.score is None and not panel.disagree


def test_disagreement_flag_uses_the_threshold():
    assert not scoring.panel_score([50, 50 + scoring.DISAGREEMENT_SPREAD - 1]).disagree
    assert scoring.panel_score([50, 50 + scoring.DISAGREEMENT_SPREAD]).disagree
    assert not scoring.panel_score([5]).disagree


def test_spread_and_standard_deviation():
    panel = scoring.panel_score([60, 80])
    assert panel.spread == 20
    assert panel.stdev == pytest.approx(10.0)


@given(st.lists(st.integers(0, 100), min_size=3, max_size=15))
def test_trimmed_mean_lies_between_min_and_max(values):
    trimmed = scoring.trimmed_mean(values)
    assert min(values) <= trimmed <= max(values)


@given(totals)
def test_panel_score_lies_between_min_and_max(values):
    panel = scoring.panel_score(values)
    assert panel.minimum <= panel.score <= panel.maximum
    assert panel.spread == panel.maximum - panel.minimum >= 0


@given(totals, st.randoms(use_true_random=False))
def test_panel_score_does_not_depend_on_the_order_of_reviews(values, rnd):
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert scoring.panel_score(values) == scoring.panel_score(shuffled)


# --------------------------------------------------------------------------- ranking
def _ids(ranked):
    return [r.bid_id for r in ranked]


def test_ranking_orders_by_score():
    ranked = scoring.rank(
        [BidInput(1, (Fraction(50),)), BidInput(2, (Fraction(80),)), BidInput(3, ())]
    )
    assert _ids(ranked) == [2, 1, 3]
    assert [r.rank for r in ranked] == [1, 2, 3]


def test_tie_break_more_reviews_first():
    ranked = scoring.rank([BidInput(1, (Fraction(70),)), BidInput(2, (Fraction(70), Fraction(70)))])
    assert _ids(ranked) == [2, 1]


def test_tie_break_higher_minimum_then_earlier_submission_then_lower_id():
    early = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    late = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    ranked = scoring.rank(
        [
            BidInput(9, (Fraction(60), Fraction(80)), late),  # mean 70, min 60
            BidInput(8, (Fraction(65), Fraction(75)), late),  # mean 70, min 65
            BidInput(7, (Fraction(65), Fraction(75)), early),  # same, submitted earlier
            BidInput(6, (Fraction(65), Fraction(75)), early),  # same again, lower id
        ]
    )
    assert _ids(ranked) == [6, 7, 8, 9]


bids_strategy = st.lists(
    st.tuples(
        st.lists(st.integers(0, 100), max_size=7),
        st.one_of(st.none(), st.integers(0, 1000)),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150)
@given(bids_strategy, st.randoms(use_true_random=False))
def test_ranking_is_stable_under_reordering_of_reviews_and_bids(specs, rnd):
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    bids = [
        BidInput(
            bid_id=i + 1,
            totals=tuple(Fraction(v) for v in values),
            submitted_at=None if minute is None else base + dt.timedelta(minutes=minute),
        )
        for i, (values, minute) in enumerate(specs)
    ]
    reordered = []
    for bid in bids:
        values = list(bid.totals)
        rnd.shuffle(values)
        reordered.append(BidInput(bid.bid_id, tuple(values), bid.submitted_at))
    rnd.shuffle(reordered)
    assert _ids(scoring.rank(bids)) == _ids(scoring.rank(reordered))


@given(bids_strategy)
def test_ranking_puts_higher_scores_first_and_unreviewed_last(specs):
    bids = [
        BidInput(i + 1, tuple(Fraction(v) for v in values)) for i, (values, _m) in enumerate(specs)
    ]
    ranked = scoring.rank(bids)
    scores = [r.panel.score for r in ranked]
    reviewed = [s for s in scores if s is not None]
    assert reviewed == sorted(reviewed, reverse=True)
    assert scores[len(reviewed) :] == [None] * (len(scores) - len(reviewed))


@given(rubrics(), st.lists(st.integers(0, 10_000), min_size=2, max_size=6))
def test_review_totals_do_not_depend_on_review_order(rubric, seeds):
    reviews = []
    for n, seed in enumerate(seeds):
        rnd = random.Random(seed)
        reviews.append(
            scoring.ReviewInput(
                n, bid_id=n % 2, scores={c.key: rnd.randint(0, c.max_score) for c in rubric}
            )
        )
    forward = scoring.review_totals(reviews, rubric)
    backward = scoring.review_totals(list(reversed(reviews)), rubric)
    assert {k: sorted(v) for k, v in forward.items()} == {k: sorted(v) for k, v in backward.items()}


def test_criterion_means():
    reviews = [
        scoring.ReviewInput(1, 1, {1: 4, 2: 10}),
        scoring.ReviewInput(2, 1, {1: 7}),
    ]
    means = scoring.criterion_means(reviews, DEFAULT[:3])
    assert means == {1: Fraction(11, 2), 2: 10, 3: None}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(1, 3), 0.3),
        (Fraction(5, 100), 0.1),
        (Fraction(149, 2), 74.5),
        (None, None),
        (Fraction(-1, 20), -0.1),
    ],
)
def test_as_float_rounds_half_away_from_zero(value, expected):
    assert scoring.as_float(value) == expected
