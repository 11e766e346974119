"""A challenge posted by an ASEAN institution, its KPIs and its transition history."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModelMixin
from simple_history.models import HistoricalRecords

from entities.models import EligibilityRecord, Organization

from ..enums import (
    ChallengeState,
    CooperationMode,
    Currency,
    Language,
    Sector,
)
from ._history import TransitionLog


# --------------------------------------------------------------------------- challenges
class Challenge(TranslatableModelMixin, models.Model):
    """A challenge; its original text is in `original_language`, translations in
    `translations` (ChallengeTranslation, see core/multilingual.py)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="challenges",
        verbose_name=_("posted by"),
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(
        _("summary"),
        max_length=1200,
        blank=True,  # a draft saves with only its title; the pre-check asks for the summary
        help_text=_("One paragraph a non-specialist understands: the problem and why it matters."),
    )
    problem_statement = models.TextField(
        _("problem statement"),
        blank=True,
        help_text=_(
            "What exactly should be solved, what has been tried, and what is out of scope."
        ),
    )
    operational_scenario = models.TextField(
        _("operational scenario"),
        blank=True,
        help_text=_("Where the solution will run: sites, processes, users and constraints."),
    )
    data_kind = models.CharField(
        _("local data: kind"),
        max_length=255,
        blank=True,
        help_text=_("e.g. drone images of paddy fields, labelled by agronomists"),
    )
    data_size = models.CharField(
        _("local data: size"), max_length=255, blank=True, help_text=_("e.g. 120,000 images, 2 TB")
    )
    data_access_terms = models.TextField(
        _("local data: access terms"),
        blank=True,
        help_text=_("Who may use the data, where, and under which agreement."),
    )
    experimental_environment = models.TextField(
        _("experimental environment and infrastructure offered"),
        blank=True,
        help_text=_("Test sites, computing, connectivity, sensors, staff time."),
    )
    expected_outcomes = models.TextField(_("expected outcomes"), blank=True)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices, blank=True)
    cooperation_modes = models.JSONField(_("cooperation modes sought"), default=list, blank=True)
    budget_min = models.DecimalField(
        _("budget from"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_max = models.DecimalField(
        _("budget up to"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )
    cofunding = models.TextField(
        _("co-funding offered"),
        blank=True,
        help_text=_("Money, staff time or in-kind contributions your organization offers."),
    )
    deadline = models.DateTimeField(_("bidding deadline"), null=True, blank=True)
    questions_deadline = models.DateTimeField(
        _("deadline for questions"),
        null=True,
        blank=True,
        help_text=_(
            "Bidders may ask clarification questions until this moment. It must be before the "
            "bidding deadline; leave empty to accept questions until the bidding deadline."
        ),
    )
    duration_months = models.PositiveSmallIntegerField(
        _("expected duration (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    original_language = models.CharField(
        _("language of the original text"), max_length=8, choices=Language.choices, default="en"
    )

    state = models.CharField(
        _("state"), max_length=32, choices=ChallengeState.choices, default=ChallengeState.DRAFT
    )
    state_changed_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    vetting_comment = models.TextField(_("comments from the programme office"), blank=True)
    eligibility_record = models.ForeignKey(
        EligibilityRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    blind_review = models.BooleanField(
        _("blind review"),
        default=False,
        help_text=_("Hide applicant and partner names from reviewers."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Maintained by challenges.search on PostgreSQL (GIN-indexed); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_vector", "updated_at"])

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["state", "published_at"]),
            # The public listing's two sort orders, over the public states only.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(state__in=ChallengeState.public()),
                name="challenge_public_newest",
            ),
            models.Index(
                fields=["deadline", "-id"],
                condition=Q(state__in=ChallengeState.public()),
                name="challenge_public_deadline",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_min__lte=models.F("budget_max")),
                name="challenge_budget_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("challenges:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.state in ChallengeState.public()

    @property
    def is_open_for_bids(self) -> bool:
        return (
            self.state == ChallengeState.LISTED
            and self.deadline is not None
            and self.deadline > timezone.now()
        )

    @property
    def accepts_questions(self) -> bool:
        """Listed, and before the question deadline (or the bidding deadline when none is set)."""
        until = self.questions_deadline or self.deadline
        return self.state == ChallengeState.LISTED and until is not None and until > timezone.now()

    @property
    def country(self):
        return self.organization.country

    def mode_labels(self) -> list[str]:
        return [
            str(CooperationMode(m).label)
            for m in self.cooperation_modes
            if m in CooperationMode.values
        ]


class ChallengeKPI(models.Model):
    """A measurable target of the expected outcomes."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="kpis")
    metric = models.CharField(_("indicator"), max_length=200)
    target = models.CharField(_("target"), max_length=120)
    baseline = models.CharField(_("baseline today"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")

    def __str__(self) -> str:
        return f"{self.metric}: {self.target}"


class ChallengeTransition(TransitionLog):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="transitions")
    states = ChallengeState

    class Meta(TransitionLog.Meta):
        verbose_name = _("challenge state change")
        verbose_name_plural = _("challenge state changes")


class DeadlineReminder(models.Model):
    """A reminder already sent: exactly once per challenge, bid and kind."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="+")
    bid = models.ForeignKey("Bid", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8)  # "7d" or "1d"
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bid", "kind"], name="reminder_once_per_bid_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder for bid {self.bid_id}"
