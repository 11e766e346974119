"""Calendar (.ics) downloads: one challenge's dates, or those of the filtered listing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .. import calendars
from ..forms import ChallengeFilter
from ..models import Challenge
from ..selectors import browse_challenges
from ..selectors.timeline import decision_dates
from ._common import challenge_or_404

#: The listing's calendar holds at most this many challenges (the soonest deadlines first).
CALENDAR_SIZE = 200


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def challenge_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The bidding deadline, the question deadline and the decision date of one challenge."""
    challenge = challenge_or_404(request, pk)
    body = calendars.calendar_ics(
        [challenge], name=challenge.title, decisions=decision_dates([challenge.pk])
    )
    return _ics(body, f"challenge-{challenge.pk}-{slugify(challenge.title)[:40]}.ics")


def listing_calendar(request: HttpRequest) -> HttpResponse:
    """The dates of every challenge the listing's filters select."""
    filterset = ChallengeFilter(request.GET or None, queryset=Challenge.objects.none())
    filters = {**filterset.listing_filters(), "sort": "deadline"}
    challenges = list(browse_challenges(**filters)[:CALENDAR_SIZE])
    body = calendars.calendar_ics(
        challenges,
        name=str(_("AI challenges · ASEAN–Guangxi AI Challenge Portal")),
        decisions=decision_dates(c.pk for c in challenges),
    )
    return _ics(body, "challenges.ics")
