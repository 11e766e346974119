"""Review panels, rubrics, reviews, the lead decision and the validation of milestones.

Stage 2 (evaluation): a `Panel` per challenge with `ReviewerAssignment`s,
a rubric of `Criterion` rows, one `ConflictDeclaration` and at most one
`Review` (with its `Score`s) per reviewer and bid.
Stage 3 (lead assignment): one `Decision` per challenge.
Stage 4 (validation): a `MilestoneValidation` per milestone of the selected
bid, with its history of `MilestoneEntry` rows (reports with evidence,
acceptances, rejections).
`EvaluationEvent` is the history of everything else that happens.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from parler.fields import TranslationsForeignKey
from parler.models import TranslatableModelMixin, TranslatedFieldsModel
from simple_history.models import HistoricalRecords

from challenges.models import Bid, Challenge, ChallengeKPI, Milestone
from entities.files import StoredFile
from entities.models import Organization

from .enums import (
    DEFAULT_MAX_SCORE,
    DEFAULT_MIN_REVIEWS,
    AssignmentStatus,
    EntryKind,
    EventAction,
    KPIState,
    MilestoneState,
    ReviewStatus,
)


# --------------------------------------------------------------------------- panels
class Panel(models.Model):
    """The review panel of one challenge."""

    challenge = models.OneToOneField(Challenge, on_delete=models.CASCADE, related_name="panel")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    min_reviews = models.PositiveSmallIntegerField(
        _("minimum submitted reviews per bid"),
        default=DEFAULT_MIN_REVIEWS,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_(
            "The lead can be selected only when every bid under review has at least this "
            "many submitted reviews, unless the programme office records a reason to go ahead."
        ),
    )

    class Meta:
        verbose_name = _("review panel")
        verbose_name_plural = _("review panels")

    def __str__(self) -> str:
        return str(_("Panel: %(challenge)s") % {"challenge": self.challenge.title})


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class ReviewerAssignment(models.Model):
    """A reviewer on a panel, or an invitation to someone who has no account yet."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_assignments",
        verbose_name=_("reviewer"),
    )
    invited_email = models.EmailField(_("invited e-mail address"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.ACTIVE,
    )
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    nominated_by = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nominated by"),
        help_text=_("Set when the demand entity nominated one of its members."),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reviewer assignment")
        verbose_name_plural = _("reviewer assignments")
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "reviewer"],
                condition=Q(reviewer__isnull=False),
                name="assignment_one_per_reviewer",
            ),
            models.UniqueConstraint(
                Lower("invited_email"),
                "panel",
                condition=Q(status="invited"),
                name="assignment_one_open_invitation",
            ),
            models.CheckConstraint(
                condition=Q(reviewer__isnull=False) | ~Q(invited_email=""),
                name="assignment_reviewer_or_email",
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("%(who)s on %(challenge)s")
            % {"who": self.display_name, "challenge": self.panel.challenge.title}
        )

    @property
    def display_name(self) -> str:
        if self.reviewer_id:
            return str(self.reviewer)
        return self.invited_email

    @property
    def is_active(self) -> bool:
        return self.status == AssignmentStatus.ACTIVE


class ConflictDeclaration(models.Model):
    """A reviewer's statement about one bid, made before the bid is shown to them."""

    assignment = models.ForeignKey(
        ReviewerAssignment, on_delete=models.CASCADE, related_name="declarations"
    )
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="conflict_declarations")
    has_conflict = models.BooleanField(_("conflict of interest"))
    explanation = models.TextField(_("explanation"), blank=True, max_length=2000)
    automatic = models.BooleanField(
        _("found automatically"),
        default=False,
        help_text=_("The reviewer is a member of the applicant or of a partner organization."),
    )
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest declaration")
        verbose_name_plural = _("conflict of interest declarations")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "bid"], name="declaration_once_per_bid"),
            models.CheckConstraint(
                condition=Q(has_conflict=True) | Q(automatic=False),
                name="declaration_automatic_is_conflict",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}/{self.bid_id}: {self.has_conflict}"


# --------------------------------------------------------------------------- rubric
class Criterion(TranslatableModelMixin, models.Model):
    """One weighted criterion of a challenge's rubric; the weights of a rubric sum to 100.

    `name` and `guidance` are written in the challenge's original language;
    other language versions are `CriterionTranslation` rows (core/multilingual.py).
    """

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=120)
    guidance = models.TextField(
        _("guidance for reviewers"),
        blank=True,
        max_length=2000,
        help_text=_("What a high and a low score mean."),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_score = models.PositiveSmallIntegerField(
        _("maximum score"),
        default=DEFAULT_MAX_SCORE,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="criterion_weight_range"
            ),
            models.CheckConstraint(
                condition=Q(max_score__gte=1, max_score__lte=100),
                name="criterion_max_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight} %)"

    def get_original_language(self) -> str:
        return self.challenge.original_language


# --------------------------------------------------------------------------- reviews


class CriterionTranslation(TranslatedFieldsModel):
    """The name and guidance of a criterion in one more language (django-parler row)."""

    master = TranslationsForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="translations"
    )
    translated_name = models.CharField(_("criterion"), max_length=120, db_column="name")
    translated_guidance = models.TextField(
        _("guidance for reviewers"), blank=True, max_length=2000, db_column="guidance"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion translation")
        verbose_name_plural = _("criterion translations")
        unique_together = [("language_code", "master")]


class Review(models.Model):
    """One reviewer's assessment of one bid; locked once submitted."""

    assignment = models.ForeignKey(
        ReviewerAssignment, on_delete=models.CASCADE, related_name="reviews"
    )
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="reviews")
    status = models.CharField(
        _("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    overall_comment = models.TextField(_("overall comment"), blank=True, max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "bid"], name="review_once_per_bid"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="review_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Review {self.pk} of bid {self.bid_id}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED


class Score(models.Model):
    """The score of one criterion in one review (0 … the criterion's maximum)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=3000)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="score_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="score_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


# --------------------------------------------------------------------------- the decision
class Decision(models.Model):
    """The operator's choice of the lead; exactly one per challenge (and per bid)."""

    challenge = models.OneToOneField(Challenge, on_delete=models.PROTECT, related_name="decision")
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="decision")
    rationale = models.TextField(_("rationale"), max_length=5000)
    ranking = models.JSONField(
        _("ranking at the time of the decision"), default=list, blank=True, editable=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    quorum_override = models.TextField(
        _("reason for deciding below the review quorum"), blank=True, max_length=5000
    )
    short_of_reviews = models.JSONField(
        _("bids short of reviews at the time of the decision"),
        default=list,
        blank=True,
        editable=False,
    )

    class Meta:
        verbose_name = _("lead decision")
        verbose_name_plural = _("lead decisions")

    def __str__(self) -> str:
        return f"{self.challenge_id} → {self.bid_id}"


# --------------------------------------------------------------------------- validation
class MilestoneValidation(models.Model):
    """Where one milestone of the selected bid stands in the demand entity's validation."""

    milestone = models.OneToOneField(Milestone, on_delete=models.CASCADE, related_name="validation")
    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="milestone_validations"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=MilestoneState.choices, default=MilestoneState.PENDING
    )
    state_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("milestone validation")
        verbose_name_plural = _("milestone validations")
        ordering = ["milestone__due_month", "milestone__order", "milestone__pk"]

    def __str__(self) -> str:
        return f"{self.milestone} · {self.state}"


class MilestoneEntry(models.Model):
    """One step in a milestone's validation: a progress report, an acceptance or a rejection."""

    validation = models.ForeignKey(
        MilestoneValidation, on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    text = models.TextField(_("text"), max_length=5000)
    from_state = models.CharField(max_length=16)
    to_state = models.CharField(max_length=16)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("milestone history entry")
        verbose_name_plural = _("milestone history entries")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"


class MilestoneEvidence(StoredFile):
    """A file the lead attached to a progress report."""

    entry = models.ForeignKey(MilestoneEntry, on_delete=models.CASCADE, related_name="evidence")

    class Meta:
        verbose_name = _("milestone evidence")
        verbose_name_plural = _("milestone evidence")
        ordering = ["uploaded_at", "pk"]


class KPIAchievement(models.Model):
    """The value the lead achieved for one KPI, reported in the validation and confirmed
    (or sent back) by the demand entity. Only confirmed values are published."""

    kpi = models.OneToOneField(ChallengeKPI, on_delete=models.CASCADE, related_name="achievement")
    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="kpi_achievements"
    )
    achieved = models.CharField(_("achieved value"), max_length=120, blank=True)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=KPIState.choices, default=KPIState.PENDING
    )
    state_changed_at = models.DateTimeField(default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment from the demand entity"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("achieved KPI value")
        verbose_name_plural = _("achieved KPI values")
        ordering = ["kpi__order", "kpi__pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="confirmed") | ~Q(achieved=""),
                name="kpi_achievement_confirmed_has_value",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi_id}: {self.achieved} ({self.state})"

    @property
    def is_confirmed(self) -> bool:
        return self.state == KPIState.CONFIRMED


# --------------------------------------------------------------------------- history
class EvaluationEvent(models.Model):
    """The history of a challenge's evaluation and validation: who did what, when and why."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="evaluation_events"
    )
    action = models.CharField(max_length=32, choices=EventAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    subject = models.CharField(
        max_length=255, blank=True, help_text="Whom or what the action was about."
    )
    bid = models.ForeignKey(Bid, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("evaluation history entry")
        verbose_name_plural = _("evaluation history")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["challenge", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


# --------------------------------------------------------------------------- the review site
class BidToReview(Bid):
    """A bid as a reviewer sees it in the review panel (never names it under blind review)."""

    class Meta:
        proxy = True
        verbose_name = _("bid to review")
        verbose_name_plural = _("bids to review")

    def __str__(self) -> str:
        return str(_("Bid %(number)s") % {"number": self.pk})


# The evaluation desk's models (allocations, appeals) live in their own module.
from .desk_models import Appeal, BidAllocation, SupersededDecision  # noqa: E402

__all__ = ["Appeal", "BidAllocation", "SupersededDecision"]
