"""Signal receivers: an invited reviewer who confirms the invited address joins the panel."""

from __future__ import annotations

from typing import Any

from challenges.models import Bid

from .models import Panel
from .selectors import invalidate_ranking
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


# --------------------------------------------------------------------------- ranking cache
def ranking_stale_on_review(sender, instance, **kwargs) -> None:
    """A review saved (e.g. submitted) or deleted: its challenge's ranking is recomputed."""
    challenge_id = (
        Bid.objects.filter(pk=instance.bid_id).values_list("challenge_id", flat=True).first()
    )
    invalidate_ranking(challenge_id)


def ranking_stale_on_criterion(sender, instance, **kwargs) -> None:
    """The rubric changed."""
    invalidate_ranking(instance.challenge_id)


def ranking_stale_on_assignment(sender, instance, **kwargs) -> None:
    """A reviewer joined or left the panel: which reviews count changed."""
    challenge_id = (
        Panel.objects.filter(pk=instance.panel_id).values_list("challenge_id", flat=True).first()
    )
    invalidate_ranking(challenge_id)


def ranking_stale_on_bid(sender, instance, **kwargs) -> None:
    """A bid's state changed (one at a time)."""
    invalidate_ranking(instance.challenge_id)


def ranking_stale_on_bid_changes(changes) -> None:
    """Bid machine observer: bids changed state in bulk (e.g. review started, not selected)."""
    for challenge_id in {change.obj.challenge_id for change in changes}:
        invalidate_ranking(challenge_id)
