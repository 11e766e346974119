"""The fast ranking equals the exact one, is cached, and goes stale when a review comes in."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation import scoring, selectors
from tests.evaluation.conftest import assign, review
from tests.factories import ReviewerFactory

from .conftest import reviewed_scenario


@pytest.mark.parametrize("seed", range(20))
def test_scaled_panel_score_equals_the_exact_one(seed):
    rnd = random.Random(seed)
    maxima = [rnd.choice([3, 4, 5, 7, 10]) for _ in range(rnd.randint(1, 4))]
    weights = [100 // len(maxima)] * len(maxima)
    weights[0] += 100 - sum(weights)
    specs = [
        scoring.CriterionSpec(k, w, m) for k, (w, m) in enumerate(zip(weights, maxima, strict=True))
    ]
    scale = scoring.common_scale(specs)
    reviews = [
        {s.key: rnd.randint(0, s.max_score) for s in specs} for _ in range(rnd.randint(0, 7))
    ]
    scaled = [scoring.scaled_total(r, specs) for r in reviews]
    assert [Fraction(t, scale) for t in scaled] == [
        scoring.weighted_total(r, specs) for r in reviews
    ]
    fast = scoring.panel_score_scaled(scaled, scale)
    exact = scoring.panel_score([Fraction(t, scale) for t in scaled])
    assert fast.__dict__ | {"stdev": None} == exact.__dict__ | {"stdev": None}
    assert fast.stdev == pytest.approx(exact.stdev)


@pytest.mark.django_db
def test_ranking_equals_the_exact_reference(operator):
    scenario, _ = reviewed_scenario(operator, bids=5, reviewers=3)
    criteria = selectors.rubric(scenario.challenge)
    specs = selectors.criterion_specs(criteria)
    inputs = [selectors._review_input(r) for r in selectors.counted_reviews(scenario.challenge)]
    totals = scoring.review_totals(inputs, specs)
    expected = scoring.rank(
        scoring.BidInput(
            bid_id=b.pk, totals=tuple(totals.get(b.pk, ())), submitted_at=b.submitted_at
        )
        for b in scenario.bids
    )
    rows = selectors.compute_ranking(scenario.challenge.pk)
    assert [(r.bid.pk, r.panel) for r in rows] == [(e.bid_id, e.panel) for e in expected]
    for row in rows:
        mine = [i for i in inputs if i.bid_id == row.bid.pk]
        means = scoring.criterion_means(mine, specs)
        assert row.criterion_means == {k: scoring.as_float(v) for k, v in means.items()}


@pytest.mark.django_db
def test_ranking_is_cached_until_a_review_is_submitted(operator):
    scenario, _ = reviewed_scenario(operator, bids=2, reviewers=1)
    first = selectors.ranking(scenario.challenge)
    with CaptureQueriesContext(connection) as ctx:
        again = selectors.ranking(scenario.challenge)
    assert len(ctx.captured_queries) == 0
    assert [r.as_dict() for r in again] == [r.as_dict() for r in first]
    assert {r.panel.count for r in first} == {1}
    late = assign(scenario, ReviewerFactory())
    review(late, scenario.bids[1], 10)
    fresh = selectors.ranking(scenario.challenge)
    counts = {r.bid.pk: r.panel.count for r in fresh}
    assert counts == {scenario.bids[0].pk: 1, scenario.bids[1].pk: 2}
    assert fresh[0].bid.pk == scenario.bids[1].pk  # the 10s lifted it to the top
