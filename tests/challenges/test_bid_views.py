"""Bids through the pages: create, edit with bad input, submit, withdraw, notifications, dashboard."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from challenges import lifecycle
from challenges.enums import BidState
from challenges.models import Bid
from entities.enums import MembershipRole
from tests.factories import OrganizationFactory, UserFactory, add_member

from .factories import accepted_partner, draft_bid, listed_challenge

pytestmark = pytest.mark.django_db


def edit_data(bid, **overrides):
    data = {
        "lead_name": "Chen Hao",
        "lead_title": "Professor",
        "lead_email": "chen@example.org",
        "lead_affiliation": "GX AI",
        "lead_orcid": "0000-0002-1825-0097",
        "lead_cv": "PhD.",
        "technical_approach": "Approach.",
        "scenario_fit": "Fit.",
        "budget_total": "1000",
        "currency": "USD",
        "cofunding": "",
        "duration_months": "12",
        "modes-mode_collaborative_rnd": "on",
        "modes-plan_collaborative_rnd": "Joint lab.",
        "team-TOTAL_FORMS": "1",
        "team-INITIAL_FORMS": "0",
        "team-MIN_NUM_FORMS": "0",
        "team-MAX_NUM_FORMS": "30",
        "team-0-name": "Liang",
        "team-0-role": "ML lead",
        "team-0-affiliation": "GX AI",
        "budget-TOTAL_FORMS": "2",
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "30",
        "budget-0-item": "Staff",
        "budget-0-amount": "600",
        "budget-1-item": "Equipment",
        "budget-1-amount": "400",
        "ms-TOTAL_FORMS": "1",
        "ms-INITIAL_FORMS": "0",
        "ms-MIN_NUM_FORMS": "0",
        "ms-MAX_NUM_FORMS": "24",
        "ms-0-deliverable": "Model",
        "ms-0-due_month": "6",
        "ms-0-acceptance_criterion": "Recall 80 %",
        "ms-0-evidence_expected": "Report",
    }
    data.update(overrides)
    return data


@pytest.fixture
def challenge():
    return listed_challenge()


def test_bid_create_from_the_challenge_page(client_for, challenge, org, editor):
    response = client_for(editor).post(reverse("challenges:bid_create", args=[challenge.pk]))
    bid = Bid.objects.get()
    assert response["Location"] == reverse("challenges:bid_edit", args=[bid.pk])
    assert bid.applicant == org and bid.state == BidState.DRAFT
    again = client_for(editor).post(reverse("challenges:bid_create", args=[challenge.pk]))
    assert again["Location"] == reverse("challenges:bid_detail", args=[bid.pk])
    assert Bid.objects.count() == 1


def test_bid_create_is_refused_for_the_demand_side_and_closed_challenges(client_for, challenge):
    demand_editor = UserFactory()
    add_member(challenge.organization, demand_editor, MembershipRole.EDITOR)
    client_for(demand_editor).post(reverse("challenges:bid_create", args=[challenge.pk]))
    assert not Bid.objects.exists()


def test_bid_edit_saves_everything(client_for, challenge, editor, org):
    bid = draft_bid(challenge, org, by=editor)
    response = client_for(editor).post(
        reverse("challenges:bid_edit", args=[bid.pk]), edit_data(bid)
    )
    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.lead_orcid == "0000-0002-1825-0097"
    assert [(m.mode, m.plan) for m in bid.mode_plans.all()] == [("collaborative_rnd", "Joint lab.")]
    assert [(b.item, int(b.amount)) for b in bid.budget_lines.all()] == [
        ("Staff", 600),
        ("Equipment", 400),
    ]
    assert [m.deliverable for m in bid.milestones.all()] == ["Model"]
    assert [t.name for t in bid.team.all()] == ["Liang"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"lead_orcid": "0000-0002-1825-0098"}, "not a valid ORCID iD"),
        ({"ms-0-evidence_expected": ""}, "Each milestone needs"),
        ({"lead_email": "not-an-email"}, "valid email"),
        ({"budget_total": "-5"}, "greater than or equal to 0"),
    ],
)
def test_bid_edit_bad_input_shows_an_error_and_changes_nothing(
    client_for, challenge, editor, org, overrides, message
):
    bid = draft_bid(challenge, org, by=editor)
    before = Bid.objects.filter(pk=bid.pk).values().get()
    plans_before = list(bid.mode_plans.values_list("mode", "plan"))
    response = client_for(editor).post(
        reverse("challenges:bid_edit", args=[bid.pk]), edit_data(bid, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Bid.objects.filter(pk=bid.pk).values().get() == before
    assert list(bid.mode_plans.values_list("mode", "plan")) == plans_before


def test_bid_submit_page_notifies_applicant_partners_and_operators(
    client_for, challenge, editor, org, operator, django_capture_on_commit_callbacks
):
    bid = draft_bid(challenge, org, by=editor)
    partner = accepted_partner(bid)
    partner_manager = UserFactory(email="pm@example.org")
    add_member(partner.organization, partner_manager, MembershipRole.MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(editor).post(reverse("challenges:bid_submit", args=[bid.pk]))
    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.state == BidState.SUBMITTED
    recipients = {m.to[0] for m in mail.outbox}
    assert {editor.email, "pm@example.org", operator.email} <= recipients
    # Frozen: editing redirects with a message, nothing changes.
    response = client_for(editor).post(
        reverse("challenges:bid_edit", args=[bid.pk]), edit_data(bid, lead_name="Changed")
    )
    bid.refresh_from_db()
    assert response.status_code == 302 and bid.lead_name != "Changed"


def test_bid_submit_page_lists_failed_rules_and_keeps_the_draft(client_for, challenge, editor, org):
    org.verification_status = "unverified"
    org.save()
    bid = draft_bid(challenge, org, by=editor)
    response = client_for(editor).post(reverse("challenges:bid_submit", args=[bid.pk]))
    page = response.content.decode()
    assert (
        response.status_code == 200
        and "has not verified this organization yet" in page
        and "was not submitted" in page
    )
    assert "ORGANIZATION_VERIFIED" not in page  # rule codes are for operators only
    assert Bid.objects.get(pk=bid.pk).state == BidState.DRAFT


def test_bid_double_clicked_submit_creates_one_submission(client_for, challenge, editor, org):
    bid = draft_bid(challenge, org, by=editor)
    c = client_for(editor)
    c.post(reverse("challenges:bid_submit", args=[bid.pk]))
    second = c.post(reverse("challenges:bid_submit", args=[bid.pk]), follow=True)
    assert "already been submitted" in second.content.decode()
    assert bid.transitions.filter(action="submit").count() == 1


def test_bid_withdraw_needs_a_reason_and_notifies(
    client_for, challenge, editor, org, django_capture_on_commit_callbacks
):
    bid = draft_bid(challenge, org, by=editor)
    lifecycle.transition_bid(bid, "submit", by=editor)
    mail.outbox.clear()
    empty = client_for(editor).post(
        reverse("challenges:bid_withdraw", args=[bid.pk]), {"reason": ""}
    )
    assert empty.status_code == 200 and Bid.objects.get(pk=bid.pk).state == BidState.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        client_for(editor).post(
            reverse("challenges:bid_withdraw", args=[bid.pk]), {"reason": "Budget error"}
        )
    assert Bid.objects.get(pk=bid.pk).state == BidState.WITHDRAWN
    assert any("withdr" in m.subject.lower() for m in mail.outbox)


def test_bid_challenge_page_tells_the_applicant_about_its_draft(client_for, challenge, editor, org):
    draft_bid(challenge, org, by=editor)
    page = (
        client_for(editor).get(reverse("challenges:detail", args=[challenge.pk])).content.decode()
    )
    assert "You have a draft bid for this challenge." in page
    listing = client_for(editor).get(reverse("challenges:list")).content.decode()
    assert "You have a draft bid" in listing


def test_bid_dashboard_shows_bids_invitations_and_partner_bids(client_for, challenge, editor, org):
    bid = draft_bid(challenge, org, by=editor)
    partner_org = OrganizationFactory(asean=True)
    manager = UserFactory()
    add_member(partner_org, manager, MembershipRole.MANAGER)
    from challenges import services

    services.partner_add(
        bid=bid, organization=partner_org, role="Data", contribution="x", by=editor
    )
    applicant_page = client_for(editor).get(reverse("dashboard")).content.decode()
    assert (
        "Your bids" in applicant_page
        and challenge.title in applicant_page
        and "1 pending" in applicant_page
    )
    partner_page = client_for(manager).get(reverse("dashboard")).content.decode()
    assert "Partner invitations to answer" in partner_page and org.legal_name in partner_page


def test_bid_attachment_disguised_file_error_is_tied_to_the_field(
    client_for, challenge, editor, org
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from challenges.models import Attachment

    bid = draft_bid(challenge, org, by=editor)
    response = client_for(editor).post(
        reverse("challenges:bid_attachment_add", args=[bid.pk]),
        {"file": SimpleUploadedFile("tool.pdf", b"MZ\x90\x00" + b"\x00" * 200), "title": "Tool"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_file_error"' in page and "not a PDF, image or office document" in page
    assert (
        'aria-describedby="id_file_error"' in page
        or "id_file_error" in page.split('name="file"')[1][:400]
    )
    assert not Attachment.objects.filter(bid=bid).exists()


def test_bid_update_service_saves_inconsistent_drafts_and_the_precheck_reports_them(
    challenge, editor, org
):
    """A draft always saves; inconsistencies are the submission pre-check's business."""
    from decimal import Decimal

    from challenges import services
    from challenges.prechecks import bid_precheck

    bid = draft_bid(challenge, org, by=editor)
    services.bid_update(
        bid=bid,
        by=editor,
        budget_total=Decimal("100"),
        duration_months=6,
        budget_lines=[{"item": "Staff", "amount": Decimal("60")}],
        milestones=[
            {
                "deliverable": "Late",
                "due_month": 9,
                "acceptance_criterion": "x",
                "evidence_expected": "y",
            }
        ],
    )
    bid.refresh_from_db()
    assert bid.budget_total == Decimal("100")
    problems = " ".join(bid_precheck(bid).problems)
    assert "add up to 60.00, not the total of 100.00" in problems
    assert "month 6): Late" in problems
