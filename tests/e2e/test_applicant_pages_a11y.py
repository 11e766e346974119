"""The applicant's and the reviewer's main pages in a real browser: axe-core finds no
violation of any impact, the review pages fit a 390 px phone, and on a 390 px phone the challenge page shows the deadline and the main action in the
first screen while the listing's filters fold away."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from challenges import clarifications
from challenges.models import DirectoryListing
from entities.enums import MembershipRole
from tests.challenges.factories import draft_bid, listed_challenge
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import shot
from tests.e2e.test_challenge_journey import sign_in
from tests.factories import OrganizationFactory, ReviewerFactory, UserFactory, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world():
    challenge = listed_challenge(
        title="Salinity intrusion maps for rice farms",
        summary="Salt water reaches rice paddies; we need remote sensing maps.",
        sector="agriculture",
    )
    partner = OrganizationFactory(asean=True, legal_name="Mekong Remote Sensing Lab")
    DirectoryListing.objects.create(
        organization=partner, listed=True, capabilities="salinity, rice", sectors=["agriculture"]
    )
    bid = draft_bid(challenge)
    asker = UserFactory()
    add_member(bid.applicant, asker, MembershipRole.VIEWER)
    question = clarifications.question_ask(
        challenge=challenge, organization=bid.applicant, by=asker, text="Is the data labelled?"
    )
    clarifications.question_answer(
        question=question, by=UserFactory(is_staff=True), answer="Yes, by agronomists."
    )
    return challenge, bid


def test_applicant_pages_have_no_axe_violations(new_page, live_server, settings):
    base = live_server.url
    settings.SITE_URL = base
    challenge, bid = _world()
    anonymous = new_page()
    pages = [
        (anonymous, "/challenges/"),
        (anonymous, challenge.get_absolute_url()),
        (anonymous, f"/challenges/{challenge.pk}/questions/"),
    ]
    editor = new_page()
    sign_in(editor, base, bid.created_by.email)
    pages += [
        (editor, challenge.get_absolute_url()),
        (editor, f"/bids/{bid.pk}/edit/"),
        (editor, f"/bids/{bid.pk}/partners/"),
        (editor, f"/bids/{bid.pk}/submit/"),
        (editor, "/partners/"),
        (editor, f"/challenges/{challenge.pk}/matches/"),
    ]
    demand = new_page()
    demand_editor = UserFactory()
    add_member(challenge.organization, demand_editor, MembershipRole.EDITOR)
    sign_in(demand, base, demand_editor.email)
    pages += [(demand, "/challenges/new/"), (demand, f"/challenges/{challenge.pk}/questions/")]
    found = {}
    for page, path in pages:
        page.goto(base + path)
        violations = axe_violations(page)
        if violations:
            found[path] = describe(violations)
    assert not found, "\n\n".join(f"{p}\n{v}" for p, v in found.items())


def test_phone_shows_deadline_and_action_first_and_folds_filters(new_page, live_server, settings):
    base = live_server.url
    settings.SITE_URL = base
    challenge, bid = _world()
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, base, bid.created_by.email)
    page.goto(base + challenge.get_absolute_url())
    cta = page.locator(".mobile-cta")
    expect(cta).to_be_visible()
    expect(cta).to_contain_text("Bidding deadline")
    action = cta.get_by_role("link", name="Continue your bid")
    box = action.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844, box
    shot(page, "challenge-phone")
    page.goto(base + "/challenges/")
    filters = page.locator("details.filters-fold")
    expect(filters).not_to_have_attribute("open", "")
    expect(page.get_by_label("Sector")).to_be_hidden()
    first_result = page.locator(".item-list > *").first
    assert first_result.bounding_box()["y"] < 844
    shot(page, "listing-phone")
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto(base + "/challenges/")
    expect(page.get_by_label("Sector")).to_be_visible()


def _review_world():
    from evaluation import services
    from tests.evaluation.conftest import assign, build_scenario

    operator = UserFactory(is_staff=True)
    s = build_scenario(operator=operator)
    services.panel_create(challenge=s.challenge, by=operator)
    reviewer = ReviewerFactory(full_name="Prof. Siti Rahman")
    seat = assign(s, reviewer)
    declared, undeclared = s.bids[1], s.bids[0]
    services.conflict_declare(assignment=seat, bid=declared, has_conflict=False, by=reviewer)
    # A second panel: the bid list then offers its challenge filter.
    more = build_scenario(operator=operator, bids=1)
    services.panel_create(challenge=more.challenge, by=operator)
    assign(more, reviewer)
    return reviewer, seat, declared, undeclared


def test_review_pages_have_no_axe_violations_and_fit_a_phone(new_page, live_server, settings):
    from tests.e2e.test_evaluation_journey import sign_in as sign_in_anywhere

    base = live_server.url
    settings.SITE_URL = base
    reviewer, seat, declared, undeclared = _review_world()
    page = new_page()
    sign_in_anywhere(page, base, reviewer.email, start="/review/")
    pages = {
        "review-index": "/review/",
        "review-bid-list": "/review/evaluation/bidtoreview/",
        "review-panel-list": "/review/evaluation/reviewerassignment/",
        "review-seat": f"/review/evaluation/reviewerassignment/{seat.pk}/change/",
        "review-declaration": f"/review/evaluation/bidtoreview/{undeclared.pk}/change/",
        "review-score-sheet": f"/review/evaluation/bidtoreview/{declared.pk}/change/",
    }
    found = {}
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 860 if width > 400 else 844})
        for name, path in pages.items():
            page.goto(base + path)
            expect(page.locator("#language-select")).to_be_attached()  # the portal's shell
            violations = axe_violations(page)
            if violations:
                found[f"{path} at {width}px"] = describe(violations)
            # Nothing wider than the screen (tables scroll or fold into cards).
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (path, width, overflow)
            shot(page, f"{name}-{width}")
    assert not found, "\n\n".join(f"{p}\n{v}" for p, v in found.items())
    page.goto(base + pages["review-bid-list"])
    expect(page.get_by_role("heading", level=1, name="Bids to review")).to_be_visible()
    page.get_by_label("Challenge").select_option(str(declared.challenge_id))
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name="Show all bids")).to_be_visible()
    expect(page.locator("table.review-list tbody tr")).to_have_count(2)
    shot(page, "review-bid-list-filtered")
    expect(
        page.get_by_role("link", name=re.compile(declared.applicant.legal_name)).first
    ).to_be_visible()
