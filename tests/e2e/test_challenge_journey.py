"""Stage 1 in a real browser: an ASEAN editor drafts and submits a challenge, an operator
publishes it, and an anonymous visitor finds it by search."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from challenges.enums import ChallengeState
from challenges.models import Challenge
from entities.enums import MembershipRole
from tests.e2e.conftest import pass_second_factor, shot
from tests.factories import OrganizationFactory, UserFactory, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
TITLE = "Typhoon damage assessment from aerial imagery in Eastern Visayas"


def sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    pass_second_factor(page)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_challenge_journey(new_page, live_server, settings):
    base = live_server.url
    settings.SITE_URL = base
    organization = OrganizationFactory(
        asean=True,
        capabilities=True,
        legal_name="Philippine Disaster Resilience Foundation",
        country="PH",
        registry="ph_sec",
        registration_number="CS201012345",
    )
    editor = UserFactory(email="maria.santos@pdrf.example", full_name="Maria Santos")
    add_member(organization, editor, MembershipRole.EDITOR)
    operator = UserFactory(email="zhang.min@gxdost.example", full_name="Zhang Min", is_staff=True)

    # --- the ASEAN editor drafts the challenge
    page = new_page()
    sign_in(page, base, editor.email)
    expect(page.get_by_role("heading", name="Your challenges")).to_be_visible()
    shot(page, "editor-dashboard")
    page.get_by_role("link", name="Post your first challenge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post a new challenge")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Summary").fill(
        "After each typhoon, damage assessment teams need two weeks to survey affected barangays; "
        "relief reaches the worst-hit households late."
    )
    page.get_by_label("Sector").select_option("disaster_warning")
    page.get_by_label("Problem statement").fill(
        "Classify building damage from drone and aerial images within 48 hours."
    )
    page.get_by_label("Operational scenario").fill(
        "Provincial disaster offices in Leyte and Samar, 120 barangays."
    )
    page.get_by_label("Local data: kind").fill("Aerial images of past typhoons with damage labels")
    page.get_by_label("Local data: size").fill("40,000 images")
    page.get_by_label("Local data: access terms").fill(
        "Shared under a data agreement with the foundation."
    )
    page.get_by_label("Experimental environment and infrastructure offered").fill(
        "Drone teams and a GPU server in Tacloban."
    )
    page.get_by_label("Expected outcomes", exact=True).fill(
        "Damage maps within 48 hours of landfall."
    )
    page.get_by_label("Indicator 1").fill("Time to damage map")
    page.get_by_label("Target 1").fill("≤ 48 h")
    page.get_by_label("Collaborative R&D").check()
    page.get_by_label("Personnel training").check()
    page.get_by_label("Budget from").fill("2000000")
    page.get_by_label("Budget up to").fill("1000000")  # below the lower end: refused
    page.get_by_label("Currency").select_option("PHP")
    page.get_by_label("Expected duration (months)").fill("12")
    deadline = timezone.localtime(timezone.now() + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Bidding deadline (Beijing time, UTC+8)").fill(deadline)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#form-errors")).to_contain_text("above the upper end")
    assert not Challenge.objects.exists()
    shot(page, "draft-with-error")
    page.get_by_label("Budget up to").fill("5000000")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_role("status").filter(has_text="Preview")).to_be_visible()
    shot(page, "preview")
    challenge = Challenge.objects.get(title=TITLE)
    page.goto(base + f"/challenges/{challenge.pk}/submit/")
    expect(page.get_by_text("Your organization meets every rule today.")).to_be_visible()
    shot(page, "submit-check")
    page.get_by_role("button", name="Submit for vetting").click()
    expect(page.get_by_text("Submitted. The programme office will vet")).to_be_visible()
    shot(page, "submitted")
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.SUBMITTED and challenge.eligibility_record.eligible

    # --- the operator publishes it
    office = new_page()
    sign_in(office, base, operator.email)
    office.get_by_role("link", name="Challenges to vet").click()
    expect(office.get_by_role("link", name=TITLE)).to_be_visible()
    shot(office, "vetting-queue")
    office.get_by_role("link", name=TITLE).click()
    office.get_by_label("Publish: the challenge is listed and open for bids").check()
    shot(office, "vetting-decision")
    office.get_by_role("button", name="Record decision").click()
    expect(office.get_by_text("Published. The challenge is now open for bids.")).to_be_visible()
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.LISTED

    # --- an anonymous visitor finds it
    visitor = new_page()
    visitor.goto(base + "/challenges/")
    visitor.get_by_placeholder(re.compile("Search title")).fill("typhoon damage")
    visitor.get_by_role("button", name="Search", exact=True).click()
    expect(visitor.locator("#result-count")).to_contain_text("1 challenge")
    shot(visitor, "search-results")
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.get_by_text("left to bid")).to_be_visible()
    expect(visitor.get_by_text("Your local time:")).to_be_visible()
    shot(visitor, "public-detail")
