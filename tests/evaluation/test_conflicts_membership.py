"""A reviewer who joins a bidding organization is conflicted at once (a safe point to write)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from entities.enums import MembershipRole
from evaluation.enums import EventAction
from evaluation.models import ConflictDeclaration, EvaluationEvent
from tests.factories import add_member

from .conftest import assign

pytestmark = pytest.mark.django_db


def test_joining_a_bidding_organization_records_the_conflict_and_revokes_review(
    scenario, reviewer_a, client_for
):
    assignment = assign(scenario, reviewer_a)
    bid = scenario.bids[1]
    c = client_for(reviewer_a)
    c.post(
        reverse("review:evaluation_bidtoreview_change", args=[bid.pk]),
        {"action": "declare", "coi-has_conflict": "no"},
    )
    assert reviewer_a.has_perm("challenges.review_bid", bid)
    assert not ConflictDeclaration.objects.filter(assignment=assignment, has_conflict=True).exists()

    add_member(bid.applicant, reviewer_a, MembershipRole.VIEWER)

    declaration = ConflictDeclaration.objects.get(assignment=assignment, bid=bid)
    assert declaration.has_conflict and declaration.automatic
    assert bid.applicant.legal_name in declaration.explanation
    reviewer_a.__dict__.pop("_perm_cache", None)
    reviewer_a.__dict__.pop("_user_perm_cache", None)
    fresh = type(reviewer_a).objects.get(pk=reviewer_a.pk)
    assert not fresh.has_perm("challenges.review_bid", bid)
    assert EvaluationEvent.objects.filter(
        action=EventAction.CONFLICT_AUTOMATIC, bid=bid, subject=str(reviewer_a)
    ).exists()
    # A member of a competing bidder is conflicted on the rival bids too.
    assert ConflictDeclaration.objects.filter(
        assignment=assignment, bid=scenario.bids[0], has_conflict=True, automatic=True
    ).exists()


def test_a_membership_of_a_non_reviewer_checks_nothing(
    scenario, reviewer_a, django_assert_num_queries
):
    assign(scenario, reviewer_a)
    outsider = type(reviewer_a).objects.create_user("plain@example.org", "x-long-passphrase-1")
    add_member(scenario.bids[1].applicant, outsider, MembershipRole.VIEWER)
    assert not ConflictDeclaration.objects.filter(assignment__reviewer=outsider).exists()
