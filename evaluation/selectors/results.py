"""What the programme publishes once a lead is selected, and the KPIs of the validation.

Public: the lead organization, its accepted partners, the cooperation modes
of the selected bid, the decision date, and after validation the KPI targets
with the achieved values the demand entity confirmed. Never scores, rankings,
reviewers, the decision's rationale or another bid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from challenges.enums import ChallengeState, CooperationMode, PartnerStatus
from challenges.models import BidPartner, Challenge, ChallengeKPI
from entities.models import Organization

from ..models import Decision

#: Challenge states in which the selected lead is public.
RESULT_STATES = (
    ChallengeState.LEAD_ASSIGNED,
    ChallengeState.IN_VALIDATION,
    ChallengeState.VALIDATED,
    ChallengeState.FAILED_VALIDATION,
)


@dataclass
class PublicKPI:
    metric: str
    target: str
    baseline: str
    achieved: str = ""  # only a value the demand entity confirmed
    note: str = ""


@dataclass
class PublicResult:
    """One challenge's public result (see the module docstring)."""

    challenge: Challenge
    lead: Organization
    partners: list[Organization]
    modes: list[str]
    decided_at: dt.datetime
    validated: bool
    kpis: list[PublicKPI] = field(default_factory=list)


def _accepted_partners() -> Prefetch:
    return Prefetch(
        "bid__partners",
        queryset=BidPartner.objects.filter(
            status=PartnerStatus.ACCEPTED, organization__isnull=False
        ).select_related("organization"),
        to_attr="public_partners",
    )


def _mode_labels(bid) -> list[str]:
    return [
        str(CooperationMode(plan.mode).label)
        for plan in bid.mode_plans.all()
        if plan.mode in CooperationMode.values
    ]


def _result(decision: Decision, *, with_kpis: bool) -> PublicResult:
    challenge, bid = decision.challenge, decision.bid
    validated = challenge.state == ChallengeState.VALIDATED
    kpis = []
    if with_kpis and validated:
        for kpi in challenge.kpis.all():
            achievement = getattr(kpi, "achievement", None)
            confirmed = achievement is not None and achievement.is_confirmed
            kpis.append(
                PublicKPI(
                    metric=kpi.metric,
                    target=kpi.target,
                    baseline=kpi.baseline,
                    achieved=achievement.achieved if confirmed else "",
                    note=achievement.note if confirmed else "",
                )
            )
    return PublicResult(
        challenge=challenge,
        lead=bid.applicant,
        partners=[p.organization for p in bid.public_partners],
        modes=_mode_labels(bid),
        decided_at=decision.decided_at,
        validated=validated,
        kpis=kpis,
    )


def _decisions() -> QuerySet[Decision]:
    return (
        Decision.objects.filter(challenge__state__in=RESULT_STATES)
        .select_related("challenge", "challenge__organization", "bid", "bid__applicant")
        .prefetch_related(_accepted_partners(), "bid__mode_plans")
    )


def public_result(challenge: Challenge) -> PublicResult | None:
    """The challenge's public result once a lead is selected (4 queries), else None."""
    if challenge.state not in RESULT_STATES:
        return None
    decision = (
        _decisions()
        .prefetch_related(
            Prefetch(
                "challenge__kpis",
                queryset=ChallengeKPI.objects.select_related("achievement").order_by("order", "pk"),
            )
        )
        .filter(challenge=challenge)
        .first()
    )
    return _result(decision, with_kpis=True) if decision else None


def public_results(
    *, country: str = "", sector: str = "", year: int | None = None
) -> QuerySet[Decision]:
    """Decisions of challenges with a public lead, newest first, filtered."""
    decisions = _decisions()
    if country:
        decisions = decisions.filter(challenge__organization__country=country)
    if sector:
        decisions = decisions.filter(challenge__sector=sector)
    if year:
        decisions = decisions.filter(decided_at__year=year)
    return decisions.order_by("-decided_at", "-pk")


def results_of(decisions) -> list[PublicResult]:
    """A page of `public_results()` as public results (no KPIs: those are on each page)."""
    return [_result(decision, with_kpis=False) for decision in decisions]


def result_years() -> list[int]:
    """The years in which leads were decided (for the results filter)."""
    decided = Decision.objects.filter(challenge__state__in=RESULT_STATES)
    return sorted({d.year for d in decided.dates("decided_at", "year")}, reverse=True)


# --------------------------------------------------------------------------- the validation page
def kpi_rows(challenge: Challenge) -> list[ChallengeKPI]:
    """The challenge's KPIs, each with `.current`: its achieved value record or None."""
    kpis = list(
        ChallengeKPI.objects.filter(challenge=challenge)
        .select_related("achievement", "achievement__reported_by", "achievement__confirmed_by")
        .order_by("order", "pk")
    )
    for kpi in kpis:
        kpi.current = getattr(kpi, "achievement", None)
    return kpis
