"""What the programme office's spreadsheets hold: every challenge and every bid.

Each is one query whatever the number of rows (annotations, no per-row lookups).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from ..enums import BidState, PartnerStatus
from ..models import Bid, Challenge


def challenges_for_export() -> QuerySet[Challenge]:
    """Every challenge in every state, with its bids in competition counted."""
    return (
        Challenge.objects.select_related("organization")
        .annotate(
            bid_count=Count(
                "bids", filter=Q(bids__state__in=BidState.in_competition()), distinct=True
            )
        )
        .order_by("pk")
    )


def bids_for_export() -> QuerySet[Bid]:
    """Every bid past the draft stage, by challenge, with its accepted partners counted."""
    return (
        Bid.objects.exclude(state=BidState.DRAFT)
        .select_related("challenge", "applicant")
        .annotate(
            accepted_partners=Count(
                "partners", filter=Q(partners__status=PartnerStatus.ACCEPTED), distinct=True
            )
        )
        .order_by("challenge_id", "pk")
    )
