"""The evaluation desk: the panel's review quorum and the balanced allocation of bids."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from challenges.enums import BidState
from challenges.models import Bid, Challenge
from entities.models import User
from entities.rules import is_operator

from .. import rules
from ..enums import AssignmentStatus, EventAction
from ..models import BidAllocation, ConflictDeclaration, Panel, ReviewerAssignment
from ._common import _lock_panel, _log
from .panels import _notify_assigned


@transaction.atomic
def panel_quorum_set(*, challenge: Challenge, minimum: int, by: User) -> Panel:
    """Set the minimum of submitted reviews each bid needs before the lead is selected."""
    if not is_operator(by):
        raise ValidationError(_("Only the programme office sets the review quorum."))
    panel = _lock_panel(challenge)
    if panel.min_reviews == minimum:
        return panel
    old = panel.min_reviews
    panel.min_reviews = minimum
    panel.full_clean(exclude=["challenge", "created_by"])
    panel.save(update_fields=["min_reviews"])
    _log(
        panel.challenge,
        EventAction.QUORUM_CHANGED,
        by=by,
        subject=_("%(old)s → %(new)s submitted reviews per bid") % {"old": old, "new": minimum},
    )
    return panel


def _valid_pairs(
    panel: Panel, pairs: Iterable[tuple[int, int]]
) -> tuple[dict[int, ReviewerAssignment], list[tuple[int, int]]]:
    """The pairs, checked: active reviewers of this panel, bids under review, no conflict."""
    seats = {
        a.pk: a
        for a in ReviewerAssignment.objects.filter(
            panel=panel, status=AssignmentStatus.ACTIVE, reviewer__isnull=False
        ).select_related("reviewer")
    }
    bids = {
        b.pk: b
        for b in Bid.objects.filter(challenge_id=panel.challenge_id, state=BidState.UNDER_REVIEW)
    }
    declared = set(
        ConflictDeclaration.objects.filter(assignment__panel=panel, has_conflict=True).values_list(
            "assignment_id", "bid_id"
        )
    )
    checked = sorted(set(pairs))
    for seat_id, bid_id in checked:
        if seat_id not in seats or bid_id not in bids:
            raise ValidationError(
                _("The allocation no longer matches the panel or the bids. Review it again.")
            )
        if (seat_id, bid_id) in declared or rules.has_automatic_conflict(
            seats[seat_id].reviewer, bids[bid_id]
        ):
            raise ValidationError(
                _("%(reviewer)s has a conflict of interest with a bid in this allocation.")
                % {"reviewer": seats[seat_id].display_name}
            )
    return seats, checked


@transaction.atomic
def allocation_confirm(
    *, challenge: Challenge, pairs: Iterable[tuple[int, int]], by: User
) -> list[BidAllocation]:
    """Give each (reviewer seat, bid) pair to the reviewer; from then on each sees only theirs.

    Idempotent: pairs already allocated are kept; only new ones are written,
    logged and e-mailed to their reviewers.
    """
    if not is_operator(by):
        raise ValidationError(_("Only the programme office allocates bids to reviewers."))
    panel = _lock_panel(challenge)
    seats, checked = _valid_pairs(panel, pairs)
    if not checked:
        raise ValidationError(_("There is nothing to allocate yet."))
    have = set(
        BidAllocation.objects.filter(assignment__panel=panel).values_list("assignment_id", "bid_id")
    )
    now = timezone.now()
    new = [
        BidAllocation(assignment_id=a, bid_id=b, allocated_by=by, allocated_at=now)
        for a, b in checked
        if (a, b) not in have
    ]
    BidAllocation.objects.bulk_create(new)
    if new:
        _log(
            panel.challenge,
            EventAction.ALLOCATION_CONFIRMED,
            by=by,
            subject=_("%(n)s bids allocated to %(m)s reviewers")
            % {"n": len(new), "m": len({a.assignment_id for a in new})},
            now=now,
        )
    for seat_id in sorted({a.assignment_id for a in new}):
        seat = seats[seat_id]
        seat.panel = panel
        _notify_assigned(seat)
    return new
