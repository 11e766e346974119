"""Partner finder in a real browser: an organization opts in, a Guangxi editor with a draft
bid finds it in the directory and among the challenge's suggestions, and invites it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from challenges.models import BidPartner
from entities.enums import MembershipRole
from tests.challenges.factories import draft_bid, listed_challenge
from tests.e2e.conftest import shot
from tests.e2e.test_challenge_journey import sign_in
from tests.factories import OrganizationFactory, UserFactory, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_finder_journey(new_page, live_server, settings):
    base = live_server.url
    settings.SITE_URL = base
    challenge = listed_challenge(
        title="Salinity intrusion maps for rice farms",
        summary="Salt water reaches rice paddies; we need remote sensing maps.",
        sector="agriculture",
    )
    partner = OrganizationFactory(asean=True, legal_name="Mekong Remote Sensing Lab")
    manager = UserFactory(email="manager@mekong.example")
    add_member(partner, manager, MembershipRole.MANAGER)
    bid = draft_bid(challenge)

    # The partner opts in to the directory.
    page = new_page()
    sign_in(page, base, manager.email)
    page.goto(
        base + "/partners/my-listing/"
    )  # redirects to the listing of the current organization
    page.get_by_label("List my organization in the partner directory").check()
    page.get_by_label("Capabilities (keywords)").fill("salinity, remote sensing, rice")
    page.get_by_label("Agriculture").check()
    page.get_by_role("button", name="Save listing").click()
    expect(page.get_by_role("status").first).to_contain_text("saved")

    # The bidder searches the directory, then opens the challenge's suggestions.
    bidder = new_page()
    sign_in(bidder, base, bid.created_by.email)
    bidder.goto(base + "/partners/")
    bidder.get_by_label("Search", exact=True).fill("salinity")
    bidder.get_by_role("button", name="Search").click()
    expect(bidder.get_by_role("heading", name="Mekong Remote Sensing Lab")).to_be_visible()
    shot(bidder, "directory")
    bidder.goto(base + challenge.get_absolute_url())
    bidder.get_by_role("link", name="Suggested leads and partners for this challenge").click()
    expect(bidder.get_by_text("matches: salinity, remote sensing, and rice")).to_be_visible()
    bidder.get_by_text("Invite Mekong Remote Sensing Lab to your bid").click()
    bidder.get_by_label("Role in the project").fill("Remote sensing data")
    bidder.get_by_label("Contribution").fill("Sentinel-2 salinity maps")
    shot(bidder, "matches")
    bidder.get_by_role("button", name="Send the invitation").click()
    expect(bidder.get_by_role("status").first).to_contain_text("was invited")
    assert BidPartner.objects.get(bid=bid).organization == partner
    bidder.set_viewport_size({"width": 390, "height": 844})
    bidder.goto(base + "/partners/")
    shot(bidder, "directory-phone")
