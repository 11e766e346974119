"""Programme statistics (public) and the programme office's dashboard.

The numbers come from read-only selectors of the apps that own the data
(`challenges.selectors.statistics`, `challenges.selectors.timeline`,
`evaluation.selectors.statistics`); this module names them in the reader's
language and draws them (`portal.charts`), each chart with a data table.
The public figures are cached for a few minutes (codes and numbers only, so
one cache entry serves every language).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django_countries import countries

from challenges.enums import ChallengeState, CooperationMode, Sector
from challenges.selectors.statistics import (
    BID_BUCKETS,
    ChallengeStatistics,
    bids_per_challenge,
    challenge_statistics,
)
from challenges.selectors.timeline import timeline_items
from entities.rules import is_operator
from evaluation.selectors.statistics import review_progress

from . import charts

CACHE_SECONDS = 300
DAYS_BACK, DAYS_AHEAD = 30, 90


def _funnel_labels() -> dict[str, str]:
    return {
        "posted": _("Submitted for vetting"),
        "listed": _("Published"),
        "evaluated": _("Evaluated"),
        "lead_assigned": _("Lead assigned"),
        "validated": _("Validated"),
    }


def _kinds() -> dict[str, tuple[str, str]]:
    return {
        "deadline": ("primary", _("Bidding deadline")),
        "questions": ("warn", _("Question deadline")),
        "decision": ("ok", _("Lead decided")),
    }


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _chart(kind: str, chart_id: str, title: str, desc: str, items, headers) -> dict[str, Any]:
    """A chart and the rows of its data table (the values formatted for the locale)."""
    draw = charts.funnel_chart if kind == "funnel" else charts.bar_chart
    key = "steps" if kind == "funnel" else "items"
    return {
        "id": chart_id,
        "title": title,
        "svg": draw(chart_id=chart_id, title=title, desc=desc, **{key: items}),
        "headers": headers,
        "rows": [(label, charts.number(value)) for label, value in items],
    }


def _count_charts(stats: ChallengeStatistics) -> list[dict[str, Any]]:
    what = (_("Challenge"), pgettext("a count, column heading", "Number"))
    states = [(_label(ChallengeState, s), n) for s, n in stats.by_state.items()]
    by_country = [(str(countries.name(c)) or c, n) for c, n in stats.by_country.items()]
    sectors = [(_label(Sector, s), n) for s, n in stats.by_sector.items()]
    modes = [(_label(CooperationMode, m), n) for m, n in stats.by_mode.items()]
    return [
        _chart(
            "bars",
            "by-stage",
            _("Challenges by stage"),
            _("How many challenges are in each stage of the programme."),
            states,
            (_("Stage"), what[1]),
        ),
        _chart(
            "bars",
            "by-country",
            _("Challenges by country"),
            _("How many challenges the institutions of each country posted."),
            by_country,
            (_("Country"), what[1]),
        ),
        _chart(
            "bars",
            "by-sector",
            _("Challenges by sector"),
            _("How many challenges there are in each sector."),
            sectors,
            (_("Sector"), what[1]),
        ),
        _chart(
            "bars",
            "by-mode",
            _("Cooperation modes sought"),
            _("How many challenges seek each cooperation mode; a challenge may seek several."),
            modes,
            (_("Cooperation mode"), what[1]),
        ),
    ]


def _funnel(stats: ChallengeStatistics) -> dict[str, Any]:
    labels = _funnel_labels()
    steps = [(labels[key], n) for key, n in stats.funnel]
    chart = _chart(
        "funnel",
        "funnel",
        _("From submission to validation"),
        _(
            "How many challenges reached each step of the programme, and their share of the challenges submitted."
        ),
        steps,
        (_("Step"), _("Challenges")),
    )
    first = steps[0][1] if steps else 0
    chart["rows"] = [
        (label, f"{charts.number(n)} ({charts.percent(n, first)})") for label, n in steps
    ]
    return chart


def _bids_chart(stats: ChallengeStatistics) -> dict[str, Any]:
    top = BID_BUCKETS[-1]
    items = [
        (
            _("%(n)s or more bids") % {"n": charts.number(bucket)}
            if bucket == top
            else ngettext("%(n)s bid", "%(n)s bids", bucket) % {"n": charts.number(bucket)},
            count,
        )
        for bucket, count in stats.bids_histogram
    ]
    return _chart(
        "bars",
        "bids",
        _("Bids per challenge"),
        _(
            "How many challenges whose bidding has closed received no bid, one bid, two bids and so on."
        ),
        items,
        (_("Bids received"), _("Challenges")),
    )


def _timeline(items, *, now: dt.datetime) -> dict[str, Any]:
    kinds = _kinds()
    points = [charts.TimelinePoint(at=i.at, label=i.title, kind=i.kind) for i in items]
    start, end = now - dt.timedelta(days=DAYS_BACK), now + dt.timedelta(days=DAYS_AHEAD)
    svg = charts.timeline_chart(
        chart_id="timeline",
        title=_("Deadlines and decisions"),
        desc=_(
            "Bidding and question deadlines in the next 90 days and lead decisions of the last 30 days, on a time axis."
        ),
        points=points,
        kinds=kinds,
        start=start,
        end=end,
        now=now,
    )
    rows = [(timezone.localtime(i.at), kinds[i.kind][1], i.title, i.challenge_id) for i in items]
    return {"svg": svg, "rows": rows, "start": start, "end": end}


def _public_data(now: dt.datetime) -> dict[str, Any]:
    return {
        "stats": challenge_statistics(public=True),
        "timeline": timeline_items(days_back=DAYS_BACK, days_ahead=DAYS_AHEAD, now=now),
    }


def statistics(request: HttpRequest) -> HttpResponse:
    """The public statistics of the programme."""
    now = timezone.now()
    data = cache.get_or_set("portal:statistics:v1", lambda: _public_data(now), CACHE_SECONDS)
    stats = data["stats"]
    return render(
        request,
        "portal/statistics.html",
        {
            "stats": stats,
            "funnel": _funnel(stats),
            "charts": _count_charts(stats),
            "bids": _bids_chart(stats),
            "timeline": _timeline(data["timeline"], now=now),
            "countries": len(stats.by_country),
            "leads": dict(stats.funnel).get("lead_assigned", 0),
        },
    )


@login_required
def operator_dashboard(request: HttpRequest) -> HttpResponse:
    """The programme office's dashboard (operators only; a 404 for anyone else)."""
    if not is_operator(request.user):
        raise Http404
    now = timezone.now()
    stats = challenge_statistics(public=False)
    open_challenges = bids_per_challenge()
    bids = _chart(
        "bars",
        "bids-open",
        _("Bids per open challenge"),
        _("Submitted bids of each challenge that is open or under evaluation."),
        [(c.title, c.submitted) for c in open_challenges],
        (_("Challenge"), _("Bids")),
    )
    return render(
        request,
        "portal/operator_dashboard.html",
        {
            "stats": stats,
            "funnel": _funnel(stats),
            "charts": _count_charts(stats),
            "bids": bids,
            "open_challenges": open_challenges,
            "panels": review_progress(),
            "timeline": _timeline(
                timeline_items(days_back=DAYS_BACK, days_ahead=DAYS_AHEAD, now=now), now=now
            ),
        },
    )
