"""Notification events of challenges and bids (registered at start-up)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_countries import countries

from notifications.events import Audience, Event, as_datetime, register_category

CHALLENGE = register_category("challenge", _("Challenges"), 30).key
BID = register_category("bid", _("Bids and partners"), 40).key
DECISION = register_category("decision", _("Decisions"), 60).key
ALERTS = register_category("alerts", _("Saved searches"), 35).key


def as_country(code: object) -> str:
    """A country code shown with its name in the reader's language."""
    return str(countries.name(str(code))) or str(code)


EVENTS: list[Event] = [
    Event(
        key="challenge.submitted",
        category=CHALLENGE,
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
        category=CHALLENGE,
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
        category=CHALLENGE,
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
        category=CHALLENGE,
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
        category=CHALLENGE,
        label=_("A challenge is cancelled"),
        subject=_("Challenge cancelled: %(challenge)s"),
        body=_("The programme office cancelled the challenge “%(challenge)s”. Reason: %(reason)s"),
        action=_("View the challenge"),
    ),
    Event(
        key="challenge.closed",
        category=CHALLENGE,
        label=_("Applications for a challenge close"),
        subject=_("Applications closed: %(challenge)s"),
        body=_(
            "The application period for “%(challenge)s” has ended. The submitted bids "
            "are now being evaluated."
        ),
        action=_("View the challenge"),
    ),
    Event(
        key="challenge.closed_early",
        category=CHALLENGE,
        mandatory=True,
        label=_("Bidding for a challenge closes early"),
        subject=_("Bidding closed early: %(challenge)s"),
        body=_(
            "The programme office closed bidding for “%(challenge)s” before its deadline "
            "(%(previous)s). Bids not submitted by now can no longer be submitted; submitted "
            "bids are being evaluated.\n\nReason: %(reason)s"
        ),
        action=_("View the challenge"),
        formats={"deadline": as_datetime, "previous": as_datetime},
    ),
    Event(
        key="challenge.deadline_extended",
        category=CHALLENGE,
        mandatory=True,
        label=_("The deadline of a challenge is extended"),
        subject=_("New deadline for “%(challenge)s”: %(deadline)s"),
        body=_(
            "The programme office extended the bidding deadline for “%(challenge)s” from "
            "%(previous)s to %(deadline)s.\n\nReason: %(reason)s"
        ),
        action=_("View the challenge"),
        formats={"deadline": as_datetime, "previous": as_datetime},
    ),
    Event(
        key="challenge.deadline_reminder",
        category=CHALLENGE,
        label=_("A challenge deadline is approaching"),
        subject=_("Deadline approaching: %(challenge)s"),
        body=_(
            "Applications for “%(challenge)s” close on %(deadline)s (days left: "
            "%(days)s). A bid that is not submitted by then cannot be considered."
        ),
        action=_("View the challenge"),
        formats={"deadline": as_datetime},
    ),
    Event(
        key="bid.partner_invited",
        category=BID,
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
        category=BID,
        label=_("A partner accepts to join your bid"),
        subject=_("%(partner)s joined your bid for “%(challenge)s”"),
        body=_("%(partner)s accepted to join your bid for “%(challenge)s”."),
        action=_("View the bid"),
    ),
    Event(
        key="bid.partner_declined",
        category=BID,
        label=_("A partner declines to join your bid"),
        subject=_("%(partner)s declined to join your bid for “%(challenge)s”"),
        body=_("%(partner)s declined to join your bid for “%(challenge)s”.\n\nReason: %(reason)s"),
        action=_("View the bid"),
    ),
    Event(
        key="bid.submitted",
        category=BID,
        label=_("A bid is submitted"),
        subject=_("Bid submitted: %(challenge)s"),
        body=_("%(applicant)s submitted a bid to lead “%(challenge)s”."),
        action=_("View the bid"),
    ),
    Event(
        key="bid.withdrawn",
        category=BID,
        label=_("A bid is withdrawn"),
        subject=_("Bid withdrawn: %(challenge)s"),
        body=_("%(applicant)s withdrew its bid for “%(challenge)s”."),
        action=_("View the challenge"),
    ),
    Event(
        key="bid.ineligible",
        category=DECISION,
        mandatory=True,
        label=_("Your bid is ruled ineligible"),
        subject=_("Bid ruled ineligible: %(challenge)s"),
        body=_(
            "The programme office ruled the bid of %(applicant)s for “%(challenge)s” ineligible. "
            "Reason: %(reason)s"
        ),
        action=_("View the bid"),
    ),
    Event(
        key="challenge.search_match",
        category=ALERTS,
        label=_("A new challenge matches one of your saved searches"),
        subject=_("New challenge for “%(search)s”: %(challenge)s"),
        body=_(
            "A new challenge matches your saved search “%(search)s”: “%(challenge)s”, "
            "posted by %(organization)s (%(country)s). Bids are open until %(deadline)s.\n\n"
            "To stop these e-mails, delete the saved search or change your notification "
            "settings."
        ),
        action=_("View the challenge"),
        formats={"deadline": as_datetime, "country": as_country},
    ),
    Event(
        key="question.asked",
        category=CHALLENGE,
        label=_("A bidder asks a question about your challenge"),
        subject=_("New question about “%(challenge)s”"),
        body=_(
            "A Guangxi organization asked a clarification question about “%(challenge)s”:\n\n"
            "%(question)s\n\n"
            "Answer it on the portal; the answer is published on the challenge page for every "
            "bidder, without saying who asked."
        ),
        action=_("Answer the question"),
    ),
    Event(
        key="question.answered",
        category=CHALLENGE,
        label=_("A clarification question about a challenge you bid on is answered"),
        subject=_("Clarification published: %(challenge)s"),
        body=_(
            "A clarification about “%(challenge)s” is published.\n\n"
            "Question: %(question)s\n\n"
            "Answer: %(answer)s"
        ),
        action=_("Read the questions and answers"),
    ),
]
