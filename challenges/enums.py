"""States of challenges and bids and the other choices of the app (data only, DESIGN §2).

The transition tables are in `challenges.lifecycle` (rows of the engine in
`core.transitions`): they name guards and audiences, which are functions.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from entities.enums import CooperationMode

__all__ = [
    "BidState",
    "ChallengeState",
    "CooperationMode",
    "Currency",
    "Language",
    "PartnerStatus",
    "Sector",
]


class ChallengeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for vetting")
    LISTED = "listed", _("Open for bids")
    EVALUATION = "evaluation", _("Under evaluation")
    LEAD_ASSIGNED = "lead_assigned", _("Lead assigned")
    IN_VALIDATION = "in_validation", _("In validation")
    VALIDATED = "validated", _("Validated")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")
    FAILED_VALIDATION = "failed_validation", _("Failed validation")

    @classmethod
    def public(cls) -> tuple[str, ...]:
        """States in which anyone may see the challenge."""
        return (
            cls.LISTED,
            cls.EVALUATION,
            cls.LEAD_ASSIGNED,
            cls.IN_VALIDATION,
            cls.VALIDATED,
            cls.FAILED_VALIDATION,
        )

    @classmethod
    def terminal(cls) -> tuple[str, ...]:
        return (cls.VALIDATED, cls.WITHDRAWN, cls.CANCELLED, cls.REJECTED, cls.FAILED_VALIDATION)

    @classmethod
    def editable(cls) -> tuple[str, ...]:
        return (cls.DRAFT,)


class BidState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    SELECTED = "selected", _("Selected as lead")
    NOT_SELECTED = "not_selected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    INELIGIBLE = "ineligible", _("Ineligible")

    @classmethod
    def active(cls) -> tuple[str, ...]:
        """A bid in one of these states blocks another bid of the same applicant."""
        return (cls.DRAFT, cls.SUBMITTED, cls.UNDER_REVIEW, cls.SELECTED)

    @classmethod
    def in_competition(cls) -> tuple[str, ...]:
        return (cls.SUBMITTED, cls.UNDER_REVIEW, cls.SELECTED, cls.NOT_SELECTED)


class PartnerStatus(models.TextChoices):
    INVITED = "invited", _("Invitation sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Sector(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture")
    HEALTH = "health", _("Health")
    DISASTER_WARNING = "disaster_warning", _("Disaster warning")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    LOGISTICS = "logistics", _("Logistics")
    ENERGY = "energy", _("Energy")
    EDUCATION = "education", _("Education")
    FINANCE = "finance", _("Finance")
    PUBLIC_SERVICES = "public_services", _("Public services")
    LANGUAGE_TECHNOLOGY = "language_technology", _("Language technology")
    OTHER = "other", _("Other")


class Currency(models.TextChoices):
    CNY = "CNY", _("Chinese yuan (CNY)")
    USD = "USD", _("US dollar (USD)")
    BND = "BND", _("Brunei dollar (BND)")
    KHR = "KHR", _("Cambodian riel (KHR)")
    IDR = "IDR", _("Indonesian rupiah (IDR)")
    LAK = "LAK", _("Lao kip (LAK)")
    MYR = "MYR", _("Malaysian ringgit (MYR)")
    MMK = "MMK", _("Myanmar kyat (MMK)")
    PHP = "PHP", _("Philippine peso (PHP)")
    SGD = "SGD", _("Singapore dollar (SGD)")
    THB = "THB", _("Thai baht (THB)")
    VND = "VND", _("Vietnamese dong (VND)")


class Language(models.TextChoices):
    EN = "en", _("English")
    ZH = "zh-hans", _("Chinese")
    VI = "vi", _("Vietnamese")
    TH = "th", _("Thai")
    ID = "id", _("Indonesian")
    MS = "ms", _("Malay")
    FIL = "fil", _("Filipino")
    KM = "km", _("Khmer")
    LO = "lo", _("Lao")
    MY = "my", _("Burmese")
    TET = "tet", _("Tetum")
    PT = "pt", _("Portuguese")


class DocumentKind(models.TextChoices):
    """The PDF documents the portal issues for a bid (README "Documents")."""

    RECEIPT = "receipt", _("Submission receipt")
    DECISION = "decision", _("Decision letter")
    CERTIFICATE = "certificate", _("Validation certificate")


class QuestionState(models.TextChoices):
    """A clarification question: waiting for an answer, answered (published), or hidden."""

    OPEN = "open", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")
    HIDDEN = "hidden", _("Hidden by the programme office")
