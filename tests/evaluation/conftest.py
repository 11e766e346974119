"""A challenge taken through the real lifecycle into evaluation, with its panel and helpers."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from challenges import lifecycle
from challenges.models import Bid, Challenge
from entities.enums import MembershipRole
from entities.models import Organization, User
from evaluation import services
from evaluation.models import ReviewerAssignment
from tests.challenges.factories import (
    accepted_partner,
    draft_bid,
    listed_challenge,
    submitted_bid,
)
from tests.factories import OrganizationFactory, ReviewerFactory, UserFactory, add_member


@dataclass
class Scenario:
    """A challenge in evaluation with two bids under review (the first has a partner)."""

    challenge: Challenge
    bids: list[Bid]
    partner: Organization
    demand_owner: User
    operator: User
    applicants: list[User] = field(default_factory=list)

    def refresh(self) -> None:
        self.challenge.refresh_from_db()
        for bid in self.bids:
            bid.refresh_from_db()


_SERIES = itertools.count(1)
_WORDS = [
    "Alpha",
    "Bravo",
    "Cobalt",
    "Delta",
    "Ember",
    "Falcon",
    "Garnet",
    "Harbor",
    "Indigo",
    "Jasper",
]


def build_scenario(*, operator: User, blind: bool = False, bids: int = 2) -> Scenario:
    series = next(_SERIES)
    challenge = listed_challenge(blind_review=blind)
    demand_owner = UserFactory(full_name="Dana Demand")
    add_member(challenge.organization, demand_owner, MembershipRole.OWNER)
    made = []
    applicants = []
    partner_org = None
    for index in range(bids):
        applicant = OrganizationFactory(
            capabilities=True,
            legal_name=f"Applicant {_WORDS[(series + index) % 10]}{series}x{index} Technologies",
        )
        user = UserFactory(full_name=f"Lead User{series}x{index}")
        add_member(applicant, user, MembershipRole.EDITOR)
        applicants.append(user)
        if index == 0:
            # Partners are invited while the bid is a draft; submission needs them accepted.
            bid = draft_bid(challenge, applicant, by=user)
            partner_org = OrganizationFactory(
                asean=True, legal_name=f"Partner Borneo{series} Research Centre"
            )
            accepted_partner(bid, partner_org)
            bid = lifecycle.transition_bid(bid, "submit", by=user)
        else:
            bid = submitted_bid(challenge, applicant)
        made.append(bid)
    Challenge.objects.filter(pk=challenge.pk).update(
        deadline=timezone.now() - dt.timedelta(hours=1)
    )
    challenge = lifecycle.transition_challenge(challenge, "close", by=None)
    for bid in made:
        bid.refresh_from_db()
    return Scenario(
        challenge=challenge,
        bids=made,
        partner=partner_org,
        demand_owner=demand_owner,
        operator=operator,
        applicants=applicants,
    )


@pytest.fixture
def scenario(operator) -> Scenario:
    s = build_scenario(operator=operator)
    services.panel_create(challenge=s.challenge, by=operator)
    return s


@pytest.fixture
def blind_scenario(operator) -> Scenario:
    s = build_scenario(operator=operator, blind=True)
    services.panel_create(challenge=s.challenge, by=operator)
    return s


def assign(scenario: Scenario, reviewer: User | None = None) -> ReviewerAssignment:
    reviewer = reviewer or ReviewerFactory()
    return services.reviewer_assign(
        challenge=scenario.challenge, reviewer=reviewer, by=scenario.operator
    )


def full_scores(challenge: Challenge, values: list[int] | int, comment: str = "") -> dict:
    criteria = list(challenge.criteria.order_by("order", "pk"))
    if isinstance(values, int):
        values = [values] * len(criteria)
    return {c.pk: (v, comment) for c, v in zip(criteria, values, strict=True)}


def review(
    assignment: ReviewerAssignment,
    bid: Bid,
    values: list[int] | int,
    *,
    submit: bool = True,
    comment: str = "",
    overall: str = "",
):
    """Declare no conflict (if not yet), then save or submit scores."""
    from evaluation.models import ConflictDeclaration

    reviewer = assignment.reviewer
    if not ConflictDeclaration.objects.filter(assignment=assignment, bid=bid).exists():
        services.conflict_declare(assignment=assignment, bid=bid, has_conflict=False, by=reviewer)
    return services.review_save(
        assignment=assignment,
        bid=bid,
        scores=full_scores(bid.challenge, values, comment),
        overall_comment=overall,
        by=reviewer,
        submit=submit,
    )


@pytest.fixture
def reviewer_a(db) -> User:
    return ReviewerFactory(full_name="Anna Reviewerova", email="anna.reviewer@example.org")


@pytest.fixture
def reviewer_b(db) -> User:
    return ReviewerFactory(full_name="Boris Reviewerski", email="boris.reviewer@example.org")
