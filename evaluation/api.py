"""REST endpoints of the public results (mounted by `api` under `/api/v1/`).

Only what the results page publishes (`selectors.results`): the selected
lead, its accepted partners, the cooperation modes, the decision date and,
after validation, the KPIs with confirmed achieved values. Never scores,
rankings, reviewers or other bids.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from challenges.api import CountryCode, ModeCode, OrganizationOut, SectorCode
from challenges.enums import CooperationMode
from challenges.selectors import challenge_detail
from core.api import Absent, ObjectId, Page, PageQuery, paginate, responses

from .selectors.results import PublicResult, public_result, public_results, results_of

router = Router(tags=["Results"])


class ResultKPIOut(Schema):
    metric: str
    target: str
    baseline: str
    achieved: str = Field(description="Confirmed by the demand entity; empty until then.")
    note: str


class ResultOut(Schema):
    challenge_id: int
    challenge_title: str
    challenge_url: str
    demand_organization: OrganizationOut
    sector: SectorCode | Literal[""]
    lead: OrganizationOut
    partners: list[OrganizationOut]
    cooperation_modes: list[ModeCode]
    cooperation_mode_labels: list[str]
    decided_at: dt.datetime
    validated: bool


class ResultDetailOut(ResultOut):
    kpis: list[ResultKPIOut]


class ResultFilters(Schema):
    country: CountryCode | Absent = Field(None, description="The demand entity's country.")
    sector: SectorCode | Absent = None
    year: Annotated[int, Field(ge=2000, le=2100)] | Absent = Field(
        None, description="Year of the decision."
    )


def _org(organization) -> dict:
    return {"name": organization.legal_name, "country": organization.country.code}


def _result(request: HttpRequest, result: PublicResult, modes: list[str]) -> dict:
    challenge = result.challenge
    return {
        "challenge_id": challenge.pk,
        "challenge_title": challenge.title,
        "challenge_url": request.build_absolute_uri(challenge.get_absolute_url()),
        "demand_organization": _org(challenge.organization),
        "sector": challenge.sector,
        "lead": _org(result.lead),
        "partners": [_org(p) for p in result.partners],
        "cooperation_modes": modes,
        "cooperation_mode_labels": result.modes,
        "decided_at": result.decided_at,
        "validated": result.validated,
        "kpis": [vars(kpi) for kpi in result.kpis],
    }


@router.get("/results/", response=responses(Page[ResultOut]), summary="Selected leads")
def result_list(request: HttpRequest, filters: Query[ResultFilters], paging: Query[PageQuery]):
    """Challenges whose lead is selected, newest decision first, filtered like the results page."""
    decisions = public_results(
        country=filters.country or "", sector=filters.sector or "", year=filters.year
    )
    page = paginate(decisions, paging)
    page["results"] = [
        _result(request, result, [plan.mode for plan in decision.bid.mode_plans.all()])
        for decision, result in zip(page["results"], results_of(page["results"]), strict=True)
    ]
    return page


@router.get(
    "/challenges/{challenge_id}/result/",
    response=responses(ResultDetailOut),
    summary="The result of one challenge",
)
def result_detail(request: HttpRequest, challenge_id: ObjectId):
    """The selected lead of a challenge and, once validated, its KPIs; 404 before a decision."""
    challenge = challenge_detail(challenge_id)
    result = public_result(challenge) if challenge is not None else None
    if result is None:
        raise Http404
    # The result carries the modes as labels in the active language; back to their codes.
    codes = {str(label): value for value, label in CooperationMode.choices}
    return _result(request, result, [codes[label] for label in result.modes if label in codes])
