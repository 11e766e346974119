"""Clarification Q&A in a real browser: a Guangxi member asks privately, the demand entity
answers, the answer appears on the challenge page without the asker's name."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from challenges.models import ClarificationQuestion
from entities.enums import MembershipRole
from tests.challenges.factories import draft_bid, listed_challenge
from tests.e2e.conftest import shot
from tests.e2e.test_challenge_journey import sign_in
from tests.factories import OrganizationFactory, UserFactory, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_questions_journey(new_page, live_server, settings, mailoutbox):
    base = live_server.url
    settings.SITE_URL = base
    challenge = listed_challenge(title="Salinity intrusion maps for the Mekong delta")
    demand_editor = UserFactory(email="editor@demand.example")
    add_member(challenge.organization, demand_editor, MembershipRole.EDITOR)
    asking_org = OrganizationFactory(capabilities=True, legal_name="Nanning Remote Sensing Co")
    asker = UserFactory(email="asker@nanning.example")
    add_member(asking_org, asker, MembershipRole.EDITOR)
    rival_bid = draft_bid(challenge)

    page = new_page()
    sign_in(page, base, asker.email)
    page.goto(base + challenge.get_absolute_url())
    page.get_by_role("link", name="Ask the demand entity a question").click()
    page.get_by_label("Your question").fill("Are the salinity gauges calibrated every season?")
    shot(page, "ask")
    page.get_by_role("button", name="Send the question").click()
    expect(page.get_by_role("status").first).to_contain_text("sent privately")
    expect(page.get_by_text("Waiting for an answer")).to_be_visible()

    answerer = new_page()
    sign_in(answerer, base, demand_editor.email)
    answerer.goto(base + f"/challenges/{challenge.pk}/questions/")
    expect(answerer.get_by_text("Nanning Remote Sensing Co")).to_have_count(0)
    answerer.get_by_role("textbox", name="Answer").fill("Yes, before each dry season.")
    shot(answerer, "answer")
    answerer.get_by_role("button", name="Publish the answer").click()
    expect(answerer.get_by_role("status").first).to_contain_text("published")

    public = new_page()
    public.goto(base + challenge.get_absolute_url())
    qa = public.locator("#questions")
    expect(qa).to_contain_text("Are the salinity gauges calibrated every season?")
    expect(qa).to_contain_text("Yes, before each dry season.")
    expect(public.get_by_text("Nanning Remote Sensing Co")).to_have_count(0)
    shot(public, "published")
    public.set_viewport_size({"width": 390, "height": 844})
    public.goto(base + f"/challenges/{challenge.pk}/questions/")
    shot(public, "questions-phone")
    assert ClarificationQuestion.objects.get().answer == "Yes, before each dry season."
    rival_editor = rival_bid.created_by
    assert any(
        rival_editor.email in m.to and "Clarification published" in m.subject for m in mailoutbox
    )
