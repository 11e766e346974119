"""Factories and helpers for challenges and bids.

Graphs (a listed challenge, a complete bid, a submitted bid) are built by
`portal.demo.builders` through the services and the lifecycle, as the demo
data is; the content here is small and fixed so that tests can rely on it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from challenges import services
from challenges.enums import BidState, ChallengeState, PartnerStatus
from challenges.models import Bid, BidPartner, Challenge, ChallengeKPI
from entities.enums import MembershipRole
from entities.models import Organization, User
from portal.demo import builders
from tests.factories import OrganizationFactory, UserFactory, add_member

# What complete_bid() writes: one cooperation mode, one milestone, no team or budget lines.
BID_CONTENT = {
    "lead_name": "Chen Hao",
    "lead_title": "Professor",
    "lead_email": "chen.hao@gx.example.org",
    "lead_affiliation": "Guangxi AI Institute",
    "lead_cv": "PhD 2009; 40 papers.",
    "technical_approach": "Self-supervised pre-training, active learning.",
    "scenario_fit": "Trained on the institute's own images.",
    "budget_total": Decimal("200000"),
    "currency": "USD",
    "duration_months": 12,
    "cofunding": "",
    "team": None,
    "budget_lines": None,
}
MILESTONE = {
    "deliverable": "Baseline model",
    "due_month": 4,
    "acceptance_criterion": "Recall 70 %",
    "evidence_expected": "Evaluation report",
}


class ChallengeFactory(factory.django.DjangoModelFactory):
    """A complete draft challenge of a verified ASEAN institution."""

    class Meta:
        model = Challenge
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory, asean=True, capabilities=True)
    title = factory.Sequence(lambda n: f"Rice disease detection from drone images {n}")
    summary = "Farmers lose a third of the harvest to outbreaks seen too late."
    problem_statement = "Detect early-stage blast lesions on multispectral images."
    operational_scenario = "Cooperatives fly drones weekly over 8,000 ha in Can Tho."
    data_kind = "Labelled drone images"
    data_size = "120,000 images"
    data_access_terms = "Used on the institute's servers."
    experimental_environment = "Two pilot cooperatives and a GPU workstation."
    expected_outcomes = "A field-validated model."
    sector = "agriculture"
    cooperation_modes = factory.LazyFunction(lambda: ["collaborative_rnd", "technology_transfer"])
    budget_min = Decimal("100000")
    budget_max = Decimal("300000")
    currency = "USD"
    deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    duration_months = 12
    state = ChallengeState.DRAFT

    @factory.post_generation
    def kpis(self, create, extracted, **kwargs):
        if create and extracted is not False:
            ChallengeKPI.objects.create(
                challenge=self, metric="Recall", target="≥ 85 %", baseline="40 %"
            )


def listed_challenge(**kwargs) -> Challenge:
    """A challenge taken through submit and publish by the lifecycle."""
    challenge = ChallengeFactory(**kwargs)
    operator = User.objects.filter(is_staff=True).first() or UserFactory(is_staff=True)
    author = UserFactory()
    add_member(challenge.organization, author, MembershipRole.EDITOR)
    return builders.challenge_listed(challenge, author=author, operator=operator)


def _bid_content(bid: Bid | None = None) -> dict:
    """BID_CONTENT, keeping the bid's own mode plans and milestones if it has any."""
    modes = {plan.mode: plan.plan for plan in bid.mode_plans.all()} if bid else {}
    modes.setdefault("collaborative_rnd", "Joint lab.")
    has_milestones = bid is not None and bid.milestones.exists()
    return {**BID_CONTENT, "modes": modes, "milestones": None if has_milestones else [MILESTONE]}


def complete_bid(bid: Bid) -> Bid:
    """Fill every field a bid needs before submission (through services.bid_update)."""
    return builders.bid_complete(bid, by=bid.created_by, **_bid_content(bid))


def draft_bid(
    challenge: Challenge, applicant: Organization | None = None, *, by: User | None = None
) -> Bid:
    """A complete draft bid of `applicant` (a new Guangxi enterprise unless given)."""
    applicant = applicant or OrganizationFactory(capabilities=True)
    if by is None:
        by = UserFactory()
        add_member(applicant, by, MembershipRole.EDITOR)
    return builders.bid_draft(challenge=challenge, applicant=applicant, by=by, **_bid_content())


def accepted_partner(bid: Bid, organization: Organization | None = None) -> BidPartner:
    """An accepted partner written directly, past the services' checks: tests need states
    they refuse (a sixth partner). For the real invitation, use builders.partner_accepted."""
    organization = organization or OrganizationFactory(asean=True)
    partner = BidPartner.objects.create(
        bid=bid,
        organization=organization,
        role="Data",
        contribution="Engineers",
        status=PartnerStatus.ACCEPTED,
    )
    services._grant_bid_view(bid, organization)
    return partner


def submitted_bid(challenge: Challenge, applicant: Organization | None = None) -> Bid:
    bid = draft_bid(challenge, applicant)
    return builders.bid_submitted(bid, by=bid.applicant.memberships.first().user)


__all__ = [
    "BidState",
    "ChallengeFactory",
    "accepted_partner",
    "complete_bid",
    "draft_bid",
    "listed_challenge",
    "submitted_bid",
]
