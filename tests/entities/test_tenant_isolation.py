"""Every organization page: 404 for outsiders (never 403), login for anonymous users."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from entities.enums import CapabilityKey, InvitationStatus, MembershipRole, VerificationStatus
from entities.models import CapabilityEvidence, Invitation, Membership, Organization
from tests.factories import InvitationFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db


@dataclass
class Target:
    org: Organization
    member: Membership
    invitation: Invitation
    evidence: CapabilityEvidence


@pytest.fixture
def target(org, owner, editor) -> Target:
    return Target(
        org=org,
        member=Membership.objects.get(organization=org, user=editor),
        invitation=InvitationFactory(organization=org, invited_by=owner),
        evidence=CapabilityEvidence.objects.filter(declaration__organization=org).first(),
    )


KEY = CapabilityKey.RND_CAPABILITY

# (name, method, url builder, POST data)
PAGES = [
    ("detail", "get", lambda t: reverse("entities:detail", args=[t.org.pk]), None),
    ("edit", "get", lambda t: reverse("entities:edit", args=[t.org.pk]), None),
    ("edit", "post", lambda t: reverse("entities:edit", args=[t.org.pk]), {"legal_name": "X"}),
    ("members", "get", lambda t: reverse("entities:members", args=[t.org.pk]), None),
    (
        "members",
        "post",
        lambda t: reverse("entities:members", args=[t.org.pk]),
        {"email": "spy@example.org", "role": "owner"},
    ),
    (
        "member_role",
        "post",
        lambda t: reverse("entities:member_role", args=[t.org.pk, t.member.pk]),
        {"role": "viewer"},
    ),
    (
        "member_remove",
        "get",
        lambda t: reverse("entities:member_remove", args=[t.org.pk, t.member.pk]),
        None,
    ),
    (
        "member_remove",
        "post",
        lambda t: reverse("entities:member_remove", args=[t.org.pk, t.member.pk]),
        {},
    ),
    (
        "invitation_revoke",
        "post",
        lambda t: reverse("entities:invitation_revoke", args=[t.org.pk, t.invitation.pk]),
        {},
    ),
    ("capabilities", "get", lambda t: reverse("entities:capabilities", args=[t.org.pk]), None),
    (
        "capability_edit",
        "get",
        lambda t: reverse("entities:capability_edit", args=[t.org.pk, KEY]),
        None,
    ),
    (
        "capability_edit",
        "post",
        lambda t: reverse("entities:capability_edit", args=[t.org.pk, KEY]),
        {"description": "Overwritten by someone who should not be here at all."},
    ),
    (
        "evidence",
        "get",
        lambda t: reverse("entities:evidence", args=[t.org.pk, t.evidence.pk]),
        None,
    ),
    (
        "evidence_delete",
        "get",
        lambda t: reverse("entities:evidence_delete", args=[t.org.pk, t.evidence.pk]),
        None,
    ),
    (
        "evidence_delete",
        "post",
        lambda t: reverse("entities:evidence_delete", args=[t.org.pk, t.evidence.pk]),
        {},
    ),
    (
        "request_verification",
        "post",
        lambda t: reverse("entities:request_verification", args=[t.org.pk]),
        {},
    ),
]
IDS = [f"{name}-{method}" for name, method, _u, _d in PAGES]


def _call(client, method, url, data):
    return client.post(url, data) if method == "post" else client.get(url)


def _assert_untouched(t: Target) -> None:
    org = Organization.objects.get(pk=t.org.pk)
    assert org.legal_name == t.org.legal_name
    assert org.verification_status == t.org.verification_status
    assert Membership.objects.get(pk=t.member.pk).role == t.member.role
    assert Invitation.objects.get(pk=t.invitation.pk).status == InvitationStatus.PENDING
    assert not Invitation.objects.filter(email="spy@example.org").exists()
    assert CapabilityEvidence.objects.filter(pk=t.evidence.pk).exists()
    assert not org.capabilities.get(key=KEY).description.startswith("Overwritten")


@pytest.mark.parametrize(("name", "method", "url", "data"), PAGES, ids=IDS)
def test_organization_page_outsider_gets_404(client_for, target, outsider, name, method, url, data):
    response = _call(client_for(outsider), method, url(target), data)
    assert response.status_code == 404
    _assert_untouched(target)


@pytest.mark.parametrize(("name", "method", "url", "data"), PAGES, ids=IDS)
def test_organization_page_reviewer_gets_404(client_for, target, reviewer, name, method, url, data):
    response = _call(client_for(reviewer), method, url(target), data)
    assert response.status_code == 404
    _assert_untouched(target)


@pytest.mark.parametrize(("name", "method", "url", "data"), PAGES, ids=IDS)
def test_organization_page_anonymous_is_sent_to_login(client, target, name, method, url, data):
    address = url(target)
    response = _call(client, method, address, data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=" in response.url
    _assert_untouched(target)


@pytest.mark.parametrize(("name", "method", "url", "data"), PAGES, ids=IDS)
def test_organization_page_missing_organization_is_404_like_foreign(
    client_for, target, outsider, name, method, url, data
):
    """A foreign organization and a missing one look the same: nobody learns it exists."""
    missing = Target(
        org=Organization(pk=target.org.pk + 1000, legal_name="x"),
        member=target.member,
        invitation=target.invitation,
        evidence=target.evidence,
    )
    assert _call(client_for(outsider), method, url(missing), data).status_code == 404


def _outsider_org(outsider) -> Organization:
    return Membership.objects.get(user=outsider).organization


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        (
            "post",
            lambda o, t: reverse("entities:member_role", args=[o.pk, t.member.pk]),
            {"role": "viewer"},
        ),
        ("post", lambda o, t: reverse("entities:member_remove", args=[o.pk, t.member.pk]), {}),
        (
            "post",
            lambda o, t: reverse("entities:invitation_revoke", args=[o.pk, t.invitation.pk]),
            {},
        ),
        ("get", lambda o, t: reverse("entities:evidence", args=[o.pk, t.evidence.pk]), None),
        ("post", lambda o, t: reverse("entities:evidence_delete", args=[o.pk, t.evidence.pk]), {}),
    ],
    ids=["member_role", "member_remove", "invitation_revoke", "evidence", "evidence_delete"],
)
def test_organization_page_foreign_object_under_own_organization_is_404(
    client_for, target, outsider, method, url, data
):
    """Pointing one's own organization's URL at another tenant's member, invitation or file."""
    response = _call(client_for(outsider), method, url(_outsider_org(outsider), target), data)
    assert response.status_code == 404
    _assert_untouched(target)


# --------------------------------------------------------------------------- members by role
READ_PAGES = [
    p for p in PAGES if p[1] == "get" and p[0] in {"detail", "members", "capabilities", "evidence"}
]
WRITE_PAGES = [
    p
    for p in PAGES
    if p[0]
    in {"edit", "capability_edit", "evidence_delete", "request_verification", "invitation_revoke"}
    or (p[0] == "members" and p[1] == "post")
]


@pytest.mark.parametrize(
    ("name", "method", "url", "data"), READ_PAGES, ids=[p[0] for p in READ_PAGES]
)
def test_organization_page_viewer_can_read(client_for, target, viewer, name, method, url, data):
    assert _call(client_for(viewer), method, url(target), data).status_code == 200


@pytest.mark.parametrize(
    ("name", "method", "url", "data"),
    WRITE_PAGES,
    ids=[f"{p[0]}-{p[1]}" for p in WRITE_PAGES],
)
def test_organization_page_viewer_cannot_edit(client_for, target, viewer, name, method, url, data):
    response = _call(client_for(viewer), method, url(target), data)
    assert response.status_code == 404
    _assert_untouched(target)


def test_organization_page_viewer_cannot_change_roles(client_for, target, viewer):
    client_for(viewer).post(
        reverse("entities:member_role", args=[target.org.pk, target.member.pk]), {"role": "viewer"}
    )
    _assert_untouched(target)


def test_organization_detail_viewer_sees_no_edit_controls(client_for, target, viewer):
    content = client_for(viewer).get(reverse("entities:detail", args=[target.org.pk])).content
    assert reverse("entities:edit", args=[target.org.pk]).encode() not in content
    capabilities = client_for(viewer).get(reverse("entities:capabilities", args=[target.org.pk]))
    assert reverse("entities:capability_edit", args=[target.org.pk, KEY]).encode() not in (
        capabilities.content
    )


def test_organization_page_editor_edits_content_not_profile(client_for, target, editor):
    c = client_for(editor)
    assert c.get(reverse("entities:edit", args=[target.org.pk])).status_code == 404
    assert c.get(reverse("entities:capability_edit", args=[target.org.pk, KEY])).status_code == 200


def test_organization_page_operator_reads_but_does_not_edit(client_for, target, operator):
    c = client_for(operator)
    assert c.get(reverse("entities:detail", args=[target.org.pk])).status_code == 200
    assert c.get(reverse("entities:edit", args=[target.org.pk])).status_code == 404
    _assert_untouched(target)


def test_organization_page_unverified_org_request_verification_by_manager(client_for, org, manager):
    Organization.objects.filter(pk=org.pk).update(verification_status=VerificationStatus.UNVERIFIED)
    response = client_for(manager).post(reverse("entities:request_verification", args=[org.pk]))
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.verification_status == VerificationStatus.PENDING


def test_organization_page_former_member_gets_404(client_for, org, owner):
    former = UserFactory()
    membership = add_member(org, former, MembershipRole.EDITOR)
    c = client_for(former)
    assert c.get(reverse("entities:detail", args=[org.pk])).status_code == 200
    from entities import services

    services.membership_remove(membership=membership, by=owner)
    assert client_for(former).get(reverse("entities:detail", args=[org.pk])).status_code == 404


# --------------------------------------------------------------------------- query counts
def test_capabilities_page_query_count_does_not_grow_with_evidence(
    client_for, org, owner, django_assert_max_num_queries
):
    from tests.factories import declare_capability

    c = client_for(owner)
    url = reverse("entities:capabilities", args=[org.pk])
    c.get(url)
    with django_assert_max_num_queries(12):
        assert c.get(url).status_code == 200
    for key in (CapabilityKey.OPERATIONAL_SCENARIOS, CapabilityKey.LOCAL_DATA_RESOURCES):
        declaration = declare_capability(org, key)
        for _ in range(3):
            from django.core.files.base import ContentFile

            from tests.factories import PDF_BYTES

            extra = CapabilityEvidence(
                declaration=declaration,
                original_name="more.pdf",
                content_type="application/pdf",
                size=len(PDF_BYTES),
                sha256="0" * 64,
            )
            extra.file.save("more.pdf", ContentFile(PDF_BYTES), save=True)
    with django_assert_max_num_queries(12):
        assert c.get(url).status_code == 200


def test_organization_detail_query_count_does_not_grow_with_members(
    client_for, org, owner, django_assert_max_num_queries
):
    c = client_for(owner)
    url = reverse("entities:detail", args=[org.pk])
    for _ in range(8):
        add_member(org, UserFactory(), MembershipRole.VIEWER)
    c.get(url)
    with django_assert_max_num_queries(14):
        assert c.get(url).status_code == 200
