"""Bid submission: at most 25 queries with five partners, the same as with one partner."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from challenges.enums import BidState
from challenges.models import Bid
from entities.enums import MembershipRole
from tests.challenges.factories import accepted_partner, draft_bid, listed_challenge
from tests.factories import OrganizationFactory, UserFactory, add_member

from .conftest import statements

pytestmark = pytest.mark.django_db
MAX_QUERIES = 25


def _submit(client_for, partners: int) -> int:
    challenge = listed_challenge()
    applicant = OrganizationFactory(capabilities=True)
    owner = UserFactory()
    add_member(applicant, owner, MembershipRole.OWNER)
    bid = draft_bid(challenge, applicant, by=owner)
    for _ in range(partners):
        accepted_partner(bid, OrganizationFactory(asean=True))
    client = client_for(owner)
    url = reverse("challenges:bid_submit", args=[bid.pk])
    client.get(url)  # warm: session, active organization
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Bid.objects.get(pk=bid.pk).state == BidState.SUBMITTED
    return statements(ctx)


def test_bid_submission_queries_are_few_and_constant_in_partners(client_for):
    one = _submit(client_for, 1)
    five = _submit(client_for, 5)
    assert five <= MAX_QUERIES, five
    assert one == five, (one, five)
