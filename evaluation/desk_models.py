"""Models of the evaluation desk: bids allocated to reviewers, and appeals against a decision.

Imported by `evaluation.models` (so Django registers them with the app).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from challenges.models import Bid, Challenge

from .enums import AppealState


class BidAllocation(models.Model):
    """A bid given to one reviewer of the panel by a confirmed allocation.

    While a panel has no allocation, each reviewer reviews every bid; once
    the operator confirms one, each reviewer sees only the bids allocated to them.
    """

    assignment = models.ForeignKey(
        "evaluation.ReviewerAssignment", on_delete=models.CASCADE, related_name="allocations"
    )
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="allocations")
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    allocated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bid allocated to a reviewer")
        verbose_name_plural = _("bids allocated to reviewers")
        ordering = ["assignment_id", "bid_id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "bid"], name="allocation_once_per_bid")
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} → {self.bid_id}"


class Appeal(models.Model):
    """A bidder's one reasoned appeal against the lead decision, and the operator's answer."""

    bid = models.OneToOneField(Bid, on_delete=models.CASCADE, related_name="appeal")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="appeals")
    grounds = models.TextField(_("grounds of the appeal"), max_length=5000)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(
        _("state"), max_length=16, choices=AppealState.choices, default=AppealState.FILED
    )
    state_changed_at = models.DateTimeField(default=timezone.now)
    response = models.TextField(_("the programme office's answer"), blank=True, max_length=5000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["filed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="filed") | ~Q(response=""), name="appeal_answer_has_reasons"
            )
        ]

    def __str__(self) -> str:
        return f"Appeal {self.pk} on bid {self.bid_id} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state == AppealState.FILED


class SupersededDecision(models.Model):
    """A lead decision set aside when the programme office reopened it after an upheld appeal.

    The `Decision` row is moved here (every field kept) so that a new decision can be
    recorded once, with who reopened it, when and why.
    """

    challenge = models.ForeignKey(
        Challenge, on_delete=models.PROTECT, related_name="superseded_decisions"
    )
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="superseded_decisions")
    rationale = models.TextField(_("rationale"), max_length=5000)
    ranking = models.JSONField(_("ranking at the time of the decision"), default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    quorum_override = models.TextField(
        _("reason for deciding below the review quorum"), blank=True, max_length=5000
    )
    short_of_reviews = models.JSONField(default=list, blank=True)
    superseded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    superseded_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("why the decision was reopened"), max_length=5000)

    class Meta:
        verbose_name = _("superseded lead decision")
        verbose_name_plural = _("superseded lead decisions")
        ordering = ["-superseded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.challenge_id} → {self.bid_id} (superseded)"
