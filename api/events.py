"""Notification events of personal access tokens (registered at start-up)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications.events import Event, as_datetime

EVENTS: list[Event] = [
    Event(
        key="token.created",
        category="account",
        mandatory=True,
        label=_("A personal access token is created for your account"),
        subject=_("New API access token: %(name)s"),
        body=_(
            "A personal access token named “%(name)s” was created for your account with "
            "access to %(organization)s until %(expires)s.\n\n"
            "If you did not create it, revoke it now and change your password."
        ),
        action=_("Manage your tokens"),
        formats={"expires": as_datetime},
    ),
]
