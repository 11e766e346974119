"""The review site's two lists (bids to review, panel seats) in the portal's look.

The review site stays a Django `AdminSite` for its routing and access checks
(`admin_view`: sign-in, reviewer access, two-factor), but its lists are not
Django's change lists: they render portal templates with the portal's header,
language switcher, landmarks and pagination.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .. import selectors
from ._common import BidRow

#: Rows per page on both lists.
PER_PAGE = 50


def page_of(request: HttpRequest, items: QuerySet | list) -> Page:
    """The requested page; a missing, malformed or out-of-range number gives the first or last."""
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


def chosen_challenge(request: HttpRequest, choices: list[tuple[int, str]]) -> int | None:
    """The challenge filter's value if it is one of the reviewer's own challenges, else None."""
    raw = request.GET.get("challenge", "")
    if not raw.isdigit():
        return None
    value = int(raw)
    return value if any(pk == value for pk, _title in choices) else None


def bid_list_context(request: HttpRequest, bids: QuerySet) -> dict[str, Any]:
    """The bid list: the reviewer's bids, filtered by one of their challenges, paginated."""
    choices = [
        (a.panel.challenge_id, a.panel.challenge.title)
        for a in selectors.reviewer_assignments(request.user).order_by(
            "panel__challenge__title", "pk"
        )
    ]
    chosen = chosen_challenge(request, choices)
    if chosen is not None:
        bids = bids.filter(challenge_id=chosen)
    page = page_of(request, bids)
    return {
        "title": _("Bids to review"),
        "subtitle": _(
            "Only the bids of the panels you sit on are listed. Open a bid to declare "
            "a conflict of interest, then score it."
        ),
        "rows": [BidRow.of(bid) for bid in page],
        "page_obj": page,
        "challenge_choices": choices,
        "chosen_challenge": chosen,
    }


def panel_list_context(request: HttpRequest, assignments: QuerySet) -> dict[str, Any]:
    """The reviewer's panel seats, one per challenge, with their progress, paginated."""
    page = page_of(request, assignments)
    seats = list(page)
    for seat in seats:
        seat.to_review = max(seat.bid_count - seat.conflict_count, 0)
        seat.all_done = seat.to_review > 0 and seat.done_count >= seat.to_review
    return {
        "title": _("Your review panels"),
        "subtitle": _(
            "One line per challenge you are asked to review. Open it to read the "
            "challenge and its rubric."
        ),
        "seats": seats,
        "page_obj": page,
    }
