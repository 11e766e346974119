"""The kinds of notification the portal sends: one table, data only.

To add an event, append one `Event(...)` row to `EVENTS` below and call
`notify(recipients, "<app>.<what_happened>", obj, context)` from a service.

- `key`: a dotted name, "<thing>.<what happened>", unique.
- `category`: groups the event on the preferences page.
- `mandatory`: True for security/account e-mails, verification results and
  decisions on the recipient's own organization, challenge, bid or milestone.
  Mandatory events are always e-mailed immediately and cannot be switched off;
  they carry no unsubscribe link.
- `audience`: who may receive it, only used to decide which rows the
  preferences page shows (operators' and reviewers' events are hidden from
  everybody else).
- `label`: what the preferences page calls this kind of notification.
- `subject`, `body`, `action`: translatable `%(name)s` format strings filled
  from the `context` passed to `notify()`. A missing context key renders as
  an empty string (and is logged) rather than failing a delivery. `body` may
  contain blank lines between paragraphs. `action` labels the link to the
  object (`context["url"]`, a site-relative path).
- `formats`: optional per-key formatting of context values (dates, choice labels).

Context key "feedback" is special: a list of
{"criterion", "score", "max", "comment"} dicts (or a plain string) that the
e-mail and the inbox render after the body, as a table in HTML and as lines
in text. Do not reference it in `body`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import formats as django_formats
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

Formatter = Callable[[Any], str]


class Category(models.TextChoices):
    ACCOUNT = "account", _("Account and security")
    ORGANIZATION = "organization", _("Organizations")
    CHALLENGE = "challenge", _("Challenges")
    BID = "bid", _("Bids and partners")
    REVIEW = "review", _("Reviews")
    DECISION = "decision", _("Decisions")
    VALIDATION = "validation", _("Milestones and validation")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    OPERATORS = "operators", _("Programme operators")
    REVIEWERS = "reviewers", _("Reviewers")


# --------------------------------------------------------------------------- formatters
def as_datetime(value: Any) -> str:
    """An ISO date-time (or date) string, shown in the portal's time zone and locale."""
    if isinstance(value, str):
        parsed = parse_datetime(value) or parse_date(value)
        if parsed is None:
            return value
        value = parsed
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return django_formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return django_formats.date_format(value, "DATE_FORMAT")
    return str(value)


def as_choice(path: str) -> Formatter:
    """Show a stored choice value with its (translated) label, e.g. "editor" → "Editor".

    `path` is the dotted path of a `TextChoices` class, imported on use so
    this table does not import the apps that send the events.
    """

    def format_choice(value: Any) -> str:
        try:
            choices = import_string(path)
            return str(choices(value).label)
        except (ImportError, ValueError):
            return str(value)

    return format_choice


@dataclass(frozen=True)
class Event:
    """One kind of notification (see the module docstring)."""

    key: str
    category: str
    label: Any
    subject: Any
    body: Any
    action: Any = _("Open")
    mandatory: bool = False
    audience: str = Audience.EVERYONE
    formats: Mapping[str, Formatter] = field(default_factory=dict)

    @property
    def category_label(self) -> str:
        try:
            return str(Category(self.category).label)
        except ValueError:
            return str(self.category)


ROLE = as_choice("entities.enums.MembershipRole")

# --------------------------------------------------------------------------- the table
EVENTS: list[Event] = [
    # ---- organizations
    Event(
        key="organization.verification_requested",
        category=Category.ORGANIZATION,
        audience=Audience.OPERATORS,
        label=_("An organization asks to be verified"),
        subject=_("Verification requested: %(organization)s"),
        body=_(
            "%(organization)s asks the programme office to verify its registration. "
            "Check the registration documents, then verify or reject the organization."
        ),
        action=_("Check the organization"),
    ),
    Event(
        key="organization.verified",
        category=Category.ORGANIZATION,
        mandatory=True,
        label=_("Your organization is verified"),
        subject=_("%(organization)s is verified"),
        body=_(
            "The programme office has checked the registration documents of "
            "%(organization)s. The organization is verified and can now submit "
            "challenges and bids."
        ),
        action=_("View the organization"),
    ),
    Event(
        key="organization.rejected",
        category=Category.ORGANIZATION,
        mandatory=True,
        label=_("The verification of your organization was not successful"),
        subject=_("%(organization)s could not be verified"),
        body=_(
            "The programme office could not verify %(organization)s.\n\n"
            "Reason: %(reason)s\n\n"
            "Correct the organization's details or documents, then request "
            "verification again."
        ),
        action=_("Update the organization"),
    ),
    Event(
        key="organization.invitation",
        category=Category.ORGANIZATION,
        mandatory=True,
        label=_("Someone invites you to join an organization"),
        subject=_("%(invited_by)s invites you to join %(organization)s"),
        body=_(
            "%(invited_by)s invites you to join %(organization)s on the ASEAN–Guangxi AI "
            "Challenge Portal with the role “%(role)s”.\n\n"
            "The invitation is valid until %(expires_at)s. If you do not have an account "
            "yet, register with this e-mail address first."
        ),
        action=_("Answer the invitation"),
        formats={"role": ROLE, "expires_at": as_datetime},
    ),
    Event(
        key="organization.invitation_accepted",
        category=Category.ORGANIZATION,
        label=_("Someone accepts your invitation to your organization"),
        subject=_("%(member)s joined %(organization)s"),
        body=_("%(member)s accepted your invitation and is now a member of %(organization)s."),
        action=_("View the members"),
    ),
    # ---- challenges
    Event(
        key="challenge.submitted",
        category=Category.CHALLENGE,
        audience=Audience.OPERATORS,
        label=_("A challenge is submitted for vetting"),
        subject=_("Challenge submitted for vetting: %(challenge)s"),
        body=_(
            "%(organization)s submitted the challenge “%(challenge)s”. Vet it, then "
            "publish it, return it for changes or reject it."
        ),
        action=_("Vet the challenge"),
    ),
    Event(
        key="challenge.published",
        category=Category.CHALLENGE,
        mandatory=True,
        label=_("Your challenge is published"),
        subject=_("Your challenge is published: %(challenge)s"),
        body=_(
            "The programme office published “%(challenge)s”. Guangxi organizations can "
            "now apply to lead it."
        ),
        action=_("View the challenge"),
    ),
    Event(
        key="challenge.returned",
        category=Category.CHALLENGE,
        mandatory=True,
        label=_("Your challenge is returned for changes"),
        subject=_("Changes requested: %(challenge)s"),
        body=_(
            "The programme office returned “%(challenge)s” for changes.\n\n"
            "Comment: %(comment)s\n\n"
            "Edit the challenge and submit it again."
        ),
        action=_("Edit the challenge"),
    ),
    Event(
        key="challenge.rejected",
        category=Category.CHALLENGE,
        mandatory=True,
        label=_("Your challenge is not accepted"),
        subject=_("Challenge not accepted: %(challenge)s"),
        body=_(
            "The programme office did not accept the challenge “%(challenge)s”.\n\n"
            "Reason: %(reason)s"
        ),
        action=_("View the challenge"),
    ),
    Event(
        key="challenge.cancelled",
        category=Category.CHALLENGE,
        label=_("A challenge is cancelled"),
        subject=_("Challenge cancelled: %(challenge)s"),
        body=_("The programme office cancelled the challenge “%(challenge)s”. Reason: %(reason)s"),
        action=_("View the challenge"),
    ),
    Event(
        key="challenge.closed",
        category=Category.CHALLENGE,
        label=_("Applications for a challenge close"),
        subject=_("Applications closed: %(challenge)s"),
        body=_(
            "The application period for “%(challenge)s” has ended. The submitted bids "
            "are now being evaluated."
        ),
        action=_("View the challenge"),
    ),
    Event(
        key="challenge.deadline_reminder",
        category=Category.CHALLENGE,
        label=_("A challenge deadline is approaching"),
        subject=_("Deadline approaching: %(challenge)s"),
        body=_(
            "Applications for “%(challenge)s” close on %(deadline)s (days left: "
            "%(days)s). A bid that is not submitted by then cannot be considered."
        ),
        action=_("View the challenge"),
        formats={"deadline": as_datetime},
    ),
    # ---- bids and partners
    Event(
        key="bid.partner_invited",
        category=Category.BID,
        label=_("Your organization is invited to partner on a bid"),
        subject=_("%(applicant)s invites you to partner on “%(challenge)s”"),
        body=_(
            "%(applicant)s is applying to lead the challenge “%(challenge)s” and names "
            "your organization as a partner in its bid %(bid)s. Accept or decline the "
            "invitation."
        ),
        action=_("Answer the invitation"),
    ),
    Event(
        key="bid.partner_accepted",
        category=Category.BID,
        label=_("A partner accepts to join your bid"),
        subject=_("%(partner)s joined your bid for “%(challenge)s”"),
        body=_("%(partner)s accepted to join your bid for “%(challenge)s”."),
        action=_("View the bid"),
    ),
    Event(
        key="bid.partner_declined",
        category=Category.BID,
        label=_("A partner declines to join your bid"),
        subject=_("%(partner)s declined to join your bid for “%(challenge)s”"),
        body=_("%(partner)s declined to join your bid for “%(challenge)s”.\n\nReason: %(reason)s"),
        action=_("View the bid"),
    ),
    Event(
        key="bid.submitted",
        category=Category.BID,
        label=_("A bid is submitted"),
        subject=_("Bid submitted: %(challenge)s"),
        body=_("%(applicant)s submitted a bid to lead “%(challenge)s”."),
        action=_("View the bid"),
    ),
    Event(
        key="bid.withdrawn",
        category=Category.BID,
        label=_("A bid is withdrawn"),
        subject=_("Bid withdrawn: %(challenge)s"),
        body=_("%(applicant)s withdrew its bid for “%(challenge)s”."),
        action=_("View the challenge"),
    ),
    Event(
        key="bid.ineligible",
        category=Category.DECISION,
        mandatory=True,
        label=_("Your bid is ruled ineligible"),
        subject=_("Bid ruled ineligible: %(challenge)s"),
        body=_(
            "The programme office ruled the bid of %(applicant)s for “%(challenge)s” ineligible. "
            "Reason: %(reason)s"
        ),
        action=_("View the bid"),
    ),
    # ---- reviews and decisions
    Event(
        key="review.assigned",
        category=Category.REVIEW,
        audience=Audience.REVIEWERS,
        label=_("You are asked to review the bids of a challenge"),
        subject=_("Review assignment: %(challenge)s"),
        body=_(
            "You are asked to review the bids for “%(challenge)s”. First declare any "
            "conflict of interest, then score the bids in the review panel."
        ),
        action=_("Open the review panel"),
    ),
    Event(
        key="review.invitation",
        category=Category.REVIEW,
        mandatory=True,
        label=_("You are invited to join a review panel"),
        subject=_("Invitation to review the bids for “%(challenge)s”"),
        body=_(
            "%(invited_by)s of the programme office invites you to review the bids for "
            "the challenge “%(challenge)s” posted by %(organization)s.\n\n"
            "Open the link to accept. If you have no account yet, create one with this "
            "e-mail address: it gives you access to the review panel only."
        ),
        action=_("Answer the invitation"),
    ),
    Event(
        key="review.unassigned",
        category=Category.REVIEW,
        audience=Audience.REVIEWERS,
        label=_("You are taken off a review panel"),
        subject=_("Review assignment ended: %(challenge)s"),
        body=_(
            "The programme office has taken you off the review panel of “%(challenge)s”. "
            "You no longer need to review its bids."
        ),
        action=_("Open the review panel"),
    ),
    Event(
        key="review.nominated",
        category=Category.REVIEW,
        audience=Audience.OPERATORS,
        label=_("The demand entity nominates a reviewer"),
        subject=_("Reviewer nominated for “%(challenge)s”"),
        body=_(
            "%(organization)s nominated %(reviewer)s as a reviewer of the bids for "
            "“%(challenge)s”. The nominee is on the panel now; remove them from the "
            "panel page if the nomination is not suitable."
        ),
        action=_("Open the panel"),
    ),
    Event(
        key="review.conflict_declared",
        category=Category.REVIEW,
        audience=Audience.OPERATORS,
        label=_("A reviewer declares a conflict of interest"),
        subject=_("Conflict of interest declared: %(challenge)s"),
        body=_(
            "%(reviewer)s declared a conflict of interest for bid %(bid)s of "
            "“%(challenge)s” and will not review it. Check that the bid still has "
            "enough reviewers."
        ),
        action=_("Open the panel"),
    ),
    Event(
        key="review.submitted",
        category=Category.REVIEW,
        audience=Audience.OPERATORS,
        label=_("A reviewer submits a review"),
        subject=_("Review submitted: %(challenge)s"),
        body=_("%(reviewer)s submitted a review for “%(challenge)s”."),
        action=_("Open the ranking"),
    ),
    Event(
        key="decision.selected",
        category=Category.DECISION,
        mandatory=True,
        label=_("Your bid is selected"),
        subject=_("Your bid is selected: %(challenge)s"),
        body=_(
            "Congratulations: the programme office selected your bid to lead "
            "“%(challenge)s”. The reviewers' feedback follows."
        ),
        action=_("View the decision"),
    ),
    Event(
        key="decision.not_selected",
        category=Category.DECISION,
        mandatory=True,
        label=_("Your bid is not selected"),
        subject=_("Decision on your bid: %(challenge)s"),
        body=_(
            "The programme office has chosen the lead for “%(challenge)s”. Your bid "
            "was not selected this time. The reviewers' feedback follows; we hope it "
            "helps with your next bid."
        ),
        action=_("View the decision"),
    ),
    # ---- milestones and validation
    Event(
        key="milestone.reported",
        category=Category.VALIDATION,
        label=_("A milestone is reported as completed"),
        subject=_("Milestone reported: %(milestone)s"),
        body=_(
            "The lead team reports the milestone “%(milestone)s” of “%(challenge)s” as "
            "completed. Check it in your scenario, then accept or reject it."
        ),
        action=_("Check the milestone"),
    ),
    Event(
        key="milestone.accepted",
        category=Category.VALIDATION,
        mandatory=True,
        label=_("Your milestone is accepted"),
        subject=_("Milestone accepted: %(milestone)s"),
        body=_("The milestone “%(milestone)s” of “%(challenge)s” is accepted."),
        action=_("View the milestone"),
    ),
    Event(
        key="milestone.rejected",
        category=Category.VALIDATION,
        mandatory=True,
        label=_("Your milestone is rejected"),
        subject=_("Milestone rejected: %(milestone)s"),
        body=_(
            "The milestone “%(milestone)s” of “%(challenge)s” is not accepted.\n\n"
            "Comment: %(comment)s"
        ),
        action=_("View the milestone"),
    ),
    Event(
        key="challenge.validated",
        category=Category.VALIDATION,
        mandatory=True,
        label=_("A challenge's solution is validated"),
        subject=_("Solution validated: %(challenge)s"),
        body=_(
            "The solution for “%(challenge)s” passed validation in the demand entity's "
            "scenario. The challenge is complete."
        ),
        action=_("View the challenge"),
    ),
    Event(
        key="challenge.validation_failed",
        category=Category.VALIDATION,
        mandatory=True,
        label=_("A challenge's solution fails validation"),
        subject=_("Validation failed: %(challenge)s"),
        body=_("The solution for “%(challenge)s” did not pass validation.\n\nReason: %(reason)s"),
        action=_("View the challenge"),
    ),
    Event(
        key="challenge.lead_assigned",
        category=Category.DECISION,
        mandatory=True,
        label=_("The lead for your challenge is selected"),
        subject=_("Lead selected: %(challenge)s"),
        body=_(
            "The programme office selected %(lead)s to lead your challenge "
            "“%(challenge)s”. You can now see the selected bid and its milestones; "
            "you will check each milestone in your scenario during validation."
        ),
        action=_("View the challenge"),
    ),
    Event(
        key="validation.started",
        category=Category.VALIDATION,
        mandatory=True,
        label=_("The validation of a challenge starts"),
        subject=_("Validation started: %(challenge)s"),
        body=_(
            "The validation of “%(challenge)s” has started. %(lead)s reports progress on "
            "each milestone with evidence; %(organization)s checks each one in its "
            "scenario and accepts or rejects it."
        ),
        action=_("Open the milestones"),
    ),
    Event(
        key="validation.ready",
        category=Category.VALIDATION,
        audience=Audience.OPERATORS,
        label=_("Every milestone of a challenge is accepted"),
        subject=_("Ready for sign-off: %(challenge)s"),
        body=_(
            "%(organization)s accepted every milestone of “%(challenge)s”. Sign off the "
            "validation, or record that it failed."
        ),
        action=_("Open the validation"),
    ),
]

# Used when a stored or requested key is not in the table (never in tests: they fail).
UNKNOWN_EVENT = Event(
    key="unknown",
    category=Category.OTHER,
    label=_("Other notifications"),
    subject=_("You have a new notification"),
    body=_("There is news on the ASEAN–Guangxi AI Challenge Portal for you."),
    action=_("Open"),
)

REGISTRY: dict[str, Event] = {}
for _event in EVENTS:
    if _event.key in REGISTRY:
        raise ValueError(f"notification event {_event.key!r} is defined twice")
    REGISTRY[_event.key] = _event
del _event


class UnknownEvent(KeyError):
    """Raised (in the test suite) for an event key that is not in `EVENTS`."""


def strict_events() -> bool:
    """Unknown keys fail loudly in the test suite; a running server logs an error instead."""
    return bool(getattr(settings, "TESTING", False))


def get_event(key: str, *, strict: bool | None = None) -> Event:
    """The event for `key`; an unknown key raises (strict) or logs and returns a generic one."""
    event = REGISTRY.get(key)
    if event is not None:
        return event
    if strict if strict is not None else strict_events():
        raise UnknownEvent(f"unknown notification event {key!r}: add it to notifications.events")
    log.error("unknown notification event %r; sending generic text", key)
    return UNKNOWN_EVENT


def audience_allows(audience: str, user: Any) -> bool:
    """Whether `user` is among the people who may receive events of this audience."""
    if audience == Audience.OPERATORS:
        return bool(getattr(user, "is_staff", False))
    if audience == Audience.REVIEWERS:
        return bool(getattr(user, "is_reviewer", False) or getattr(user, "is_staff", False))
    return True
