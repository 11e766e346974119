"""Partners: at most five, each must accept; answers come from the partner's owners and managers."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from challenges import services
from challenges.enums import PartnerStatus
from challenges.models import BidPartner
from entities.enums import MembershipRole
from tests.factories import OrganizationFactory, UserFactory, add_member

from .factories import draft_bid, listed_challenge

pytestmark = pytest.mark.django_db


@pytest.fixture
def bid():
    return draft_bid(listed_challenge())


@pytest.fixture
def applicant_editor(bid):
    return bid.applicant.memberships.first().user


def partner_org(role=MembershipRole.MANAGER, email=None):
    organization = OrganizationFactory(asean=True)
    manager = UserFactory(email=email) if email else UserFactory()
    add_member(organization, manager, role)
    return organization, manager


def test_partner_sixth_is_refused_with_a_clear_message(bid, applicant_editor):
    for _ in range(5):
        services.partner_add(
            bid=bid,
            organization=OrganizationFactory(),
            role="R",
            contribution="C",
            by=applicant_editor,
        )
    with pytest.raises(ValidationError) as info:
        services.partner_add(
            bid=bid,
            organization=OrganizationFactory(),
            role="R",
            contribution="C",
            by=applicant_editor,
        )
    assert "at most 5 partner organizations" in info.value.messages[0]
    with pytest.raises(ValidationError):
        services.partner_invite_email(
            bid=bid,
            email="x@example.org",
            name="X",
            role="R",
            contribution="C",
            by=applicant_editor,
        )
    assert bid.partners.count() == 5


def test_partner_sixth_through_the_page_shows_the_limit(client_for, bid, applicant_editor):
    for _ in range(5):
        services.partner_add(
            bid=bid,
            organization=OrganizationFactory(),
            role="R",
            contribution="C",
            by=applicant_editor,
        )
    extra = OrganizationFactory()
    response = client_for(applicant_editor).post(
        reverse("challenges:bid_partners", args=[bid.pk]),
        {"kind": "pick", "pick-organization": extra.pk, "pick-role": "R", "pick-contribution": "C"},
        follow=True,
    )
    page = response.content.decode()
    assert "at most 5 partner organizations" in page and "five partners, the maximum" in page
    assert not bid.partners.filter(organization=extra).exists()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("self", "cannot be its own partner"),
        ("demand", "posted the challenge"),
        ("twice", "already a partner"),
    ],
)
def test_partner_invalid_choices_are_refused(bid, applicant_editor, case, message):
    organization = {
        "self": bid.applicant,
        "demand": bid.challenge.organization,
        "twice": OrganizationFactory(),
    }[case]
    if case == "twice":
        services.partner_add(
            bid=bid, organization=organization, role="R", contribution="C", by=applicant_editor
        )
    with pytest.raises(ValidationError) as info:
        services.partner_add(
            bid=bid, organization=organization, role="R", contribution="C", by=applicant_editor
        )
    assert message in info.value.messages[0]


def test_partner_consent_flow_with_emails(
    client_for, bid, applicant_editor, django_capture_on_commit_callbacks
):
    organization, manager = partner_org(email="partner.manager@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        partner = services.partner_add(
            bid=bid,
            organization=organization,
            role="Data",
            contribution="Engineers",
            by=applicant_editor,
        )
    assert [m.to[0] for m in mail.outbox] == ["partner.manager@example.org"]
    assert partner.token in mail.outbox[0].body
    mail.outbox.clear()
    page = client_for(manager).get(reverse("challenges:partner_respond", args=[partner.token]))
    assert bid.applicant.legal_name in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(
            reverse("challenges:partner_respond", args=[partner.token]),
            {"organization": organization.pk, "decision": "accept", "note": "Glad to join"},
        )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.ACCEPTED and partner.responded_by == manager
    applicant_emails = {m.user.email for m in bid.applicant.memberships.all()}
    assert {m.to[0] for m in mail.outbox} == applicant_emails
    assert organization.legal_name in mail.outbox[0].body


def test_partner_decline_revokes_read_access(client_for, bid, applicant_editor):
    organization, manager = partner_org()
    partner = services.partner_add(
        bid=bid, organization=organization, role="Data", contribution="x", by=applicant_editor
    )
    assert (
        client_for(manager).get(reverse("challenges:bid_detail", args=[bid.pk])).status_code == 200
    )
    client_for(manager).post(
        reverse("challenges:partner_respond", args=[partner.token]),
        {"organization": organization.pk, "decision": "decline", "note": "No capacity"},
    )
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.DECLINED and partner.response_note == "No capacity"
    manager = type(manager).objects.get(pk=manager.pk)
    assert (
        client_for(manager).get(reverse("challenges:bid_detail", args=[bid.pk])).status_code == 404
    )


@pytest.mark.parametrize("role", [MembershipRole.EDITOR, MembershipRole.VIEWER])
def test_partner_answer_by_someone_who_does_not_manage_the_organization_is_refused(
    client_for, bid, applicant_editor, role
):
    organization, member = partner_org(role=role)
    partner = services.partner_add(
        bid=bid, organization=organization, role="Data", contribution="x", by=applicant_editor
    )
    response = client_for(member).post(
        reverse("challenges:partner_respond", args=[partner.token]),
        {"organization": organization.pk, "decision": "accept"},
    )
    assert response.status_code == 200
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.INVITED
    with pytest.raises(ValidationError):
        services.partner_respond(partner=partner, organization=organization, accept=True, by=member)
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.INVITED


def test_partner_answer_for_another_organization_is_refused(bid, applicant_editor):
    invited, _ = partner_org()
    other, other_manager = partner_org()
    partner = services.partner_add(
        bid=bid, organization=invited, role="Data", contribution="x", by=applicant_editor
    )
    with pytest.raises(ValidationError):
        services.partner_respond(partner=partner, organization=other, accept=True, by=other_manager)
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.INVITED and partner.organization == invited


def test_partner_invited_by_email_registers_then_claims_the_invitation(
    client_for, bid, applicant_editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        partner = services.partner_invite_email(
            bid=bid,
            email="new.partner@example.org",
            name="New Lab",
            role="Testing",
            contribution="Field tests",
            by=applicant_editor,
        )
    assert mail.outbox[-1].to == ["new.partner@example.org"]
    organization, manager = partner_org(email="new.partner@example.org")
    client_for(manager).post(
        reverse("challenges:partner_respond", args=[partner.token]),
        {"organization": organization.pk, "decision": "accept"},
    )
    partner.refresh_from_db()
    assert partner.organization == organization and partner.status == PartnerStatus.ACCEPTED
    assert (
        client_for(manager).get(reverse("challenges:bid_detail", args=[bid.pk])).status_code == 200
    )


def test_partner_search_finds_by_name_and_registration_number(client_for, bid, applicant_editor):
    target = OrganizationFactory(asean=True, legal_name="Hanoi Smart City Lab")
    c = client_for(applicant_editor)
    by_name = c.get(
        reverse("challenges:partner_search", args=[bid.pk]), {"q": "smart city"}
    ).content.decode()
    by_number = c.get(
        reverse("challenges:partner_search", args=[bid.pk]), {"q": target.registration_number}
    ).content.decode()
    assert "Hanoi Smart City Lab" in by_name and "Hanoi Smart City Lab" in by_number
    own = c.get(
        reverse("challenges:partner_search", args=[bid.pk]), {"q": bid.applicant.legal_name[:12]}
    ).content.decode()
    assert f'value="{bid.applicant.pk}"' not in own


def test_partner_changes_are_refused_once_the_bid_is_submitted(bid, applicant_editor):
    from challenges import lifecycle

    lifecycle.transition_bid(bid, "submit", by=applicant_editor)
    with pytest.raises(ValidationError) as info:
        services.partner_add(
            bid=bid,
            organization=OrganizationFactory(),
            role="R",
            contribution="C",
            by=applicant_editor,
        )
    assert "frozen" in info.value.messages[0]
    assert BidPartner.objects.filter(bid=bid).count() == 0
