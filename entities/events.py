"""Notification events of organizations and memberships (registered at start-up)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications.events import Audience, Event, as_choice, as_datetime, register_category

from .enums import MembershipRole

ORGANIZATION = register_category("organization", _("Organizations"), 20).key
ROLE = as_choice(MembershipRole)

EVENTS: list[Event] = [
    Event(
        key="organization.second_factor_required",
        category=ORGANIZATION,
        mandatory=True,
        label=_("Your organization now requires a second factor"),
        subject=_("%(organization)s now requires a second factor"),
        body=_(
            "%(changed_by)s has decided that everyone working for %(organization)s must "
            "sign in with a second factor: an authenticator app or a passkey, as well as "
            "the password.\n\n"
            "If you have not set one up yet, the portal will ask you to do so before "
            "you can go on working on it."
        ),
        action=_("Set up a second factor"),
    ),
    Event(
        key="organization.verification_requested",
        category=ORGANIZATION,
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
        category=ORGANIZATION,
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
        category=ORGANIZATION,
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
        category=ORGANIZATION,
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
        category=ORGANIZATION,
        label=_("Someone accepts your invitation to your organization"),
        subject=_("%(member)s joined %(organization)s"),
        body=_("%(member)s accepted your invitation and is now a member of %(organization)s."),
        action=_("View the members"),
    ),
]
