"""Who sees a bid: its applicant's members, its partners and operators. Everyone else: 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from challenges.models import Attachment, Bid
from entities.enums import MembershipRole
from tests.factories import PDF_BYTES, OrganizationFactory, UserFactory, add_member

from .factories import accepted_partner, draft_bid, listed_challenge

pytestmark = pytest.mark.django_db

READ_URLS = ["bid_detail", "bid_partners"]
WRITE_URLS = [
    "bid_edit",
    "bid_submit",
    "bid_withdraw",
    "bid_reopen",
    "partner_search",
    "bid_attachment_add",
]


@pytest.fixture
def cast():
    challenge = listed_challenge()
    bid = draft_bid(challenge)
    partner = accepted_partner(bid)
    attachment = Attachment(bid=bid, title="Annex", public=False)
    attachment.set_upload(
        SimpleUploadedFile("annex.pdf", PDF_BYTES),
        type(
            "I",
            (),
            {
                "original_name": "annex.pdf",
                "content_type": "application/pdf",
                "size": len(PDF_BYTES),
                "sha256": "x",
            },
        )(),
    )
    attachment.save()
    people = {}
    for role in (MembershipRole.OWNER, MembershipRole.EDITOR, MembershipRole.VIEWER):
        people[f"applicant_{role}"] = UserFactory()
        add_member(bid.applicant, people[f"applicant_{role}"], role)
    people["partner"] = UserFactory()
    add_member(partner.organization, people["partner"], MembershipRole.MANAGER)
    rival_org = OrganizationFactory(capabilities=True)
    people["rival"] = UserFactory()
    add_member(rival_org, people["rival"], MembershipRole.OWNER)
    draft_bid(challenge, rival_org, by=people["rival"])
    people["demand"] = UserFactory()
    add_member(challenge.organization, people["demand"], MembershipRole.OWNER)
    people["operator"] = UserFactory(is_staff=True)
    people["reviewer_unassigned"] = UserFactory(is_reviewer=True)
    return bid, attachment, people


VISIBLE = {"applicant_owner", "applicant_editor", "applicant_viewer", "partner", "operator"}


@pytest.mark.parametrize(
    "who",
    [
        "applicant_owner",
        "applicant_editor",
        "applicant_viewer",
        "partner",
        "rival",
        "demand",
        "operator",
        "reviewer_unassigned",
        "anonymous",
    ],
)
def test_bid_confidentiality_matrix(client, client_for, cast, who):
    bid, attachment, people = cast
    c = client if who == "anonymous" else client_for(people[who])
    for name in READ_URLS:
        response = c.get(reverse(f"challenges:{name}", args=[bid.pk]))
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif who in VISIBLE:
            assert response.status_code == 200
            assert bid.applicant.legal_name in response.content.decode()
        else:
            assert response.status_code == 404, (who, name)
            assert bid.lead_name not in response.content.decode()
    download = c.get(reverse("challenges:attachment", args=[attachment.pk]))
    assert download.status_code == (200 if who in VISIBLE else 404)


@pytest.mark.parametrize(
    "who", ["applicant_viewer", "partner", "rival", "demand", "reviewer_unassigned"]
)
def test_bid_write_pages_are_refused_to_everyone_but_applicant_editors(client_for, cast, who):
    bid, attachment, people = cast
    c = client_for(people[who])
    for name in WRITE_URLS:
        if name == "bid_edit":
            continue
        response = c.post(reverse(f"challenges:{name}", args=[bid.pk]), {"reason": "x"})
        assert response.status_code == 404, name
    edit_url = reverse("challenges:bid_edit", args=[bid.pk])
    for edit in (c.get(edit_url), c.post(edit_url, {"lead_name": "Hijacked"})):
        if who == "applicant_viewer":
            # A member who may not edit is sent back to the read-only page.
            assert edit.status_code == 302 and edit["Location"] == bid.get_absolute_url()
        else:
            assert edit.status_code == 404
    assert Bid.objects.get(pk=bid.pk).lead_name != "Hijacked"
    search = c.get(reverse("challenges:partner_search", args=[bid.pk]), {"q": "Org"})
    assert search.status_code == 404
    bid.refresh_from_db()
    assert bid.state == "draft" and bid.attachments.count() == 1
    assert c.post(reverse("challenges:attachment_delete", args=[attachment.pk])).status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_bid_guessing_ids_reveals_nothing(client_for, cast):
    bid, attachment, people = cast
    c = client_for(people["rival"])
    own = people["rival"].memberships.first().organization.bids.get().pk
    for pk in [p for p in range(1, bid.pk + 5) if p != own]:
        response = c.get(reverse("challenges:bid_detail", args=[pk]))
        assert response.status_code == 404, pk
        assert bid.applicant.legal_name not in response.content.decode()
    for pk in range(1, attachment.pk + 3):
        assert c.get(reverse("challenges:attachment", args=[pk])).status_code == 404
