"""The challenge page's primary action when the user's organization already bids on it
(issue 15, item 9): "Continue your bid" for a draft, "View your bid" once submitted,
never "Apply to lead"."""

from __future__ import annotations

import re

import pytest

from entities.enums import MembershipRole
from tests.factories import OrganizationFactory, UserFactory, add_member

from .factories import draft_bid, listed_challenge, submitted_bid

pytestmark = pytest.mark.django_db


def _actions(html: str) -> list[str]:
    """The visible labels of the page's buttons and button-styled links."""
    found = re.findall(r'<(?:a|button)[^>]*class="btn[^"]*"[^>]*>([^<]+)</', html)
    return [label.strip() for label in found]


def test_draft_bid_reads_continue_your_bid(client_for):
    challenge = listed_challenge()
    bid = draft_bid(challenge)
    html = client_for(bid.created_by).get(challenge.get_absolute_url()).content.decode()
    actions = _actions(html)
    assert "Continue your bid" in actions
    assert "Apply to lead" not in actions and "View your bid" not in actions
    assert f'href="/bids/{bid.pk}/"' in html


def test_submitted_bid_reads_view_your_bid(client_for):
    challenge = listed_challenge()
    bid = submitted_bid(challenge)
    user = bid.applicant.memberships.first().user
    actions = _actions(client_for(user).get(challenge.get_absolute_url()).content.decode())
    assert "View your bid" in actions
    assert "Apply to lead" not in actions and "Continue your bid" not in actions


def test_without_a_bid_the_action_is_apply_to_lead(client_for):
    challenge = listed_challenge()
    lead = OrganizationFactory(capabilities=True)
    editor = UserFactory()
    add_member(lead, editor, MembershipRole.EDITOR)
    actions = _actions(client_for(editor).get(challenge.get_absolute_url()).content.decode())
    assert "Apply to lead" in actions
    assert "Continue your bid" not in actions and "View your bid" not in actions
