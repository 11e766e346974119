"""REST endpoints of challenges and bids (mounted by `api` under `/api/v1/`).

`public`: listed challenges with exactly the public listing's filters,
search and sort (the same `ChallengeFilter`), read-only, no authentication.
`organization`: the challenges and bids of the organization a personal access
token is scoped to (`request.auth` is the token: `.user`, `.organization`);
the same `rules.py` checks as the pages, and another organization's object
is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import Http404, HttpRequest, QueryDict
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from core.api import Absent, ObjectId, Page, PageQuery, paginate, responses
from entities.eligibility import CURRENT_RULESET

from . import rules, selectors
from .enums import BidState, ChallengeState, CooperationMode, Sector
from .forms import ChallengeFilter
from .models import Bid, Challenge

public = Router(tags=["Challenges"])
organization = Router(tags=["Your organization"])

CountryCode = Literal[tuple(sorted(CURRENT_RULESET.asean_members))]  # type: ignore[valid-type]
SectorCode = Literal[tuple(Sector.values)]  # type: ignore[valid-type]
ModeCode = Literal[tuple(CooperationMode.values)]  # type: ignore[valid-type]
ChallengeStateCode = Literal[tuple(ChallengeState.values)]  # type: ignore[valid-type]
BidStateCode = Literal[tuple(BidState.values)]  # type: ignore[valid-type]


# --------------------------------------------------------------------------- schemas
class OrganizationOut(Schema):
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")


class ChallengeOut(Schema):
    id: int
    title: str
    summary: str
    organization: OrganizationOut
    sector: SectorCode | Literal[""]
    sector_label: str
    cooperation_modes: list[ModeCode]
    state: ChallengeStateCode
    state_label: str
    open_for_bids: bool
    deadline: dt.datetime | None
    published_at: dt.datetime | None
    budget_min: str | None = Field(description="A decimal number as a string, or null.")
    budget_max: str | None = Field(description="A decimal number as a string, or null.")
    currency: str
    duration_months: int | None
    url: str = Field(description="The challenge's page on the portal.")


class KPIOut(Schema):
    metric: str
    target: str
    baseline: str


class ChallengeDetailOut(ChallengeOut):
    problem_statement: str
    operational_scenario: str
    expected_outcomes: str
    kpis: list[KPIOut]


class ChallengeFilters(Schema):
    """The public listing's filters (`/challenges/`), with the same meaning."""

    q: str = Field("", max_length=200, description="Words to search for.")
    country: list[CountryCode] = Field(
        default_factory=list, description="The posting organization's country (repeatable)."
    )
    sector: SectorCode | Absent = None
    mode: ModeCode | Absent = Field(None, description="A cooperation mode sought.")
    status: Literal["open", "closed"] | Absent = Field(
        None, description="open: listed and before the deadline; closed: all others."
    )
    deadline_before: str | Absent = Field(
        None,
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        json_schema_extra={"format": "date"},
        description="Deadline on or before this date (YYYY-MM-DD).",
    )
    sort: Literal["relevance", "deadline", "newest"] | Absent = None


class OrganizationChallengeOut(ChallengeOut):
    bid_count: int = Field(description="Bids in competition (submitted or under review).")


class PartnerOut(Schema):
    name: str
    country: str
    status: str


class StateChangeOut(Schema):
    from_state: str
    to_state: str
    at: dt.datetime


class BidOut(Schema):
    id: int
    challenge_id: int
    challenge_title: str
    state: BidStateCode
    state_label: str
    state_changed_at: dt.datetime
    submitted_at: dt.datetime | None
    lead_name: str
    url: str


class BidDetailOut(BidOut):
    cooperation_modes: list[ModeCode]
    partners: list[PartnerOut]
    history: list[StateChangeOut]


# --------------------------------------------------------------------------- converters
def _decimal(value) -> str | None:
    return None if value is None else str(value)


def _challenge(request: HttpRequest, challenge: Challenge) -> dict:
    return {
        "id": challenge.pk,
        "title": challenge.title,
        "summary": challenge.summary,
        "organization": {
            "name": challenge.organization.legal_name,
            "country": challenge.organization.country.code,
        },
        "sector": challenge.sector,
        "sector_label": challenge.get_sector_display() if challenge.sector else "",
        "cooperation_modes": [
            m for m in challenge.cooperation_modes if m in CooperationMode.values
        ],
        "state": challenge.state,
        "state_label": str(challenge.get_state_display()),
        "open_for_bids": challenge.is_open_for_bids,
        "deadline": challenge.deadline,
        "published_at": challenge.published_at,
        "budget_min": _decimal(challenge.budget_min),
        "budget_max": _decimal(challenge.budget_max),
        "currency": challenge.currency,
        "duration_months": challenge.duration_months,
        "url": request.build_absolute_uri(challenge.get_absolute_url()),
        "bid_count": getattr(challenge, "bid_count", 0),
    }


def _challenge_detail(request: HttpRequest, challenge: Challenge) -> dict:
    return {
        **_challenge(request, challenge),
        "problem_statement": challenge.problem_statement,
        "operational_scenario": challenge.operational_scenario,
        "expected_outcomes": challenge.expected_outcomes,
        "kpis": [
            {"metric": k.metric, "target": k.target, "baseline": k.baseline}
            for k in challenge.kpis.all()
        ],
    }


def _bid(request: HttpRequest, bid: Bid) -> dict:
    return {
        "id": bid.pk,
        "challenge_id": bid.challenge_id,
        "challenge_title": bid.challenge.title,
        "state": bid.state,
        "state_label": str(bid.get_state_display()),
        "state_changed_at": bid.state_changed_at,
        "submitted_at": bid.submitted_at,
        "lead_name": bid.lead_name,
        "url": request.build_absolute_uri(bid.get_absolute_url()),
    }


def _listing_filterset(filters: ChallengeFilters) -> ChallengeFilter:
    """The listing's own filterset, bound to the API's (already typed) parameters."""
    data = QueryDict(mutable=True)
    for name in ("q", "sector", "mode", "status", "sort"):
        if getattr(filters, name):
            data[name] = getattr(filters, name)
    data.setlist("country", list(filters.country))
    if filters.deadline_before:
        data["deadline_before"] = filters.deadline_before
    return ChallengeFilter(data, queryset=Challenge.objects.none())


# --------------------------------------------------------------------------- public
@public.get("/challenges/", response=responses(Page[ChallengeOut]), summary="List challenges")
def challenge_list(
    request: HttpRequest, filters: Query[ChallengeFilters], paging: Query[PageQuery]
):
    """Challenges the programme has published, filtered and sorted like the public listing."""
    filterset = _listing_filterset(filters)
    if not filterset.form.is_valid():
        errors = "; ".join(str(e) for errs in filterset.form.errors.values() for e in errs)
        raise HttpError(422, _("Invalid filter: %(errors)s") % {"errors": errors})
    return paginate(filterset.qs, paging, lambda c: _challenge(request, c))


@public.get(
    "/challenges/{challenge_id}/",
    response=responses(ChallengeDetailOut),
    summary="One published challenge",
)
def challenge_detail(request: HttpRequest, challenge_id: ObjectId):
    challenge = selectors.challenge_detail(challenge_id)
    if challenge is None or challenge.state not in ChallengeState.public():
        raise Http404
    return _challenge_detail(request, challenge)


# --------------------------------------------------------------------------- organization
class StateFilter(Schema):
    state: ChallengeStateCode | Absent = None


class BidStateFilter(Schema):
    state: BidStateCode | Absent = None


@organization.get(
    "/challenges/",
    response=responses(Page[OrganizationChallengeOut], token=True),
    summary="Your challenges",
)
def my_challenges(request: HttpRequest, filters: Query[StateFilter], paging: Query[PageQuery]):
    """The challenges of the token's organization, in every state, most recently changed first."""
    challenges = selectors.organization_challenges(request.auth.organization).select_related(
        "organization"
    )
    if filters.state:
        challenges = challenges.filter(state=filters.state)
    return paginate(challenges, paging, lambda c: _challenge(request, c))


@organization.get(
    "/challenges/{challenge_id}/",
    response=responses(ChallengeDetailOut, token=True),
    summary="One of your challenges",
)
def my_challenge(request: HttpRequest, challenge_id: ObjectId):
    token = request.auth
    challenge = selectors.challenge_detail(challenge_id)
    if (
        challenge is None
        or challenge.organization_id != token.organization_id
        or not rules.can_view_challenge_internals(token.user, challenge)
    ):
        raise Http404
    return _challenge_detail(request, challenge)


@organization.get("/bids/", response=responses(Page[BidOut], token=True), summary="Your bids")
def my_bids(request: HttpRequest, filters: Query[BidStateFilter], paging: Query[PageQuery]):
    """The bids the token's organization applied with, most recently changed first."""
    bids = selectors.organization_bids(request.auth.organization)
    if filters.state:
        bids = bids.filter(state=filters.state)
    return paginate(bids, paging, lambda b: _bid(request, b))


@organization.get(
    "/bids/{bid_id}/", response=responses(BidDetailOut, token=True), summary="One of your bids"
)
def my_bid(request: HttpRequest, bid_id: ObjectId):
    """A bid with its partners and every change of its state."""
    token = request.auth
    bid = selectors.bid_detail(bid_id)
    if (
        bid is None
        or bid.applicant_id != token.organization_id
        or not rules.can_view_bid(token.user, bid)
    ):
        raise Http404
    return {
        **_bid(request, bid),
        "cooperation_modes": [p.mode for p in bid.mode_plans.all()],
        "partners": [
            {
                "name": p.organization.legal_name if p.organization else p.invited_name,
                "country": p.organization.country.code if p.organization else "",
                "status": p.status,
            }
            for p in bid.partners.all()
        ],
        "history": [
            {"from_state": t.from_state, "to_state": t.to_state, "at": t.at}
            for t in selectors.bid_history(bid)
        ],
    }
