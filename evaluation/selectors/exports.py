"""Every review for the programme office's spreadsheet, with its total (three queries)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from challenges.models import Challenge

from .. import scoring
from ..enums import ReviewStatus
from ..models import Criterion, Review, Score


@dataclass
class ReviewRow:
    review: Review
    total: float | None  # 0–100, for a submitted (complete) review
    scores: str  # "criterion: value; …" in rubric order


def reviews_for_export() -> list[ReviewRow]:
    """Every review (draft or submitted), by challenge and bid, with the reviewer's scores."""
    reviews = (
        Review.objects.select_related(
            "assignment__reviewer", "bid__applicant", "bid__challenge", "bid__challenge__panel"
        )
        .prefetch_related(
            Prefetch("scores", queryset=Score.objects.order_by("criterion__order", "criterion_id")),
            Prefetch(
                "bid__challenge__criteria",
                queryset=Criterion.objects.order_by("order", "pk"),
            ),
        )
        .order_by("bid__challenge_id", "bid_id", "pk")
    )
    return [_row(review) for review in reviews]


def _row(review: Review) -> ReviewRow:
    challenge: Challenge = review.bid.challenge
    criteria = list(challenge.criteria.all())
    names = {c.pk: c.name for c in criteria}
    values = {s.criterion_id: s.value for s in review.scores.all() if s.value is not None}
    total = None
    if review.status == ReviewStatus.SUBMITTED and criteria:
        try:
            specs = [scoring.CriterionSpec(c.pk, c.weight, c.max_score) for c in criteria]
            total = scoring.as_float(scoring.weighted_total(values, specs))
        except ValueError:  # a rubric changed after the review: shown without a total
            total = None
    scores = "; ".join(f"{names[key]}: {value}" for key, value in values.items() if key in names)
    return ReviewRow(review=review, total=total, scores=scores)
