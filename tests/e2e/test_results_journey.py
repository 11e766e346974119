"""Feeds, saved searches, public results, statistics and the operator dashboard in a browser.

Each journey takes screenshots at desktop width and on a 390 px phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from challenges.models import SavedSearch
from evaluation import services
from evaluation.enums import KPIState
from evaluation.models import KPIAchievement, MilestoneValidation
from tests.challenges.factories import listed_challenge
from tests.e2e.conftest import pass_second_factor, shot
from tests.evaluation.conftest import assign, build_scenario, review
from tests.factories import ReviewerFactory, UserFactory, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


def sign_in(page, base: str, email: str, start: str = "/accounts/login/") -> None:
    page.goto(base + start)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    pass_second_factor(page)


def both_widths(page, name: str) -> None:
    shot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    shot(page, f"{name}-phone")
    # Nothing may stick out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.set_viewport_size(DESKTOP)


def test_saved_search_journey(new_page, live_server, operator):
    base = live_server.url
    rice = listed_challenge(title="Rice blast detection from drone images")
    listed_challenge(title="Flood warning for Mekong towns", sector="disaster_warning")
    fan = UserFactory(email="fan@example.org", full_name="Farah Fan")

    page = new_page()
    page.goto(base + "/challenges/?sector=agriculture")
    expect(page.get_by_role("link", name=rice.title)).to_be_visible()
    rss = page.locator('link[rel="alternate"][type="application/rss+xml"]')
    assert "sector=agriculture" in rss.get_attribute("href")
    expect(page.get_by_role("link", name="RSS feed")).to_be_visible()
    expect(
        page.get_by_role("link", name="Sign in to save this search and get e-mail alerts")
    ).to_be_visible()
    both_widths(page, "listing-follow-anonymous")

    sign_in(
        page, base, fan.email, start="/accounts/login/?next=/challenges/%3Fsector%3Dagriculture"
    )
    page.goto(base + "/challenges/?sector=agriculture&q=rice")
    page.get_by_label("Save this search and get new matching challenges by e-mail").fill(
        "Rice and agriculture"
    )
    page.get_by_role("button", name="Save this search").click()
    expect(page.get_by_text("Search “Rice and agriculture” saved.")).to_be_visible()
    saved = SavedSearch.objects.get(user=fan)
    assert (saved.query, saved.sector) == ("rice", "agriculture")
    both_widths(page, "listing-search-saved")

    page.get_by_role("link", name="Your saved searches").click()
    expect(page.get_by_role("heading", name="Your saved searches")).to_be_visible()
    expect(page.get_by_text("Sector: Agriculture")).to_be_visible()
    both_widths(page, "saved-searches")
    page.get_by_role("link", name=re.compile("^Rename")).click()
    page.get_by_label("Name of the search").fill("Rice in the Mekong")
    shot(page, "saved-search-rename")
    page.get_by_role("button", name="Rename").click()
    expect(page.get_by_role("link", name="Rice in the Mekong", exact=True)).to_be_visible()
    page.get_by_role("link", name=re.compile("^Delete")).click()
    expect(
        page.get_by_role("heading", name="Delete the saved search “Rice in the Mekong”?")
    ).to_be_visible()
    both_widths(page, "saved-search-delete-confirm")
    page.get_by_role("button", name="Delete the saved search").click()
    expect(page.get_by_role("heading", name="No saved search yet")).to_be_visible()
    assert not SavedSearch.objects.exists()
    shot(page, "saved-searches-empty")


def test_results_journey(new_page, live_server, operator):
    base = live_server.url
    s = build_scenario(operator=operator)
    services.panel_create(challenge=s.challenge, by=operator)
    seat = assign(s, ReviewerFactory())
    review(seat, s.bids[0], 9)
    services.decision_create(
        challenge=s.challenge,
        bid=s.bids[0],
        rationale="Best.",
        quorum_override="Decided in a test before the full quorum.",
        by=operator,
    )
    services.validation_start(challenge=s.challenge, by=operator)
    lead = s.applicants[0]
    demand = UserFactory(email="dora@example.org", full_name="Dora Demand")
    add_member(s.challenge.organization, demand)

    # The lead reports the achieved value on the validation page.
    page = new_page()
    sign_in(page, base, lead.email)
    page.goto(base + f"/validation/{s.challenge.pk}/")
    expect(page.get_by_role("heading", name="Achieved KPI values")).to_be_visible()
    page.get_by_label("Achieved value: Recall").fill("87 %")
    page.get_by_label("Note: Recall").fill("Held-out set of 2,000 images, checked in Can Tho.")
    both_widths(page, "validation-kpi-report-form")
    page.get_by_role("button", name="Send the values for confirmation").click()
    expect(
        page.get_by_text("1 achieved value sent to the demand entity for confirmation.")
    ).to_be_visible()

    # The demand entity confirms it.
    other = new_page()
    sign_in(other, base, demand.email)
    other.goto(base + f"/validation/{s.challenge.pk}/")
    expect(other.get_by_role("heading", name="Confirm the reported values")).to_be_visible()
    other.get_by_label("Confirm", exact=True).check()
    both_widths(other, "validation-kpi-confirm-form")
    other.get_by_role("button", name="Record my answers").click()
    expect(other.get_by_text("Your answers are recorded.")).to_be_visible()
    assert KPIAchievement.objects.get().state == KPIState.CONFIRMED
    shot(other, "validation-kpi-confirmed")

    # Milestones accepted and signed off; the public sees the result.
    for validation in MilestoneValidation.objects.filter(challenge=s.challenge):
        services.milestone_report(validation=validation, text="Delivered.", by=lead)
        services.milestone_decide(validation=validation, accept=True, by=demand)
    services.validation_sign_off(challenge=s.challenge, by=operator)
    public = new_page()
    public.goto(base + s.challenge.get_absolute_url())
    block = public.locator("#result")
    expect(block.get_by_role("heading", name="Selected lead")).to_be_visible()
    expect(block).to_contain_text(s.bids[0].applicant.legal_name)
    expect(block).to_contain_text(s.partner.legal_name)
    expect(block).to_contain_text("87 %")
    expect(block).not_to_contain_text(s.bids[1].applicant.legal_name)
    both_widths(public, "challenge-public-result")
    public.get_by_role("link", name="Results", exact=True).click()
    expect(public.get_by_role("heading", name="Results of the programme")).to_be_visible()
    expect(public.get_by_role("link", name=s.challenge.title)).to_be_visible()
    both_widths(public, "results-page")
    public.get_by_label("Country").select_option("TH")
    public.get_by_role("button", name="Apply filters").click()
    expect(public.get_by_role("heading", name="No result yet")).to_be_visible()
    shot(public, "results-page-filtered-empty")


def test_statistics_and_operator_dashboard(new_page, live_server, operator):
    base = live_server.url
    operator.set_password(PASSWORD)
    operator.save()
    s = build_scenario(operator=operator)
    services.panel_create(challenge=s.challenge, by=operator)
    review(assign(s), s.bids[0], 8)
    listed_challenge(title="Clinic triage assistant", sector="health")

    page = new_page()
    page.goto(base + "/statistics/")
    expect(page.get_by_role("heading", name="Programme statistics")).to_be_visible()
    expect(page.get_by_role("img", name="From submission to validation")).to_be_visible()
    expect(page.get_by_role("img", name="Challenges by country")).to_be_visible()
    expect(page.get_by_role("table").first).to_be_visible()
    both_widths(page, "statistics")

    sign_in(page, base, operator.email)
    page.get_by_role("link", name="Operator desk").click()
    expect(page.get_by_role("heading", name="Programme dashboard")).to_be_visible()
    expect(page.get_by_role("heading", name="Review progress per panel")).to_be_visible()
    progress = page.locator("progress")
    expect(progress).to_have_count(1)
    assert progress.get_attribute("value") == "50"
    expect(page.get_by_text("1 of 2 reviews (50 %)")).to_be_visible()
    both_widths(page, "operator-dashboard")
