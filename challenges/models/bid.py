"""A Guangxi team's bid to lead a challenge: modes, team, budget, milestones, partners."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from entities.models import EligibilityRecord, Organization

from ..enums import (
    BidState,
    CooperationMode,
    Currency,
    PartnerStatus,
)
from ._history import TransitionLog
from .challenge import Challenge


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
    # SHA-256 of the submitted content (challenges.documents.bid_submission_content),
    # recorded by the submit transition and printed on the receipt.
    submission_sha256 = models.CharField(max_length=64, blank=True, editable=False)
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
    plan = models.TextField(_("plan"), max_length=3000, blank=True)  # the pre-check asks for it

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
