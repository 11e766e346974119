"""States and transitions of challenges and bids, as data (DESIGN §2).

`CHALLENGE_TRANSITIONS` and `BID_TRANSITIONS` are the only source of truth
for which state change is allowed; `challenges.lifecycle` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from entities.enums import CooperationMode

__all__ = [
    "BID_TRANSITIONS",
    "CHALLENGE_TRANSITIONS",
    "Actor",
    "BidState",
    "ChallengeState",
    "CooperationMode",
    "Currency",
    "Language",
    "PartnerStatus",
    "Sector",
    "Transition",
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


class Actor(models.TextChoices):
    OWNER = "owner", _("the owner organization")
    OPERATOR = "operator", _("the programme office")
    SYSTEM = "system", _("the system")


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    actor: str
    label: object
    needs_reason: bool = False


def _t(action, sources, target, actor, label, needs_reason=False) -> tuple[str, Transition]:
    return action, Transition(action, frozenset(sources), target, actor, label, needs_reason)


S = ChallengeState
CHALLENGE_TRANSITIONS: dict[str, Transition] = dict(
    [
        _t("submit", [S.DRAFT], S.SUBMITTED, Actor.OWNER, _("Submit for vetting")),
        _t("withdraw", [S.DRAFT, S.SUBMITTED], S.WITHDRAWN, Actor.OWNER, _("Withdraw"), True),
        _t("publish", [S.SUBMITTED], S.LISTED, Actor.OPERATOR, _("Publish")),
        _t("return", [S.SUBMITTED], S.DRAFT, Actor.OPERATOR, _("Return for changes"), True),
        _t("reject", [S.SUBMITTED], S.REJECTED, Actor.OPERATOR, _("Reject"), True),
        _t("close", [S.LISTED], S.EVALUATION, Actor.SYSTEM, _("Close bidding")),
        _t("assign_lead", [S.EVALUATION], S.LEAD_ASSIGNED, Actor.OPERATOR, _("Assign the lead")),
        _t(
            "start_validation",
            [S.LEAD_ASSIGNED],
            S.IN_VALIDATION,
            Actor.OPERATOR,
            _("Start validation"),
        ),
        _t("validate", [S.IN_VALIDATION], S.VALIDATED, Actor.OPERATOR, _("Sign off validation")),
        _t(
            "fail_validation",
            [S.IN_VALIDATION],
            S.FAILED_VALIDATION,
            Actor.OPERATOR,
            _("Record failed validation"),
            True,
        ),
        _t(
            "cancel",
            [S.LISTED, S.EVALUATION, S.LEAD_ASSIGNED],
            S.CANCELLED,
            Actor.OPERATOR,
            _("Cancel the challenge"),
            True,
        ),
    ]
)

B = BidState
BID_TRANSITIONS: dict[str, Transition] = dict(
    [
        _t("submit", [B.DRAFT], B.SUBMITTED, Actor.OWNER, _("Submit the bid")),
        _t("withdraw", [B.DRAFT, B.SUBMITTED], B.WITHDRAWN, Actor.OWNER, _("Withdraw"), True),
        # Before the deadline a withdrawn bid may be reopened, changed and submitted again.
        _t("reopen", [B.WITHDRAWN], B.DRAFT, Actor.OWNER, _("Reopen as a draft")),
        _t("start_review", [B.SUBMITTED], B.UNDER_REVIEW, Actor.SYSTEM, _("Start review")),
        _t(
            "mark_ineligible",
            [B.SUBMITTED, B.UNDER_REVIEW],
            B.INELIGIBLE,
            Actor.OPERATOR,
            _("Mark ineligible"),
            True,
        ),
        _t("select", [B.UNDER_REVIEW], B.SELECTED, Actor.OPERATOR, _("Select as lead")),
        _t("not_select", [B.UNDER_REVIEW], B.NOT_SELECTED, Actor.OPERATOR, _("Not selected")),
    ]
)


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
