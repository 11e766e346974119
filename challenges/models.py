"""Challenges posted by ASEAN institutions and the bids of Guangxi teams to lead them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from entities.files import StoredFile
from entities.models import EligibilityRecord, Organization

from .enums import (
    BidState,
    ChallengeState,
    CooperationMode,
    Currency,
    Language,
    PartnerStatus,
    Sector,
)


class TransitionLog(models.Model):
    """Who changed the state, when, from what to what, and why."""

    action = models.CharField(max_length=32)
    from_state = models.CharField(max_length=32)
    to_state = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    eligibility_record = models.ForeignKey(
        EligibilityRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    states: type[models.TextChoices]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} → {self.to_state} at {self.at:%Y-%m-%d %H:%M}"

    def _label(self, value: str) -> str:
        try:
            return str(self.states(value).label)
        except ValueError:
            return value

    @property
    def from_label(self) -> str:
        return self._label(self.from_state)

    @property
    def to_label(self) -> str:
        return self._label(self.to_state)


# --------------------------------------------------------------------------- challenges
class Challenge(models.Model):
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


# --------------------------------------------------------------------------- bids
class Bid(models.Model):
    """An application to lead a challenge ("揭榜"), frozen once submitted."""

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="bids")
    applicant = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="bids",
        verbose_name=_("lead organizer"),
    )
    state = models.CharField(max_length=32, choices=BidState.choices, default=BidState.DRAFT)
    state_changed_at = models.DateTimeField(default=timezone.now)

    lead_name = models.CharField(_("lead researcher: name"), max_length=150, blank=True)
    lead_title = models.CharField(
        _("lead researcher: title"), max_length=150, blank=True, help_text=_("e.g. Professor")
    )
    lead_email = models.EmailField(_("lead researcher: e-mail"), blank=True)
    lead_affiliation = models.CharField(
        _("lead researcher: affiliation"), max_length=255, blank=True
    )
    lead_cv = models.TextField(
        _("lead researcher: short CV"),
        blank=True,
        max_length=5000,
        help_text=_("Education, positions, five most relevant projects or publications."),
    )
    lead_orcid = models.CharField(
        _("lead researcher: ORCID iD"),
        max_length=19,
        blank=True,
        help_text=_("Optional, e.g. 0000-0002-1825-0097"),
    )
    lead_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    technical_approach = models.TextField(_("technical approach"), blank=True)
    scenario_fit = models.TextField(
        _("fit with the challenge's scenario and data"),
        blank=True,
        help_text=_(
            "How the solution uses the scenario, data and environment the challenge offers."
        ),
    )
    budget_total = models.DecimalField(
        _("total budget"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY
    )
    cofunding = models.TextField(_("co-funding"), blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    submitted_at = models.DateTimeField(null=True, blank=True)
    eligibility_record = models.ForeignKey(
        EligibilityRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["-created_at"]
        permissions = [("review_bid", "Can review the bid")]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "applicant"],
                condition=Q(state__in=["draft", "submitted", "under_review", "selected"]),
                name="bid_one_active_per_applicant",
            ),
            # Exactly-once lead selection: at most one selected bid per challenge.
            models.UniqueConstraint(
                fields=["challenge"],
                condition=Q(state="selected"),
                name="bid_one_selected_per_challenge",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.challenge}"

    def get_absolute_url(self) -> str:
        return reverse("challenges:bid_detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.state != BidState.DRAFT

    @property
    def modes(self) -> list[str]:
        return [p.mode for p in self.mode_plans.all()]


class BidTransition(TransitionLog):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="transitions")
    states = BidState

    class Meta(TransitionLog.Meta):
        verbose_name = _("bid state change")
        verbose_name_plural = _("bid state changes")


class BidModePlan(models.Model):
    """A cooperation mode offered in a bid, with its short plan."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="mode_plans")
    mode = models.CharField(_("cooperation mode"), max_length=32, choices=CooperationMode.choices)
    plan = models.TextField(_("plan"), max_length=3000)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["bid", "mode"], name="bid_mode_unique")]

    def __str__(self) -> str:
        return self.mode


class BidTeamMember(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="team")
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role in the project"), max_length=150)
    affiliation = models.CharField(_("affiliation"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class BidBudgetLine(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="budget_lines")
    item = models.CharField(_("budget item"), max_length=200)
    amount = models.DecimalField(
        _("amount"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.item}: {self.amount}"


class Milestone(models.Model):
    """A deliverable of a bid that the demand side will check in its own scenario."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField(default=0)
    deliverable = models.CharField(_("deliverable"), max_length=255)
    due_month = models.PositiveSmallIntegerField(
        _("due in month"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    acceptance_criterion = models.TextField(_("acceptance criterion"), max_length=2000)
    evidence_expected = models.TextField(_("evidence the demand side will check"), max_length=2000)

    class Meta:
        ordering = ["due_month", "order", "pk"]

    def __str__(self) -> str:
        return self.deliverable


def _partner_token() -> str:
    return secrets.token_urlsafe(24)


class BidPartner(models.Model):
    """A partner organization of a bid; it must accept before the bid can be submitted."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="partners")
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
    )
    invited_email = models.EmailField(
        _("invited by e-mail"),
        blank=True,
        help_text=_("For an organization not yet on the portal."),
    )
    invited_name = models.CharField(_("organization name"), max_length=255, blank=True)
    role = models.CharField(_("role in the project"), max_length=200)
    contribution = models.TextField(_("contribution"), max_length=3000)
    status = models.CharField(
        max_length=16, choices=PartnerStatus.choices, default=PartnerStatus.INVITED
    )
    token = models.CharField(max_length=64, unique=True, default=_partner_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "organization"],
                condition=Q(organization__isnull=False),
                name="bid_partner_unique_org",
            ),
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | ~Q(invited_email=""),
                name="bid_partner_org_or_email",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.organization_id:
            return self.organization.legal_name
        return self.invited_name or self.invited_email


# --------------------------------------------------------------------------- attachments
class Attachment(StoredFile):
    """A document of a challenge or a bid. Public ones of a public challenge are open to all."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    bid = models.ForeignKey(
        Bid, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("Anyone may download a public attachment once the challenge is published."),
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(challenge__isnull=False) & Q(bid__isnull=True))
                | (Q(challenge__isnull=True) & Q(bid__isnull=False)),
                name="attachment_one_owner",
            )
        ]

    @property
    def label(self) -> str:
        return self.title or self.original_name
