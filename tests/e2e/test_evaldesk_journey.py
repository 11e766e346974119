"""The evaluation desk in a real browser: the operator reviews the suggested reviewer
allocation and confirms it; after a decision, a bidder that was not selected files an
appeal and the programme office answers it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from challenges.enums import BidState
from evaluation import services
from evaluation.enums import AppealState
from evaluation.models import Appeal, BidAllocation, Decision, SupersededDecision
from tests.e2e.conftest import shot
from tests.e2e.test_evaluation_journey import sign_in
from tests.evaluation.conftest import assign, build_scenario
from tests.factories import ReviewerFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
GROUNDS = (
    "Two reviewers scored our data plan without reading the annex on the local data "
    "agreements; the ranking rests on that mistake."
)
REOPEN_REASON = "The upheld appeal shows the ranking was flawed; the lead is selected again."


def test_operator_confirms_the_suggested_allocation(new_page, live_server, settings):
    base = live_server.url
    settings.SITE_URL = base
    operator = UserFactory(
        email="desk.operator@dost.example", full_name="Desk Operator", is_staff=True
    )
    s = build_scenario(operator=operator, bids=3)
    services.panel_create(challenge=s.challenge, by=operator)
    seats = [assign(s, ReviewerFactory(full_name=f"Expert {n}")) for n in range(4)]
    services.panel_quorum_set(challenge=s.challenge, minimum=2, by=operator)

    page = new_page()
    sign_in(page, base, operator.email)
    page.goto(base + f"/operator/evaluation/{s.challenge.pk}/")
    page.get_by_role("link", name="Reviewers' load and suggested assignments").click()
    expect(page.get_by_role("heading", name="Suggested assignments")).to_be_visible()
    grid = page.get_by_test_id("allocation-grid")
    # Three bids × quorum 2 = six suggestions over four reviewers.
    expect(grid.locator("td.cell-new")).to_have_count(6)
    shot(page, "allocation-suggestion")
    page.set_viewport_size(PHONE)
    shot(page, "allocation-suggestion-phone")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Confirm these assignments").click()
    expect(page.get_by_text("The allocation is confirmed")).to_be_visible()
    assert BidAllocation.objects.filter(assignment__in=seats).count() == 6
    shot(page, "panel-after-allocation")


def test_bidder_appeals_and_the_office_answers(new_page, live_server, settings):
    base = live_server.url
    settings.SITE_URL = base
    operator = UserFactory(
        email="appeal.operator@dost.example", full_name="Appeal Operator", is_staff=True
    )
    s = build_scenario(operator=operator)
    services.panel_create(challenge=s.challenge, by=operator)
    services.decision_create(
        challenge=s.challenge,
        bid=s.bids[0],
        rationale="The best bid by a clear margin.",
        quorum_override="The funding window closes this week; waiting is not possible.",
        by=operator,
    )
    loser_bid, loser = s.bids[1], s.applicants[1]

    bidder = new_page()
    sign_in(bidder, base, loser.email)
    bidder.goto(base + f"/bids/{loser_bid.pk}/")
    bidder.get_by_role("link", name="Appeal the decision").click()
    expect(bidder.get_by_role("heading", name="File an appeal")).to_be_visible()
    bidder.get_by_label("Grounds of your appeal").fill(GROUNDS)
    shot(bidder, "appeal-form")
    bidder.get_by_role("button", name="Continue").click()
    expect(bidder.get_by_role("heading", name="File this appeal?")).to_be_visible()
    bidder.get_by_role("button", name="File the appeal").click()
    expect(bidder.get_by_text("Your appeal is filed")).to_be_visible()
    assert Appeal.objects.get().state == AppealState.FILED

    ops = new_page()
    sign_in(ops, base, operator.email)
    ops.goto(base + f"/operator/evaluation/{s.challenge.pk}/")
    ops.locator("#appeals").get_by_role("link", name=loser_bid.applicant.legal_name).click()
    ops.get_by_label(re.compile("Uphold")).check()
    ops.get_by_label("Reasons").fill("Two reviewers missed the annex; we will decide again.")
    ops.get_by_role("button", name="Continue").click()
    expect(ops.get_by_role("heading", name="Uphold this appeal?")).to_be_visible()
    ops.get_by_role("button", name="Confirm the answer").click()
    expect(ops.get_by_text("The appeal is upheld")).to_be_visible()
    shot(ops, "appeal-upheld")

    bidder.reload()
    expect(bidder.get_by_text("we will decide again")).to_be_visible()
    expect(
        bidder.get_by_text("The selection stands until the programme office decides")
    ).to_be_visible()
    bidder.set_viewport_size(PHONE)
    shot(bidder, "appeal-answered-phone")
    assert Appeal.objects.get().state == AppealState.UPHELD

    # The programme office reopens the decision (with a confirmation step) ...
    ops.reload()
    ops.get_by_role("link", name="Reopen the decision…").click()
    ops.get_by_label("Why is the decision reopened?").fill(REOPEN_REASON)
    shot(ops, "reopen-form")
    ops.get_by_role("button", name="Continue").click()
    expect(ops.get_by_role("heading", name="Reopen this decision?")).to_be_visible()
    ops.set_viewport_size(PHONE)
    shot(ops, "reopen-confirm-phone")
    ops.set_viewport_size(DESKTOP)
    ops.get_by_role("button", name="Confirm: reopen the decision").click()
    expect(ops.get_by_text("The decision is reopened")).to_be_visible()
    expect(ops.get_by_role("heading", name="Earlier decisions")).to_be_visible()
    expect(ops.locator("#decision").get_by_text(REOPEN_REASON)).to_be_visible()
    shot(ops, "decision-reopened")
    assert Appeal.objects.get().state == AppealState.RESOLVED
    assert not Decision.objects.exists() and SupersededDecision.objects.count() == 1

    # ... the bidder sees it on its bid page ...
    bidder.goto(base + f"/bids/{loser_bid.pk}/")
    expect(bidder.locator("#decision-reopened")).to_contain_text(REOPEN_REASON)
    shot(bidder, "bid-decision-reopened-phone")
    bidder.set_viewport_size(DESKTOP)
    shot(bidder, "bid-decision-reopened")

    # ... and the office decides again on the normal decision page.
    ops.get_by_role("link", name="Select the lead…").click()
    ops.get_by_label(loser_bid.applicant.legal_name).check()
    ops.get_by_label("Rationale").fill("Once the annex is read, this bid is the strongest.")
    ops.get_by_label("Reason to decide below the review quorum").fill(
        "The funding window closes this week; waiting is not possible."
    )
    ops.get_by_role("button", name="Continue").click()
    ops.get_by_role("button", name="Confirm the selection").click()
    expect(ops.get_by_text("is selected as the lead")).to_be_visible()
    assert Decision.objects.get().bid_id == loser_bid.pk
    loser_bid.refresh_from_db()
    assert loser_bid.state == BidState.SELECTED


def test_operator_extends_the_deadline(new_page, live_server, settings):
    import datetime as dt

    from django.utils import timezone

    from tests.challenges.factories import listed_challenge

    base = live_server.url
    settings.SITE_URL = base
    operator = UserFactory(email="deadline.operator@dost.example", is_staff=True)
    challenge = listed_challenge()
    new = timezone.localtime(challenge.deadline + dt.timedelta(days=10)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    page = new_page()
    sign_in(page, base, operator.email)
    page.goto(base + f"/operator/evaluation/{challenge.pk}/deadline/")
    page.get_by_label("New deadline (Beijing time, UTC+8)").fill(new.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Reason").fill("The demand entity asked for more time after the holiday.")
    shot(page, "deadline-form")
    page.set_viewport_size(PHONE)
    shot(page, "deadline-form-phone")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=re.compile("Extend the deadline to"))).to_be_visible()
    page.get_by_role("button", name="Extend the deadline").click()
    expect(page.get_by_text("The deadline is extended")).to_be_visible()
    challenge.refresh_from_db()
    assert challenge.deadline == new
    page.goto(base + f"/challenges/{challenge.pk}/")
    # The page shows the new deadline in the reader's format, with its time zone.
    from core.formats import format_datetime

    expect(
        page.get_by_text(format_datetime(new, language="en")).filter(visible=True).first
    ).to_be_visible()
