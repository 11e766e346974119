"""A challenge taken through the real lifecycle into evaluation, with its panel and helpers.

Built with `portal.demo.builders` (through the services and the lifecycle), as the demo is.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from challenges.models import Bid, Challenge
from entities.enums import MembershipRole
from entities.models import Organization, User
from evaluation import services
from evaluation.models import ReviewerAssignment
from portal.demo import builders
from tests.challenges.factories import draft_bid, listed_challenge, submitted_bid
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


def _partner(series: int) -> Organization:
    """An ASEAN research centre with a manager, who answers partner invitations."""
    organization = OrganizationFactory(
        asean=True, legal_name=f"Partner Borneo{series} Research Centre"
    )
    add_member(
        organization, UserFactory(full_name=f"Partner Manager{series}"), MembershipRole.MANAGER
    )
    return organization


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
            partner_org = _partner(series)
            builders.partner_accepted(bid=bid, organization=partner_org, by=user)
            bid = builders.bid_submitted(bid, by=user)
        else:
            bid = submitted_bid(challenge, applicant)
        made.append(bid)
    ended = timezone.now() - dt.timedelta(hours=1)
    challenge = builders.challenge_close_bidding(challenge, ended=ended)
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
    builders.panel_seated(s.challenge, [], by=operator)
    return s


@pytest.fixture
def blind_scenario(operator) -> Scenario:
    s = build_scenario(operator=operator, blind=True)
    builders.panel_seated(s.challenge, [], by=operator)
    return s


def assign(scenario: Scenario, reviewer: User | None = None) -> ReviewerAssignment:
    reviewer = reviewer or ReviewerFactory()
    return services.reviewer_assign(
        challenge=scenario.challenge, reviewer=reviewer, by=scenario.operator
    )


def full_scores(challenge: Challenge, values: list[int] | int, comment: str = "") -> dict:
    return builders.scores_for(challenge, values, comment)


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
    return builders.review_scored(
        assignment, bid, values, comments=comment, overall=overall, submit=submit
    )


@pytest.fixture
def reviewer_a(db) -> User:
    return ReviewerFactory(full_name="Anna Reviewerova", email="anna.reviewer@example.org")


@pytest.fixture
def reviewer_b(db) -> User:
    return ReviewerFactory(full_name="Boris Reviewerski", email="boris.reviewer@example.org")
