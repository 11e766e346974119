"""Stage 2's input in a real browser: a Guangxi editor drafts a bid, invites two partners,
each partner accepts in its own session, and the bid is submitted."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from challenges.enums import BidState, PartnerStatus
from challenges.models import Bid
from entities.enums import MembershipRole
from tests.challenges.factories import listed_challenge
from tests.e2e.conftest import shot
from tests.e2e.test_challenge_journey import sign_in
from tests.factories import OrganizationFactory, UserFactory, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bid_journey(new_page, live_server, settings):
    base = live_server.url
    settings.SITE_URL = base
    challenge = listed_challenge(title="Flood early warning for Jakarta's river basins")
    lead = OrganizationFactory(
        capabilities=True, legal_name="Guangxi Institute of Artificial Intelligence"
    )
    editor = UserFactory(email="li.wei@gxai.example", full_name="Li Wei")
    add_member(lead, editor, MembershipRole.EDITOR)
    partners = []
    for name, country, registry, number, email in (
        (
            "Nanyang Centre for Applied Machine Learning",
            "SG",
            "sg_uen",
            "197401143C",
            "tan@ntu.example",
        ),
        ("Malaysian Hydrology Research Lab", "MY", "my_ssm", "201901000005", "aisha@mhrl.example"),
    ):
        organization = OrganizationFactory(
            legal_name=name,
            country=country,
            region_code="",
            registry=registry,
            registration_number=number,
        )
        manager = UserFactory(email=email)
        add_member(organization, manager, MembershipRole.MANAGER)
        partners.append((organization, manager))

    # --- the Guangxi editor starts a bid from the challenge page
    page = new_page()
    sign_in(page, base, editor.email)
    page.goto(base + challenge.get_absolute_url())
    shot(page, "challenge")
    page.get_by_role("button", name="Apply to lead this challenge").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Bid by Guangxi Institute of Artificial Intelligence"
    )
    page.get_by_label("Lead researcher: name").fill("Chen Hao")
    page.get_by_label("Lead researcher: title").fill("Professor")
    page.get_by_label("Lead researcher: e-mail").fill("chen.hao@gxai.example")
    page.get_by_label("Lead researcher: ORCID iD").fill("0000-0002-1825-0097")
    page.get_by_label("Lead researcher: short CV").fill(
        "PhD in hydrology and machine learning; 40 papers."
    )
    page.get_by_label("Technical approach").fill(
        "Graph neural networks over the river network, nowcasting from radar."
    )
    page.get_by_label("Fit with the challenge's scenario and data").fill(
        "Trained on the agency's gauges and radar archive."
    )
    page.get_by_label("Collaborative R&D", exact=True).check()
    page.get_by_label("Your plan for “Collaborative R&D”").fill(
        "A joint lab in Jakarta with two engineers from each side."
    )
    page.get_by_label("Total budget").fill("250000")
    page.get_by_label("Duration (months)").fill("12")
    page.get_by_label("Deliverable").first.fill("Six-hour forecast for 25 gates")
    page.get_by_label("Due in month").first.fill("6")
    page.get_by_label("Acceptance criterion").first.fill(
        "Lead time at least 6 h with under 20 % false alarms"
    )
    page.get_by_label("Evidence the demand side will check").first.fill(
        "Operations room log of one rainy season"
    )
    shot(page, "bid-form")
    page.get_by_role("button", name="Save and manage partners").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"Partners \(0 of at most 5\)"))
    ).to_be_visible()

    # --- invite two partners found by name
    for organization, _manager in partners:
        page.wait_for_load_state("load")  # htmx listens only once its script has run
        page.get_by_label("Name or registration number").fill(organization.legal_name[:12])
        result = page.locator("#partner-results li").filter(has_text=organization.legal_name)
        expect(result).to_be_visible()
        result.get_by_text("Invite as partner").click()
        result.get_by_label("Role in the project").fill("Hydrological modelling")
        result.get_by_label("Contribution").fill(
            "Two researchers for 12 months and gauge data from the region."
        )
        shot(page, f"invite-{organization.country.code}")
        result.get_by_role("button", name=f"Invite {organization.legal_name}").click()
        expect(page.get_by_text(f"{organization.legal_name} was invited.")).to_be_visible()
    shot(page, "partners-invited")
    bid = Bid.objects.get(challenge=challenge, applicant=lead)
    assert list(bid.partners.values_list("status", flat=True)) == [PartnerStatus.INVITED] * 2

    # --- the bid cannot be submitted yet
    page.get_by_role("link", name="Check and submit").click()
    expect(page.get_by_text("These partners have not accepted yet:")).to_be_visible()
    shot(page, "submit-blocked")

    # --- each partner accepts in its own session
    for organization, manager in partners:
        partner_page = new_page()
        sign_in(partner_page, base, manager.email)
        expect(
            partner_page.get_by_role("heading", name="Partner invitations to answer")
        ).to_be_visible()
        shot(partner_page, f"partner-dashboard-{organization.country.code}")
        partner_page.get_by_role("link", name="Answer").click()
        partner_page.get_by_label("Accept: join this bid as a partner").check()
        partner_page.get_by_label("Note to the applicant (optional)").fill("We are glad to join.")
        shot(partner_page, f"partner-answer-{organization.country.code}")
        partner_page.get_by_role("button", name="Send answer").click()
        expect(partner_page.get_by_text("You joined the bid as a partner.")).to_be_visible()
        expect(partner_page.get_by_text("You see this bid read-only")).to_be_visible()
        shot(partner_page, f"partner-read-only-{organization.country.code}")

    # --- the editor submits
    page.reload()
    expect(page.get_by_text("Every partner has accepted.")).to_be_visible()
    expect(
        page.get_by_text("Your organization, partners and cooperation modes meet every rule today.")
    ).to_be_visible()
    shot(page, "submit-ready")
    page.get_by_role("button", name="Submit the bid").click()
    expect(page.get_by_text("Bid submitted. It is now frozen")).to_be_visible()
    shot(page, "submitted")
    bid.refresh_from_db()
    assert bid.state == BidState.SUBMITTED
    assert bid.eligibility_record.eligible
    assert set(bid.partners.values_list("status", flat=True)) == {PartnerStatus.ACCEPTED}
