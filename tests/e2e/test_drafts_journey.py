"""Drafts that always save, in a real browser: autosave of a new challenge draft
("Saved at …"), the completeness indicator updating, and a warning before leaving."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from challenges.models import Bid, Challenge
from entities.enums import MembershipRole
from tests.challenges.factories import draft_bid, listed_challenge
from tests.e2e.conftest import shot
from tests.e2e.test_challenge_journey import sign_in
from tests.factories import OrganizationFactory, UserFactory, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_challenge_draft_autosaves(new_page, live_server, settings):
    base = live_server.url
    settings.SITE_URL = base
    organization = OrganizationFactory(asean=True, capabilities=True)
    editor = UserFactory(email="editor@asean.example")
    add_member(organization, editor, MembershipRole.EDITOR)
    page = new_page()
    sign_in(page, base, editor.email)
    page.goto(base + "/challenges/new/")
    page.get_by_label("Title").fill("Salinity intrusion maps for the Mekong delta")
    status = page.locator("[data-autosave-status]")
    expect(status).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"), timeout=10_000)
    challenge = Challenge.objects.get()
    assert challenge.title == "Salinity intrusion maps for the Mekong delta"
    # The page now edits the draft that autosave created: no second draft.
    expect(page).to_have_url(re.compile(rf"/challenges/{challenge.pk}/edit/$"))
    page.get_by_label("Summary").fill("Salt water reaches rice fields earlier every year.")
    expect(status).to_have_text(re.compile(r"^Saved at "), timeout=10_000)
    expect(page.locator("[data-completeness]")).to_contain_text("sections done")
    shot(page, "challenge-autosaved")
    challenge.refresh_from_db()
    assert Challenge.objects.count() == 1
    assert challenge.summary == "Salt water reaches rice fields earlier every year."

    # Unsaved changes: leaving the page asks first.
    page.get_by_label("Problem statement").fill("Forecast salinity two weeks ahead.")
    returned = page.evaluate(
        """() => { const e = new Event('beforeunload', {cancelable: true});
                  window.dispatchEvent(e); return e.defaultPrevented; }"""
    )
    assert returned is True
    expect(status).to_have_text(re.compile(r"^Saved at "), timeout=10_000)
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "challenge-autosaved-phone")


def test_bid_draft_autosaves_and_updates_completeness(new_page, live_server, settings):
    base = live_server.url
    settings.SITE_URL = base
    bid = draft_bid(listed_challenge(cooperation_modes=["collaborative_rnd"]))
    page = new_page()
    sign_in(page, base, bid.created_by.email)
    page.goto(base + f"/bids/{bid.pk}/edit/")
    panel = page.locator("[data-completeness]")
    expect(panel).to_contain_text("4 of 4 sections done")
    page.get_by_label("Technical approach").fill("")
    expect(page.locator("[data-autosave-status]")).to_have_text(
        re.compile(r"^Saved at "), timeout=10_000
    )
    expect(panel).to_contain_text("3 of 4 sections done")
    expect(panel.get_by_role("link", name="Approach")).to_have_attribute("href", "#section-2")
    shot(page, "bid-autosaved")
    assert Bid.objects.get(pk=bid.pk).technical_approach == ""
