"""The demo data: built twice without error, the same each time, every stage represented."""

from __future__ import annotations

import importlib.util

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test.utils import override_settings

from challenges.enums import BidState, ChallengeState, PartnerStatus
from challenges.models import Bid, BidPartner, Challenge
from challenges.prechecks import bid_precheck
from entities.models import CapabilityDeclaration, Membership, Organization, User
from evaluation.enums import MilestoneState, ReviewStatus
from evaluation.models import Decision, MilestoneValidation, Review, ReviewerAssignment
from portal.demo import DEMO_ACCOUNTS, DEMO_ORGANIZATIONS, builders, load_demo
from tests.challenges.factories import ChallengeFactory
from tests.factories import OrganizationFactory, UserFactory, add_member

MODELS = (
    User,
    Organization,
    Membership,
    CapabilityDeclaration,
    Challenge,
    Bid,
    BidPartner,
    ReviewerAssignment,
    Review,
    Decision,
    MilestoneValidation,
)


def _load(settings) -> None:
    settings.DEMO_ENABLED = True
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        load_demo()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_load_demo_twice_builds_the_same_data(db, settings):
    _load(settings)
    first = _counts()
    _load(settings)
    assert _counts() == first
    assert first["Organization"] == len(DEMO_ORGANIZATIONS)
    assert first["Challenge"] == 13
    for organization in Organization.objects.all():
        assert organization.is_verified, organization
        assert organization.memberships.filter(role="owner").exists(), organization
        declarations = organization.capabilities.all()
        assert declarations and all(d.evidence.exists() for d in declarations), organization
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(email=account.email)
        assert user.is_demo and user.emailaddress_set.filter(verified=True).exists()


def test_load_demo_refused_when_demo_disabled(db, settings):
    settings.DEMO_ENABLED = False
    with pytest.raises(ImproperlyConfigured):
        load_demo()
    assert not User.objects.exists()


def test_load_demo_covers_every_stage(db, settings):
    _load(settings)
    _assert_challenges()
    _assert_bids()
    _assert_evaluation()
    _assert_validation()


def _assert_challenges() -> None:
    states = {state: Challenge.objects.filter(state=state).count() for state in ChallengeState}
    assert states[ChallengeState.LISTED] == 7
    assert states[ChallengeState.DRAFT] == 2
    assert states[ChallengeState.SUBMITTED] == 1
    assert states[ChallengeState.REJECTED] == 1
    assert states[ChallengeState.EVALUATION] == 1
    assert states[ChallengeState.IN_VALIDATION] == 1
    returned = Challenge.objects.get(title__startswith="Summarising Bahasa Indonesia")
    assert returned.state == ChallengeState.DRAFT and returned.transitions.exists()


def _assert_bids() -> None:
    """Draft (partner invited) and submitted (partner accepted), with all their parts."""
    rice = Challenge.objects.get(title__startswith="Early detection of rice blast")
    draft = rice.bids.get(state=BidState.DRAFT)
    assert draft.partners.get().status == PartnerStatus.INVITED
    submitted = rice.bids.get(state=BidState.SUBMITTED)
    assert submitted.partners.get().status == PartnerStatus.ACCEPTED
    assert submitted.team.exists() and submitted.budget_lines.count() == 2
    assert submitted.milestones.count() == 2 and submitted.mode_plans.count() == 2


def _assert_evaluation() -> None:
    """Retina: two experts have reviewed both bids; the demo reviewer has yet to."""
    retina = Challenge.objects.get(state=ChallengeState.EVALUATION)
    assert retina.bids.filter(state=BidState.UNDER_REVIEW).count() == 2
    reviews = Review.objects.filter(bid__challenge=retina)
    assert reviews.filter(status=ReviewStatus.SUBMITTED).count() == 4
    assert not reviews.filter(assignment__reviewer__email="reviewer@demo.example").exists()
    assert retina.panel.assignments.filter(reviewer__email="reviewer@demo.example").exists()


def _assert_validation() -> None:
    """Shrimp ponds: decided after blind review; one milestone accepted, one reported."""
    shrimp = Challenge.objects.get(state=ChallengeState.IN_VALIDATION)
    assert shrimp.blind_review
    assert Decision.objects.get(challenge=shrimp).bid.state == BidState.SELECTED
    assert Review.objects.filter(bid__challenge=shrimp, status=ReviewStatus.SUBMITTED).count() == 6
    validations = shrimp.milestone_validations.order_by("milestone__due_month")
    assert list(validations.values_list("state", flat=True)) == [
        MilestoneState.ACCEPTED,
        MilestoneState.REPORTED,
    ]


# --------------------------------------------------------------------------- builders
def test_builders_default_bid_content_is_ready_to_submit(db):
    operator = UserFactory(is_staff=True)
    challenge = ChallengeFactory()
    author = UserFactory()
    add_member(challenge.organization, author)
    challenge = builders.challenge_listed(challenge, author=author, operator=operator)
    applicant = OrganizationFactory(capabilities=True)
    lead = UserFactory()
    add_member(applicant, lead)
    partner = OrganizationFactory(asean=True)
    add_member(partner, UserFactory(), "manager")
    bid = builders.bid_draft(challenge=challenge, applicant=applicant, by=lead)
    builders.partner_accepted(bid=bid, organization=partner, by=lead)
    assert bid_precheck(bid).ready, bid_precheck(bid).errors()
    assert builders.bid_submitted(bid, by=lead).state == BidState.SUBMITTED


def test_builders_registered_organization_is_verified_with_its_side_capabilities(db):
    owner = UserFactory()
    organization = builders.organization_registered(
        owner=owner,
        operator=UserFactory(is_staff=True),
        legal_name="Guangxi Builders Test Co., Ltd.",
        country="CN",
        region="Nanning",
        region_code="450100",
        institution_type="enterprise",
        independent_legal_status=True,
        registry="cn_uscc",
        registration_number=builders.make_uscc(777),
        registration_date="2015-03-14",
    )
    assert organization.is_verified
    assert organization.memberships.get().user == owner
    keys = set(organization.capabilities.values_list("key", flat=True))
    assert keys == set(builders.side_capabilities(organization))


@pytest.mark.parametrize("module", ["entities.demo", "challenges.demo", "evaluation.demo"])
def test_no_demo_code_inside_the_apps(module):
    assert importlib.util.find_spec(module) is None
