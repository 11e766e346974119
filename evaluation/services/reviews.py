"""Reviewers' scores: save a draft, submit once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from challenges.models import Bid
from entities.models import User
from notifications.services import notify

from .. import rules, scoring, selectors
from ..enums import (
    AssignmentStatus,
    EventAction,
    ReviewStatus,
)
from ..models import (
    Criterion,
    Panel,
    Review,
    ReviewerAssignment,
    Score,
)
from ._common import _challenge_context, _log, _operators

# --------------------------------------------------------------------------- reviews
ScoreInput = tuple[int | None, str]


@transaction.atomic
def review_save(
    *,
    assignment: ReviewerAssignment,
    bid: Bid,
    scores: Mapping[int, ScoreInput],
    overall_comment: str = "",
    by: User,
    submit: bool = False,
    now: dt.datetime | None = None,
) -> Review:
    """Save the reviewer's scores (criterion id → (score or None, comment)); `submit` locks them.

    A draft may leave scores empty; a submitted review needs every criterion
    scored within 0 … its maximum. A submitted review is never changed.
    """
    now = now or timezone.now()
    assignment, bid, review = _lock_review(assignment, bid, by)
    criteria = selectors.rubric(bid.challenge)
    errors = _score_errors(criteria, scores, submit=submit)
    if errors:
        raise ValidationError(errors)
    if review is None:
        review = Review(assignment=assignment, bid=bid, created_at=now)
    review.overall_comment = (overall_comment or "").strip()
    review.updated_at = now
    if submit:
        review.status = ReviewStatus.SUBMITTED
        review.submitted_at = now
    review.full_clean(exclude=["assignment", "bid"])
    review.save()
    _write_scores(review, criteria, scores)
    if submit:
        _review_submitted(bid, by=by, now=now)
    return review


def _lock_review(
    assignment: ReviewerAssignment, bid: Bid, by: User
) -> tuple[ReviewerAssignment, Bid, Review | None]:
    """Lock the panel and the review; refused unless `by` may still score this bid."""
    panel = Panel.objects.select_for_update().get(pk=assignment.panel_id)
    assignment = ReviewerAssignment.objects.select_related("reviewer").get(pk=assignment.pk)
    if assignment.reviewer_id != by.pk or assignment.status != AssignmentStatus.ACTIVE:
        raise ValidationError(_("You are not on the panel of this challenge."))
    bid = Bid.objects.select_related("challenge", "applicant").get(pk=bid.pk)
    if bid.challenge_id != panel.challenge_id:
        raise ValidationError(_("This bid is not part of your review assignment."))
    review = Review.objects.select_for_update().filter(assignment=assignment, bid=bid).first()
    if review is not None and review.is_submitted:
        raise ValidationError(
            _("This review has been submitted and is locked; it cannot be changed.")
        )
    if not rules.can_score_bid(by, bid):
        raise ValidationError(
            _(
                "This bid cannot be scored: declare that you have no conflict of interest first, while the evaluation runs."
            )
        )
    return assignment, bid, review


def _score_errors(
    criteria: list[Criterion], scores: Mapping[int, ScoreInput], *, submit: bool
) -> dict[str, list[str]]:
    """Form errors by field ("score_<id>", "__all__"); empty when the scores may be saved."""
    errors: dict[str, list[str]] = {}
    if set(scores) - {c.pk for c in criteria}:
        errors.setdefault("__all__", []).append(_("The rubric has changed; reload the page."))
    for criterion in criteria:
        value, _comment = scores.get(criterion.pk, (None, ""))
        if value is None:
            if submit:
                errors.setdefault(f"score_{criterion.pk}", []).append(
                    _("Score “%(name)s” before submitting.") % {"name": criterion.name}
                )
            continue
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not 0 <= value <= criterion.max_score
        ):
            errors.setdefault(f"score_{criterion.pk}", []).append(
                _("“%(name)s” is scored from 0 to %(max)s.")
                % {"name": criterion.name, "max": criterion.max_score}
            )
    if submit and scoring.weights_problems(c.weight for c in criteria):
        errors.setdefault("__all__", []).append(
            _(
                "The rubric is not complete yet (its weights do not add up to 100). Ask the programme office."
            )
        )
    return errors


def _write_scores(
    review: Review, criteria: list[Criterion], scores: Mapping[int, ScoreInput]
) -> None:
    existing = {s.criterion_id: s for s in Score.objects.filter(review=review)}
    for criterion in criteria:
        value, comment = scores.get(criterion.pk, (None, ""))
        score = existing.get(criterion.pk) or Score(review=review, criterion=criterion)
        score.value = value
        score.comment = (comment or "").strip()
        score.full_clean(exclude=["review", "criterion"])
        score.save()


def _review_submitted(bid: Bid, *, by: User, now: dt.datetime) -> None:
    """The history notes the submission and the operators are told."""
    challenge = bid.challenge
    _log(challenge, EventAction.REVIEW_SUBMITTED, by=by, subject=str(by), bid=bid, now=now)
    notify(
        _operators(),
        "review.submitted",
        challenge,
        _challenge_context(
            challenge,
            reviewer=str(by),
            url=reverse("evaluation:operator_challenge", args=[challenge.pk]),
        ),
    )
