"""Signal receivers: an invited reviewer who confirms the invited address joins the panel."""

from __future__ import annotations

from typing import Any

from .services import conflicts_detect_for_reviewer, reviewer_invitations_accept_for


def accept_reviewer_invitations(
    sender: Any, request: Any = None, email_address: Any = None, **kwargs: Any
) -> None:
    """allauth `email_confirmed`: accept open reviewer invitations sent to that address.

    The invitation link went to this address and the new account has just
    proved it owns the address, so the invitee joins the panel(s) without a
    further click; the account gets reviewer access and nothing else.
    """
    user = getattr(email_address, "user", None)
    if user is None or not user.is_active or email_address.email.lower() != user.email.lower():
        return
    reviewer_invitations_accept_for(user=user)


def recheck_conflicts_on_membership(sender: Any, instance: Any, **kwargs: Any) -> None:
    """`post_save` of a Membership: a reviewer who joins a bidding organization is conflicted.

    A membership change is a safe point to write (a GET never records
    conflicts): the reviewer's active assignments are checked again at once,
    so they lose access to the bids of their new organization immediately.
    """
    user = getattr(instance, "user", None)
    if user is None or not getattr(user, "is_reviewer", False):
        return
    conflicts_detect_for_reviewer(reviewer=user)
