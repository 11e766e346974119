"""What the review panel's lists share: the reviewer's progress on a bid, labels, access."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from challenges.enums import BidState, ChallengeState

from .. import rules
from ..enums import ReviewStatus


class Progress(models.TextChoices):
    """The reviewer's own progress on one bid (the status column of the review panel)."""

    DECLARE = "declare", gettext_lazy("Declare conflict of interest")
    CONFLICT = "conflict", gettext_lazy("Conflict declared")
    SCORE = "score", gettext_lazy("To score")
    DRAFT = "draft", gettext_lazy("Draft saved")
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    CLOSED = "closed", gettext_lazy("Evaluation closed")


PROGRESS_CLASSES = {
    Progress.DECLARE: "review-status-todo",
    Progress.CONFLICT: "review-status-conflict",
    Progress.SCORE: "review-status-todo",
    Progress.DRAFT: "review-status-draft",
    Progress.SUBMITTED: "review-status-done",
    Progress.CLOSED: "review-status-closed",
}
PROGRESS_ACTIONS = {
    Progress.DECLARE: gettext_lazy("Declare"),
    Progress.SCORE: gettext_lazy("Score"),
    Progress.DRAFT: gettext_lazy("Score"),
}
OPEN_ACTION = gettext_lazy("Open")


def my_status(bid: Any) -> Progress:
    """The reviewer's own progress on a bid, from the annotations of `selectors.reviewer_bids`."""
    conflict = getattr(bid, "my_conflict", None)
    review_status = getattr(bid, "my_review_status", None)
    if conflict is True:
        return Progress.CONFLICT
    if review_status == ReviewStatus.SUBMITTED:
        return Progress.SUBMITTED
    if bid.state != BidState.UNDER_REVIEW or bid.challenge.state != ChallengeState.EVALUATION:
        return Progress.CLOSED
    if conflict is None:
        return Progress.DECLARE
    if review_status == ReviewStatus.DRAFT:
        return Progress.DRAFT
    return Progress.SCORE


def bid_label(bid: Any) -> str:
    """ "Bid 17" under blind review, "Bid 17 · Applicant" otherwise."""
    if bid.challenge.blind_review:
        return _("Bid %(number)s") % {"number": bid.pk}
    return _("Bid %(number)s · %(applicant)s") % {
        "number": bid.pk,
        "applicant": bid.applicant.legal_name,
    }


@dataclass(frozen=True)
class BidRow:
    """One bid in the reviewer's lists: its label, the reviewer's status and the next step."""

    bid: Any
    label: str
    status: Progress

    @classmethod
    def of(cls, bid: Any) -> BidRow:
        return cls(bid=bid, label=bid_label(bid), status=my_status(bid))

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def status_class(self) -> str:
        return PROGRESS_CLASSES[self.status]

    @property
    def action_label(self) -> str:
        return PROGRESS_ACTIONS.get(self.status, OPEN_ACTION)


class ReviewerOnlyMixin:
    """Reviewers (and operators) may look; nobody adds or deletes anything here."""

    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return rules.can_use_review_site(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return rules.can_use_review_site(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return rules.can_use_review_site(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self):
        """Only the list and the one page per object: no add, delete or history views."""
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("", wrap(self.changelist_view), name=f"{prefix}_changelist"),
            path("<path:object_id>/change/", wrap(self.change_view), name=f"{prefix}_change"),
            path("<path:object_id>/", wrap(self.redirect_to_change)),
        ]

    def redirect_to_change(self, request: HttpRequest, object_id: str) -> HttpResponse:
        name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change"
        return redirect(name, object_id)
