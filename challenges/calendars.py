"""iCalendar (.ics) files of challenge dates: one challenge, or the filtered listing.

Each challenge gives up to three events: the bidding deadline, the question
deadline (when the challenge has one) and the date the lead was decided
(once it is). Times are written in the portal's time zone (Asia/Shanghai)
with its VTIMEZONE, so calendar programs show them in the reader's own zone.
Texts are in the active language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Challenge

PRODID = "-//ASEAN-Guangxi AI Challenge Portal//Challenges//EN"


@dataclass(frozen=True)
class Moment:
    """One dated event of a challenge."""

    kind: str  # "deadline", "questions" or "decision"
    at: dt.datetime
    summary: str


def question_deadline_of(challenge: Challenge) -> dt.datetime | None:
    """The question deadline, for challenges that have one (the Q&A adds the field)."""
    return getattr(challenge, "question_deadline", None)


def challenge_moments(challenge: Challenge, decided_at: dt.datetime | None) -> list[Moment]:
    """The dated events of one challenge, in the active language."""
    title = challenge.title
    moments = []
    if challenge.deadline:
        moments.append(
            Moment(
                "deadline", challenge.deadline, _("Bidding deadline: %(title)s") % {"title": title}
            )
        )
    questions = question_deadline_of(challenge)
    if questions:
        moments.append(
            Moment("questions", questions, _("Question deadline: %(title)s") % {"title": title})
        )
    if decided_at:
        moments.append(
            Moment("decision", decided_at, _("Lead decided: %(title)s") % {"title": title})
        )
    return moments


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "portal.invalid"


def _event(challenge: Challenge, moment: Moment, *, stamp: dt.datetime, zone: ZoneInfo) -> Event:
    url = settings.SITE_URL + challenge.get_absolute_url()
    event = Event()
    event.add("uid", f"challenge-{challenge.pk}-{moment.kind}@{_host()}")
    event.add("dtstamp", stamp)
    event.add("dtstart", timezone.localtime(moment.at, zone))
    event.add("summary", moment.summary)
    event.add(
        "description",
        _("%(organization)s: %(summary)s\n\nDetails and documents: %(url)s")
        % {
            "organization": challenge.organization.legal_name,
            "summary": challenge.summary,
            "url": url,
        },
    )
    event.add("url", url)
    event.add("categories", [str(_("Challenge"))])
    event.add("transp", "TRANSPARENT")
    return event


def calendar_ics(
    challenges: Iterable[Challenge],
    *,
    name: str,
    decisions: Mapping[int, dt.datetime] | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """An .ics file with the dated events of `challenges` (`decisions`: id → decided at)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    stamp = (now or timezone.now()).astimezone(dt.UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    if get_language():
        calendar.add("x-wr-language", get_language())
    decisions = decisions or {}
    for challenge in challenges:
        for moment in challenge_moments(challenge, decisions.get(challenge.pk)):
            calendar.add_component(_event(challenge, moment, stamp=stamp, zone=zone))
    calendar.add_missing_timezones()
    return calendar.to_ical()
