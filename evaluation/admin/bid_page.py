"""The read side of the bid page in the review panel: what one reviewer may see of one bid.

Nothing here writes. An automatic conflict (the reviewer belongs to an
organization in the competition) is computed read-only and shown as a
conflict; it is recorded when writing is safe (assignment, the close of
bidding, or the reviewer's next POST, see `bids`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from challenges.enums import BidState, ChallengeState
from challenges.models import Bid
from entities.eligibility import EligibilityReport
from entities.models import User

from .. import rules, scoring, selectors
from ..blinding import Blinder, blinder_for
from ..forms import ConflictForm, LateConflictForm, ReviewForm
from ..models import ConflictDeclaration, Criterion, Review, ReviewerAssignment


@dataclass
class BidPage:
    """One reviewer's view of one bid: declaration, own review, forms and conflict flags."""

    user: User
    bid: Bid
    assignment: ReviewerAssignment
    criteria: list[Criterion]
    declaration: ConflictDeclaration | None = None
    review: Review | None = None
    automatic_conflict: bool = False
    can_score: bool = False
    forms: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, user: User, bid: Bid, assignment: ReviewerAssignment) -> BidPage:
        page = cls(
            user=user, bid=bid, assignment=assignment, criteria=selectors.rubric(bid.challenge)
        )
        page.reload()
        page.can_score = rules.can_score_bid(user, bid) and not page.review_submitted
        page.forms = {
            "conflict_form": ConflictForm(prefix="coi"),
            "late_form": LateConflictForm(prefix="late"),
            "review_form": ReviewForm(
                criteria=page.criteria,
                initial=review_initial(page.review),
                disabled=not page.can_score,
            ),
        }
        return page

    def reload(self) -> None:
        """Read the declaration, the review and the automatic conflict (again, after a POST)."""
        self.declaration = rules.declaration_for(self.assignment, self.bid)
        self.review = (
            Review.objects.filter(assignment=self.assignment, bid=self.bid)
            .prefetch_related("scores")
            .first()
        )
        self.automatic_conflict = not self.declared_conflict and rules.has_automatic_conflict(
            self.user, self.bid
        )

    @property
    def declared_conflict(self) -> bool:
        return self.declaration is not None and self.declaration.has_conflict

    @property
    def conflicted(self) -> bool:
        """Recorded or not yet: either way nothing of the bid is shown."""
        return self.declared_conflict or self.automatic_conflict

    @property
    def review_submitted(self) -> bool:
        return bool(self.review and self.review.is_submitted)

    def context(self) -> dict[str, Any]:
        """The template context of `review/bid_review.html` (without the admin site's own)."""
        bid = self.bid
        challenge = bid.challenge
        partners = list(bid.partners.all())
        blinder = blinder_for(bid, partners)
        readable = (
            not self.conflicted
            and self.declaration is not None
            and rules.can_read_bid_for_review(self.user, bid)
        )
        context = {
            "bid": bid,
            "challenge": challenge,
            "assignment": self.assignment,
            "declaration": self.declaration,
            "conflicted": self.conflicted,
            "pending_conflict": self.automatic_conflict,
            "blind": blinder.active,
            "identity": None if blinder.active else identity(bid, partners),
            "readable": readable,
            "open_for_declaration": challenge.state == ChallengeState.EVALUATION
            and bid.state == BidState.UNDER_REVIEW,
            **self.forms,
        }
        if readable:
            context.update(self._reading_context(partners, blinder))
        return context

    def _reading_context(self, partners: list, blinder: Blinder) -> dict[str, Any]:
        """The bid's content and the score sheet, for a reviewer who may read the bid."""
        return {
            "content": bid_content(self.bid, partners, blinder),
            "review": self.review,
            "can_score": self.can_score,
            "criteria": self.criteria,
            "my_total": review_total(self.review, self.criteria),
            "others": other_reviews(self.bid, self.assignment, self.criteria)
            if self.review_submitted
            else None,
        }


# --------------------------------------------------------------------------- the score sheet
def review_initial(review: Review | None) -> dict[str, Any]:
    if review is None:
        return {}
    initial: dict[str, Any] = {"overall_comment": review.overall_comment}
    for score in review.scores.all():
        initial[f"score_{score.criterion_id}"] = score.value
        initial[f"comment_{score.criterion_id}"] = score.comment
    return initial


def review_total(review: Review | None, criteria: list[Criterion]) -> float | None:
    if review is None:
        return None
    values = {s.criterion_id: s.value for s in review.scores.all() if s.value is not None}
    try:
        return scoring.as_float(scoring.weighted_total(values, selectors.criterion_specs(criteria)))
    except (ValueError, scoring.RubricError):
        return None


def other_reviews(
    bid: Bid, assignment: ReviewerAssignment, criteria: list[Criterion]
) -> list[dict[str, Any]]:
    """The other submitted reviews, as "Reviewer 1, 2 …" (never a name)."""
    rows = []
    for index, review in enumerate(selectors.other_reviews(bid, exclude=assignment), 1):
        by_criterion = {s.criterion_id: s for s in review.scores.all()}
        rows.append(
            {
                "label": _("Reviewer %(n)s") % {"n": index},
                "total": review_total(review, criteria),
                "scores": [(c, by_criterion.get(c.pk)) for c in criteria],
                "overall_comment": review.overall_comment,
            }
        )
    return rows


# --------------------------------------------------------------------------- the bid
def identity(bid: Bid, partners: list) -> dict[str, Any]:
    """Who is behind the bid, for the conflict declaration (not used under blind review)."""
    return {
        "applicant": bid.applicant.legal_name,
        "local_name": bid.applicant.local_name,
        "lead": _lead_name(bid),
        "lead_affiliation": bid.lead_affiliation,
        "partners": [p.name for p in partners],
    }


def bid_content(bid: Bid, partners: list, blinder: Blinder) -> dict[str, Any]:
    """Everything the reviewer reads, with identifying text removed under blind review."""
    text = blinder.text
    return {
        **_people(bid, blinder),
        "technical_approach": text(bid.technical_approach),
        "scenario_fit": text(bid.scenario_fit),
        "modes": [(p.get_mode_display(), text(p.plan)) for p in bid.mode_plans.all()],
        "milestones": _milestones(bid, blinder),
        "budget_total": bid.budget_total,
        "currency": bid.currency,
        "duration_months": bid.duration_months,
        "budget_lines": [(text(line.item), line.amount) for line in bid.budget_lines.all()],
        "cofunding": text(bid.cofunding),
        "partners": _partners(partners, blinder),
        "attachments": [
            {"pk": a.pk, "label": text(a.label), "size": a.size, "content_type": a.content_type}
            for a in bid.attachments.all()
        ],
        "eligibility": _eligibility(bid, blinder),
    }


def _lead_name(bid: Bid) -> str:
    return " ".join(p for p in (bid.lead_title, bid.lead_name) if p)


def _people(bid: Bid, blinder: Blinder) -> dict[str, Any]:
    """The lead researcher and the team; names and affiliations only without blind review."""
    hidden = blinder.active
    return {
        "lead": None
        if hidden
        else {
            "name": _lead_name(bid),
            "email": bid.lead_email,
            "affiliation": bid.lead_affiliation,
            "orcid": bid.lead_orcid,
        },
        "lead_title": bid.lead_title,
        "lead_cv": blinder.text(bid.lead_cv),
        "team": [
            {
                "name": None if hidden else m.name,
                "role": blinder.text(m.role),
                "affiliation": None if hidden else m.affiliation,
            }
            for m in bid.team.all()
        ],
    }


def _milestones(bid: Bid, blinder: Blinder) -> list[dict[str, Any]]:
    text = blinder.text
    return [
        {
            "due_month": m.due_month,
            "deliverable": text(m.deliverable),
            "acceptance_criterion": text(m.acceptance_criterion),
            "evidence_expected": text(m.evidence_expected),
        }
        for m in bid.milestones.all()
    ]


def _partners(partners: list, blinder: Blinder) -> list[dict[str, Any]]:
    return [
        {
            "name": (_("Partner %(n)s") % {"n": i}) if blinder.active else p.name,
            "role": blinder.text(p.role),
            "contribution": blinder.text(p.contribution),
            "status": p.get_status_display(),
        }
        for i, p in enumerate(partners, 1)
    ]


def _eligibility(bid: Bid, blinder: Blinder) -> dict[str, Any] | None:
    record = bid.eligibility_record
    if record is None:
        return None
    return {
        "on_date": record.on_date,
        "ruleset": record.ruleset,
        "eligible": record.eligible,
        "results": blinder.results(_localized_results(record)),
    }


def _localized_results(record) -> list[dict]:
    """A stored report's results with texts rendered again in the reader's language."""
    try:
        return [r.as_dict() for r in EligibilityReport.from_dict(record.report).results]
    except (KeyError, TypeError, ValueError):
        return record.results
