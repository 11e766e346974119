"""The submit pages show the guard's own pre-check: exactly the reasons a refused submission gives."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from challenges import lifecycle
from challenges.enums import BidState, ChallengeState, PartnerStatus
from challenges.models import Bid, BidPartner, Challenge
from entities.enums import MembershipRole
from tests.factories import OrganizationFactory, UserFactory, add_member

from .factories import ChallengeFactory, accepted_partner, draft_bid, listed_challenge

pytestmark = pytest.mark.django_db

_LIST = re.compile(r'<ul class="precheck-errors"[^>]*>(.*?)</ul>', re.S)
_ITEM = re.compile(r"<li>(.*?)</li>", re.S)


def page_reasons(response) -> list[str]:
    """The reasons a page lists under "Before you submit" (empty when there are none)."""
    assert response.status_code == 200
    found = _LIST.search(response.content.decode())
    if found is None:
        return []
    return [html.unescape(item).strip() for item in _ITEM.findall(found.group(1))]


def refused(apply) -> list[str]:
    """The messages of the submission the guard refuses."""
    with pytest.raises(lifecycle.SubmissionRefused) as info:
        apply()
    return info.value.messages


# --------------------------------------------------------------------------- bids
def _editor(bid: Bid):
    return bid.applicant.memberships.first().user


def _invited_partner(bid: Bid) -> BidPartner:
    return BidPartner.objects.create(
        bid=bid,
        organization=OrganizationFactory(asean=True),
        role="Data",
        contribution="Engineers",
        status=PartnerStatus.INVITED,
    )


def _missing_fields(bid: Bid) -> None:
    Bid.objects.filter(pk=bid.pk).update(lead_cv="", technical_approach="")
    bid.milestones.all().delete()


def _pending_partner(bid: Bid) -> None:
    _invited_partner(bid)


def _ineligible_partner(bid: Bid) -> None:
    accepted_partner(bid, OrganizationFactory(asean=True, unverified=True))


def _everything_at_once(bid: Bid) -> None:
    _missing_fields(bid)
    _pending_partner(bid)
    _ineligible_partner(bid)
    bid.mode_plans.all().delete()


@pytest.mark.parametrize(
    "spoil", [_missing_fields, _pending_partner, _ineligible_partner, _everything_at_once]
)
def test_bid_submit_page_lists_exactly_the_guards_reasons(client_for, spoil):
    bid = draft_bid(listed_challenge())
    spoil(bid)
    c = client_for(_editor(bid))
    shown = page_reasons(c.get(reverse("challenges:bid_submit", args=[bid.pk])))
    after_post = page_reasons(c.post(reverse("challenges:bid_submit", args=[bid.pk])))
    guard = refused(lambda: lifecycle.transition_bid(bid, "submit", by=_editor(bid)))
    assert shown and shown == guard == after_post
    assert Bid.objects.get(pk=bid.pk).state == BidState.DRAFT


def test_bid_submit_page_lists_every_reason_at_once(client_for):
    bid = draft_bid(listed_challenge())
    _everything_at_once(bid)
    reasons = " ".join(page_reasons(client_for(_editor(bid)).get(bid_submit_url(bid))))
    partner = bid.partners.filter(status=PartnerStatus.ACCEPTED).get()
    pending = bid.partners.filter(status=PartnerStatus.INVITED).get()
    assert "Still needed:" in reasons and "milestone" in reasons
    assert pending.name in reasons and f"Partner {partner.name}:" in reasons
    assert "cooperation mode" in reasons


def bid_submit_url(bid: Bid) -> str:
    return reverse("challenges:bid_submit", args=[bid.pk])


def test_bid_submit_page_after_the_deadline_lists_the_guards_reasons(client_for):
    challenge = listed_challenge()
    bid = draft_bid(challenge)
    with time_machine.travel(challenge.deadline + dt.timedelta(minutes=1), tick=False):
        c = client_for(_editor(bid))  # signed in now: a session from a month ago has expired
        shown = page_reasons(c.get(bid_submit_url(bid)))
        after_post = page_reasons(c.post(bid_submit_url(bid)))
        guard = refused(lambda: lifecycle.transition_bid(bid, "submit", by=_editor(bid)))
    assert shown == guard == after_post
    assert any("deadline" in reason for reason in shown)


def test_bid_submit_page_of_a_ready_bid_lists_nothing(client_for):
    bid = draft_bid(listed_challenge())
    accepted_partner(bid)
    response = client_for(_editor(bid)).get(bid_submit_url(bid))
    assert page_reasons(response) == []
    assert "Every partner has accepted." in response.content.decode()


def test_bid_detail_shows_the_applicant_the_guards_reasons(client_for):
    bid = draft_bid(listed_challenge())
    _missing_fields(bid)
    _pending_partner(bid)
    shown = page_reasons(
        client_for(_editor(bid)).get(reverse("challenges:bid_detail", args=[bid.pk]))
    )
    assert shown == refused(lambda: lifecycle.transition_bid(bid, "submit", by=_editor(bid)))


def test_bid_detail_shows_no_precheck_to_a_partner(client_for):
    bid = draft_bid(listed_challenge())
    _missing_fields(bid)
    partner = accepted_partner(bid)
    member = UserFactory()
    add_member(partner.organization, member, MembershipRole.MANAGER)
    response = client_for(member).get(reverse("challenges:bid_detail", args=[bid.pk]))
    assert page_reasons(response) == []


# --------------------------------------------------------------------------- challenges
def _challenge_editor(challenge: Challenge):
    user = UserFactory()
    add_member(challenge.organization, user, MembershipRole.EDITOR)
    return user


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: ChallengeFactory(summary="", data_kind="", kpis=False), id="missing"),
        pytest.param(
            lambda: ChallengeFactory(
                organization=OrganizationFactory(asean=True, capabilities=True, unverified=True)
            ),
            id="ineligible",
        ),
        pytest.param(
            lambda: ChallengeFactory(deadline=timezone.now() - dt.timedelta(days=1)),
            id="past-deadline",
        ),
    ],
)
def test_challenge_submit_page_lists_exactly_the_guards_reasons(client_for, make):
    challenge = make()
    user = _challenge_editor(challenge)
    c = client_for(user)
    url = reverse("challenges:submit", args=[challenge.pk])
    shown = page_reasons(c.get(url))
    after_post = page_reasons(c.post(url))
    guard = refused(lambda: lifecycle.transition_challenge(challenge, "submit", by=user))
    assert shown and shown == guard == after_post
    assert Challenge.objects.get(pk=challenge.pk).state == ChallengeState.DRAFT


def test_challenge_edit_page_precheck_shows_what_is_missing(client_for):
    challenge = ChallengeFactory(kpis=False)
    page = (
        client_for(_challenge_editor(challenge))
        .get(reverse("challenges:edit", args=[challenge.pk]))
        .content.decode()
    )
    assert "Still needed before submitting:" in page
    assert "at least one measurable target (KPI)" in page


def test_challenge_submit_page_of_a_complete_draft_lists_nothing(client_for):
    challenge = ChallengeFactory()
    response = client_for(_challenge_editor(challenge)).get(
        reverse("challenges:submit", args=[challenge.pk])
    )
    assert page_reasons(response) == []
    assert "Everything required is filled in." in response.content.decode()
