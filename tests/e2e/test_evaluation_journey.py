"""Stages 2–4 in a real browser: a reviewer declares no conflict, scores and submits in the
review panel; the operator ranks and selects the lead; the lead reports a milestone with
evidence; the demand side accepts the milestones; the operator signs off."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from challenges.enums import BidState, ChallengeState
from challenges.models import Milestone
from evaluation import services
from evaluation.enums import MilestoneState
from evaluation.models import Decision, MilestoneValidation, Review
from tests.e2e.conftest import pass_second_factor, shot
from tests.evaluation.conftest import assign, build_scenario, review
from tests.factories import PDF_BYTES, ReviewerFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def sign_in(page, base: str, email: str, start: str = "/accounts/login/") -> None:
    page.goto(base + start)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    pass_second_factor(page)


def test_evaluation_journey(new_page, live_server, settings, tmp_path):
    base = live_server.url
    settings.SITE_URL = base
    operator = UserFactory(email="zhang.min@dost.example", full_name="Zhang Min", is_staff=True)
    s = build_scenario(operator=operator)
    services.panel_create(challenge=s.challenge, by=operator)
    services.panel_quorum_set(challenge=s.challenge, minimum=1, by=operator)
    winner, other = s.bids
    Milestone.objects.create(
        bid=winner,
        deliverable="Field trial in two pilot sites",
        due_month=10,
        acceptance_criterion="KPI targets met in the operational scenario",
        evidence_expected="Signed trial report",
    )
    expert = ReviewerFactory(full_name="Dr. Lim Mei Ling")
    expert_seat = assign(s, expert)
    review(expert_seat, winner, [8, 7, 8, 9, 6], comment="Convincing plan.", overall="Strong bid.")
    review(expert_seat, other, [5, 6, 5, 4, 6], comment="Data plan is thin.", overall="Adequate.")
    reviewer = ReviewerFactory(email="siti.rahman@um.example", full_name="Prof. Siti Rahman")
    assign(s, reviewer)

    # ------------------------------------------------------------------ the reviewer
    page = new_page()
    sign_in(page, base, reviewer.email, start="/review/")
    expect(page).to_have_url(re.compile(r"/review/$"))
    expect(page.get_by_role("heading", name=s.challenge.title)).to_be_visible()
    shot(page, "review-panel-index")
    page.get_by_role("link", name=re.compile(re.escape(winner.applicant.legal_name))).first.click()
    expect(page.get_by_role("heading", name=re.compile("Conflict of interest"))).to_be_visible()
    expect(page.get_by_text(winner.technical_approach)).to_have_count(0)
    shot(page, "review-conflict-declaration")
    page.get_by_label("I have no conflict of interest with this bid").check()
    page.get_by_role("button", name="Record my declaration").click()
    expect(page.get_by_text("Your declaration is recorded.")).to_be_visible()
    expect(page.get_by_text(winner.technical_approach).first).to_be_visible()
    for index, (value, comment) in enumerate(
        [
            (9, "Clear adaptation plan."),
            (8, "Experienced team."),
            (7, "Tight but feasible."),
            (9, "Uses the local data well."),
            (6, "Training plan is short."),
        ]
    ):
        criterion = s.challenge.criteria.order_by("order", "pk")[index]
        page.locator(f"#id_score_{criterion.pk}").fill(str(value))
        page.locator(f"#id_comment_{criterion.pk}").fill(comment)
    page.get_by_label("Overall comment").fill("A strong, well-argued bid.")
    # The weighted total follows the scores before anything is saved (30/20/20/20/10 %).
    expect(page.locator("#review-total")).to_have_text("81.0")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft is saved.")).to_be_visible()
    shot(page, "review-score-sheet-draft")
    page.get_by_role("button", name="Submit review").click()
    # Submitting is irreversible: the page asks once more.
    expect(page.get_by_role("heading", name="Submit your review now?")).to_be_visible()
    shot(page, "review-confirm-submit")
    assert Review.objects.get(assignment__reviewer=reviewer, bid=winner).status == "draft"
    page.get_by_role("button", name="Yes, submit my review").click()
    expect(page.get_by_text("Your review is submitted. Thank you!")).to_be_visible()
    expect(page.get_by_role("heading", name="The other reviewers")).to_be_visible()
    expect(page.get_by_text("Convincing plan.").first).to_be_visible()
    shot(page, "review-submitted-with-others")
    assert Review.objects.get(assignment__reviewer=reviewer, bid=winner).status == "submitted"

    # ------------------------------------------------------------------ the operator ranks and selects
    ops = new_page()
    sign_in(ops, base, operator.email)
    ops.goto(base + "/operator/evaluation/")
    shot(ops, "operator-evaluations")
    ops.get_by_role("link", name=s.challenge.title).click()
    expect(ops.get_by_role("heading", name="Ranking")).to_be_visible()
    ranking = ops.locator("#ranking tbody tr")
    expect(ranking.first).to_contain_text(winner.applicant.legal_name)
    shot(ops, "operator-ranking-and-panel")
    ops.get_by_role("link", name="Select the lead…").click()
    ops.get_by_label(winner.applicant.legal_name).check()
    ops.get_by_label("Rationale").fill(
        "Ranked first by both reviewers; the strongest use of the local data."
    )
    ops.get_by_role("button", name="Continue").click()
    expect(ops.get_by_role("heading", name=re.compile("Select .* as the lead"))).to_be_visible()
    shot(ops, "operator-confirm-lead")
    ops.get_by_role("button", name="Confirm the selection").click()
    expect(ops.get_by_text("is selected as the lead")).to_be_visible()
    shot(ops, "operator-lead-selected")
    s.refresh()
    assert Decision.objects.get().bid == winner
    assert winner.state == BidState.SELECTED and other.state == BidState.NOT_SELECTED
    assert s.challenge.state == ChallengeState.LEAD_ASSIGNED

    ops.get_by_role("link", name="Validation", exact=True).click()
    ops.get_by_role("link", name="Start validation…").click()
    ops.get_by_role("button", name="Start validation").click()
    expect(ops.get_by_text("Validation started.")).to_be_visible()
    shot(ops, "operator-validation-started")

    # ------------------------------------------------------------------ the lead reports, with evidence
    lead = new_page()
    sign_in(lead, base, s.applicants[0].email)
    lead.goto(base + f"/validation/{s.challenge.pk}/")
    evidence = tmp_path / "baseline-evaluation.pdf"
    evidence.write_bytes(PDF_BYTES)
    items = list(
        MilestoneValidation.objects.filter(challenge=s.challenge).order_by("milestone__due_month")
    )
    for item, text in zip(
        items,
        [
            "Baseline reaches 78 % recall on the held-out set.",
            "Trial report signed by both pilot sites.",
        ],
        strict=True,
    ):
        lead.locator(f"#milestone-{item.pk}").get_by_role("link", name="Report progress").click()
        lead.get_by_label("Progress report").fill(text)
        lead.get_by_label("Evidence files").set_input_files(str(evidence))
        if item == items[0]:
            shot(lead, "lead-report-form")
        lead.get_by_role("button", name="Send the report").click()
        expect(lead.get_by_text("Your report is sent")).to_be_visible()
    shot(lead, "lead-validation-page")

    # ------------------------------------------------------------------ the demand side accepts
    demand = new_page()
    sign_in(demand, base, s.demand_owner.email)
    expect(demand.get_by_role("heading", name="Milestones to validate")).to_be_visible()
    shot(demand, "demand-dashboard-todo")
    for _ in items:
        demand.goto(base + "/dashboard/")
        demand.get_by_role("link", name="Check").first.click()
        expect(demand.get_by_text("baseline-evaluation.pdf").first).to_be_visible()
        demand.get_by_label("Accept: the milestone meets its acceptance criterion").check()
        demand.get_by_label("Comment").fill("Checked in our scenario: meets the criterion.")
        if _ is items[0]:
            shot(demand, "demand-accept-milestone")
        demand.get_by_role("button", name="Record my decision").click()
        expect(demand.get_by_text("Milestone accepted.")).to_be_visible()
    shot(demand, "demand-all-accepted")
    assert set(MilestoneValidation.objects.values_list("state", flat=True)) == {
        MilestoneState.ACCEPTED
    }

    # ------------------------------------------------------------------ the operator signs off
    ops.goto(base + f"/validation/{s.challenge.pk}/")
    ops.get_by_role("link", name="Sign off or record failure…").click()
    ops.get_by_label("Sign off: the solution is validated").check()
    ops.get_by_role("button", name="Record").click()
    expect(ops.get_by_text("The validation is signed off.")).to_be_visible()
    shot(ops, "operator-validated")
    s.refresh()
    assert s.challenge.state == ChallengeState.VALIDATED
