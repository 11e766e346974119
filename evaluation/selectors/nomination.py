"""The demand entity's reviewer nomination: whom it may nominate and whom it did."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from challenges.models import Challenge
from entities.models import Membership

from ..enums import AssignmentStatus
from ..models import ReviewerAssignment


def nominable_members(challenge: Challenge) -> list[Membership]:
    """The demand entity's active members who are not on the panel yet."""
    on_panel = ReviewerAssignment.objects.filter(
        panel__challenge=challenge, reviewer=OuterRef("user")
    ).exclude(status=AssignmentStatus.REMOVED)
    return list(
        Membership.objects.filter(organization=challenge.organization, user__is_active=True)
        .exclude(Exists(on_panel))
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def nomination_of(challenge: Challenge) -> ReviewerAssignment | None:
    return (
        ReviewerAssignment.objects.filter(
            panel__challenge=challenge, nominated_by=challenge.organization
        )
        .exclude(status=AssignmentStatus.REMOVED)
        .select_related("reviewer")
        .first()
    )
