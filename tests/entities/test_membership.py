"""Memberships, roles and invitations: the last owner stays, roles are granted downwards only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from entities import rules, services
from entities.enums import InvitationStatus, MembershipRole
from entities.models import Invitation, Membership, User
from entities.session import SESSION_KEY
from tests.conftest import assert_error_tied_to_field
from tests.factories import InvitationFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _role(user, org) -> str | None:
    membership = Membership.objects.filter(user=user, organization=org).first()
    return membership.role if membership else None


def _membership(user, org) -> Membership:
    return Membership.objects.get(user=user, organization=org)


# --------------------------------------------------------------------------- last owner
def test_membership_remove_last_owner_is_refused(org, owner):
    with pytest.raises(ValidationError, match="last owner"):
        services.membership_remove(membership=_membership(owner, org), by=owner)
    assert _role(owner, org) == MembershipRole.OWNER


def test_membership_change_role_last_owner_demotion_is_refused(org, owner):
    with pytest.raises(ValidationError, match="at least one owner"):
        services.membership_change_role(
            membership=_membership(owner, org), role=MembershipRole.MANAGER, by=owner
        )
    assert _role(owner, org) == MembershipRole.OWNER


def test_membership_change_role_owner_demotion_allowed_with_second_owner(org, owner):
    second = UserFactory()
    add_member(org, second, MembershipRole.OWNER)
    services.membership_change_role(
        membership=_membership(owner, org), role=MembershipRole.VIEWER, by=owner
    )
    assert _role(owner, org) == MembershipRole.VIEWER


def test_membership_change_role_unknown_role_is_refused(org, owner, editor):
    with pytest.raises(ValidationError):
        services.membership_change_role(membership=_membership(editor, org), role="admin", by=owner)
    assert _role(editor, org) == MembershipRole.EDITOR


def test_member_remove_view_last_owner_demoted_through_view_is_refused(client_for, org, owner):
    response = client_for(owner).post(
        reverse("entities:member_role", args=[org.pk, _membership(owner, org).pk]),
        {"role": MembershipRole.EDITOR},
    )
    assert response.status_code == 302
    assert any("at least one owner" in m for m in _messages(response))
    assert _role(owner, org) == MembershipRole.OWNER


def test_member_remove_view_last_owner_cannot_leave(client_for, org, owner, editor):
    url = reverse("entities:member_remove", args=[org.pk, _membership(owner, org).pk])
    c = client_for(owner)
    page = c.get(url)
    assert page.status_code == 200
    assert b"Leave" in page.content
    response = c.post(url)
    assert response.status_code == 302
    assert response.url == reverse("entities:members", args=[org.pk])
    assert any("last owner" in m for m in _messages(response))
    assert _role(owner, org) == MembershipRole.OWNER


def test_member_remove_view_owner_leaves_when_another_owner_exists(client_for, org, owner):
    second = UserFactory()
    add_member(org, second, MembershipRole.OWNER)
    c = client_for(owner)
    response = c.post(reverse("entities:member_remove", args=[org.pk, _membership(owner, org).pk]))
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert _role(owner, org) is None
    assert not owner.groups.filter(pk=org.members_group_id).exists()
    assert c.get(reverse("entities:detail", args=[org.pk])).status_code == 404


def test_member_remove_view_editor_leaves(client_for, org, owner, editor):
    c = client_for(editor)
    response = c.post(reverse("entities:member_remove", args=[org.pk, _membership(editor, org).pk]))
    assert response.status_code == 302
    assert _role(editor, org) is None
    assert c.get(reverse("entities:detail", args=[org.pk])).status_code == 404


def test_member_remove_view_manager_removes_editor(client_for, org, owner, manager, editor):
    response = client_for(manager).post(
        reverse("entities:member_remove", args=[org.pk, _membership(editor, org).pk])
    )
    assert response.status_code == 302
    assert _role(editor, org) is None
    assert not User.objects.get(pk=editor.pk).has_perm("entities.view_organization", org)


def test_member_remove_view_manager_cannot_remove_owner(client_for, org, owner, manager):
    response = client_for(manager).post(
        reverse("entities:member_remove", args=[org.pk, _membership(owner, org).pk])
    )
    assert response.status_code == 404
    assert _role(owner, org) == MembershipRole.OWNER


def test_member_remove_view_editor_cannot_remove_viewer(client_for, org, owner, editor, viewer):
    response = client_for(editor).post(
        reverse("entities:member_remove", args=[org.pk, _membership(viewer, org).pk])
    )
    assert response.status_code == 404
    assert _role(viewer, org) == MembershipRole.VIEWER


# --------------------------------------------------------------------------- role changes
@pytest.mark.parametrize(
    ("granter", "role", "allowed"),
    [
        (MembershipRole.OWNER, MembershipRole.OWNER, True),
        (MembershipRole.OWNER, MembershipRole.MANAGER, True),
        (MembershipRole.OWNER, MembershipRole.VIEWER, True),
        (MembershipRole.MANAGER, MembershipRole.OWNER, False),
        (MembershipRole.MANAGER, MembershipRole.MANAGER, True),
        (MembershipRole.MANAGER, MembershipRole.EDITOR, True),
        (MembershipRole.MANAGER, MembershipRole.VIEWER, True),
        (MembershipRole.EDITOR, MembershipRole.EDITOR, False),
        (MembershipRole.EDITOR, MembershipRole.VIEWER, False),
        (MembershipRole.VIEWER, MembershipRole.VIEWER, False),
    ],
)
def test_can_grant_role_depends_on_own_role(org, granter, role, allowed):
    user = UserFactory()
    add_member(org, user, granter)
    assert rules.can_grant_role(user, org, role) is allowed


def test_can_grant_role_outsider_grants_nothing(org, outsider):
    assert not any(rules.can_grant_role(outsider, org, r) for r in MembershipRole.values)


@pytest.mark.parametrize(
    ("granter", "role", "allowed"),
    [
        ("owner", MembershipRole.OWNER, True),
        ("owner", MembershipRole.MANAGER, True),
        ("manager", MembershipRole.MANAGER, True),
        ("manager", MembershipRole.VIEWER, True),
        ("manager", MembershipRole.OWNER, False),
    ],
)
def test_member_role_view_changes_editor_role(
    request, client_for, org, owner, manager, editor, granter, role, allowed
):
    user = request.getfixturevalue(granter)
    response = client_for(user).post(
        reverse("entities:member_role", args=[org.pk, _membership(editor, org).pk]),
        {"role": role},
    )
    assert response.status_code == 302
    assert _role(editor, org) == (role if allowed else MembershipRole.EDITOR)


def test_member_role_view_manager_cannot_demote_owner(client_for, org, owner, manager):
    second = UserFactory()
    add_member(org, second, MembershipRole.OWNER)
    client_for(manager).post(
        reverse("entities:member_role", args=[org.pk, _membership(second, org).pk]),
        {"role": MembershipRole.VIEWER},
    )
    assert _role(second, org) == MembershipRole.OWNER


def test_member_role_view_editor_cannot_change_others(client_for, org, owner, editor, viewer):
    response = client_for(editor).post(
        reverse("entities:member_role", args=[org.pk, _membership(viewer, org).pk]),
        {"role": MembershipRole.EDITOR},
    )
    assert response.status_code == 404
    assert _role(viewer, org) == MembershipRole.VIEWER


def test_member_role_view_viewer_cannot_promote_self(client_for, org, owner, viewer):
    client_for(viewer).post(
        reverse("entities:member_role", args=[org.pk, _membership(viewer, org).pk]),
        {"role": MembershipRole.OWNER},
    )
    assert _role(viewer, org) == MembershipRole.VIEWER


def test_member_role_view_unknown_role_changes_nothing(client_for, org, owner, editor):
    response = client_for(owner).post(
        reverse("entities:member_role", args=[org.pk, _membership(editor, org).pk]),
        {"role": "superuser"},
    )
    assert response.status_code == 302
    assert any("Choose one of the roles" in m for m in _messages(response))
    assert _role(editor, org) == MembershipRole.EDITOR


def test_members_page_offers_only_grantable_roles(client_for, org, owner, manager, editor):
    response = client_for(manager).get(reverse("entities:members", args=[org.pk]))
    assert response.status_code == 200
    offered = {value for value, _label in response.context["role_choices"]}
    assert offered == {MembershipRole.MANAGER, MembershipRole.EDITOR, MembershipRole.VIEWER}
    invite_roles = {v for v, _l in response.context["invite_form"].fields["role"].choices}
    assert MembershipRole.OWNER not in invite_roles


def test_members_page_query_count_does_not_grow_with_members(
    client_for, org, owner, django_assert_max_num_queries
):
    c = client_for(owner)
    url = reverse("entities:members", args=[org.pk])
    for _ in range(3):
        add_member(org, UserFactory(), MembershipRole.EDITOR)
        InvitationFactory(organization=org, invited_by=owner)
    c.get(url)
    with django_assert_max_num_queries(14):
        response = c.get(url)
    assert response.status_code == 200
    for _ in range(10):
        add_member(org, UserFactory(), MembershipRole.VIEWER)
        InvitationFactory(organization=org, invited_by=owner)
    with django_assert_max_num_queries(14):
        response = c.get(url)
    assert len(response.context["members"]) == 14


# --------------------------------------------------------------------------- invitations
def _invite(client, org, email, role=MembershipRole.EDITOR):
    return client.post(reverse("entities:members", args=[org.pk]), {"email": email, "role": role})


def test_invitation_create_by_manager_sends_email(
    client_for, org, owner, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client_for(manager), org, "New.Colleague@Example.org")
    assert response.status_code == 302
    invitation = Invitation.objects.get(organization=org)
    assert invitation.email == "new.colleague@example.org"
    assert invitation.role == MembershipRole.EDITOR
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.invited_by == manager
    sent = [m for m in mail.outbox if "new.colleague@example.org" in m.to]
    assert len(sent) == 1
    assert invitation.token in sent[0].body


def test_invitation_create_bad_email_shows_error_next_to_field(client_for, org, owner):
    response = _invite(client_for(owner), org, "not-an-address")
    assert response.status_code == 200
    assert "email" in response.context["invite_form"].errors
    assert_error_tied_to_field(response.content, "email")
    assert not Invitation.objects.exists()


def test_invitation_create_by_editor_is_refused(client_for, org, owner, editor):
    response = _invite(client_for(editor), org, "someone@example.org")
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_invitation_create_manager_cannot_invite_owner(client_for, org, owner, manager):
    response = _invite(client_for(manager), org, "boss@example.org", MembershipRole.OWNER)
    assert response.status_code == 200
    assert "role" in response.context["invite_form"].errors
    assert not Invitation.objects.exists()


def test_invitation_create_duplicate_pending_is_refused(client_for, org, owner):
    c = client_for(owner)
    _invite(c, org, "twice@example.org")
    response = _invite(c, org, "TWICE@example.org")
    assert response.status_code == 200
    assert "already waiting" in response.context["invite_form"].errors["email"][0]
    assert Invitation.objects.filter(organization=org).count() == 1


def test_invitation_create_duplicate_pending_refused_by_service(org, owner):
    services.invitation_create(organization=org, email="a@example.org", role="editor", by=owner)
    with pytest.raises(ValidationError) as info:
        services.invitation_create(organization=org, email="A@example.org", role="viewer", by=owner)
    assert "email" in info.value.message_dict


def test_invitation_create_after_expiry_replaces_old_one(org, owner):
    old = services.invitation_create(
        organization=org, email="late@example.org", role="editor", by=owner
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        new = services.invitation_create(
            organization=org, email="late@example.org", role="viewer", by=owner
        )
    old.refresh_from_db()
    assert old.status == InvitationStatus.REVOKED
    assert new.status == InvitationStatus.PENDING
    assert new.token != old.token


def test_invitation_create_for_existing_member_is_refused(org, owner, editor):
    with pytest.raises(ValidationError, match="already a member"):
        services.invitation_create(organization=org, email=editor.email, role="viewer", by=owner)


def test_invitation_create_same_email_other_organization_is_allowed(org, owner, asean_org):
    services.invitation_create(organization=org, email="x@example.org", role="editor", by=owner)
    services.invitation_create(
        organization=asean_org, email="x@example.org", role="editor", by=owner
    )
    assert Invitation.objects.filter(email="x@example.org").count() == 2


def test_invitation_accept_makes_member_with_role(client_for, org, owner):
    invitation = InvitationFactory(
        organization=org, email="joiner@example.org", role="manager", invited_by=owner
    )
    joiner = UserFactory(email="joiner@example.org")
    c = client_for(joiner)
    page = c.get(reverse("entities:invitation", args=[invitation.token]))
    assert page.status_code == 200
    assert b"Accept and join" in page.content
    response = c.post(reverse("entities:invitation", args=[invitation.token]), {"action": "accept"})
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert _role(joiner, org) == MembershipRole.MANAGER
    assert c.session[SESSION_KEY] == org.pk
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.accepted_by == joiner
    assert invitation.responded_at is not None
    assert User.objects.get(pk=joiner.pk).has_perm("entities.view_organization", org)
    assert c.get(reverse("entities:detail", args=[org.pk])).status_code == 200


def test_invitation_accept_notifies_inviter(org, owner, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(organization=org, email="j@example.org", invited_by=owner)
    joiner = UserFactory(email="j@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_accept(invitation=invitation, user=joiner)
    assert any(owner.email in m.to for m in mail.outbox)


def test_invitation_accept_anonymous_is_sent_to_login(client, org):
    invitation = InvitationFactory(organization=org)
    url = reverse("entities:invitation", args=[invitation.token])
    page = client.get(url)
    assert page.status_code == 200
    assert b"Create an account" in page.content
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert url in response.url
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_invitation_decline_records_answer(client, org):
    invitation = InvitationFactory(organization=org)
    response = client.post(
        reverse("entities:invitation", args=[invitation.token]), {"action": "decline"}
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert not Membership.objects.filter(organization=org, user__email=invitation.email).exists()


def test_invitation_revoke_by_manager(client_for, org, owner, manager):
    invitation = InvitationFactory(organization=org, invited_by=owner)
    response = client_for(manager).post(
        reverse("entities:invitation_revoke", args=[org.pk, invitation.pk])
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED


def test_invitation_revoke_by_editor_is_refused(client_for, org, owner, editor):
    invitation = InvitationFactory(organization=org, invited_by=owner)
    response = client_for(editor).post(
        reverse("entities:invitation_revoke", args=[org.pk, invitation.pk])
    )
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_invitation_revoke_answered_invitation_is_refused(org, owner):
    invitation = InvitationFactory(organization=org, status=InvitationStatus.DECLINED)
    with pytest.raises(ValidationError):
        services.invitation_revoke(invitation=invitation, by=owner)


def test_invitation_accept_revoked_is_refused(client_for, org, owner):
    invitation = InvitationFactory(organization=org, email="r@example.org")
    services.invitation_revoke(invitation=invitation, by=owner)
    user = UserFactory(email="r@example.org")
    c = client_for(user)
    url = reverse("entities:invitation", args=[invitation.token])
    response = c.post(url, {"action": "accept"})
    assert response.status_code == 302
    assert any("already been answered" in m for m in _messages(response))
    assert _role(user, org) is None
    assert b"already been answered or withdrawn" in c.get(url).content


def test_invitation_accept_expired_is_refused(client_for, org):
    invitation = InvitationFactory(organization=org, email="slow@example.org")
    user = UserFactory(email="slow@example.org")
    url = reverse("entities:invitation", args=[invitation.token])
    with time_machine.travel(timezone.now() + dt.timedelta(days=14, minutes=1)):
        c = client_for(user)  # signed in after the jump: sessions last two weeks too
        response = c.post(url, {"action": "accept"})
        assert any("expired" in m for m in _messages(response))
        assert b"This invitation has expired" in c.get(url).content
    assert _role(user, org) is None
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_invitation_accept_just_before_expiry_works(org):
    invitation = InvitationFactory(organization=org, email="just@example.org")
    user = UserFactory(email="just@example.org")
    with time_machine.travel(timezone.now() + dt.timedelta(days=13, hours=23)):
        services.invitation_accept(invitation=invitation, user=user)
    assert _role(user, org) == MembershipRole.EDITOR


def test_invitation_decline_expired_is_refused(org):
    invitation = InvitationFactory(
        organization=org, expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(ValidationError, match="expired"):
        services.invitation_decline(invitation=invitation)


@pytest.mark.parametrize("first_answer", ["accept", "decline"])
def test_invitation_answered_token_cannot_be_reused(client_for, org, first_answer):
    invitation = InvitationFactory(organization=org, email="once@example.org")
    user = UserFactory(email="once@example.org")
    c = client_for(user)
    url = reverse("entities:invitation", args=[invitation.token])
    c.post(url, {"action": first_answer})
    invitation.refresh_from_db()
    status = invitation.status
    for action in ("accept", "decline"):
        response = c.post(url, {"action": action})
        assert response.status_code == 302
        assert any("already been answered" in m for m in _messages(response))
    invitation.refresh_from_db()
    assert invitation.status == status
    assert Membership.objects.filter(organization=org, user=user).count() == (
        1 if first_answer == "accept" else 0
    )


def test_invitation_accept_email_mismatch_is_refused(client_for, org):
    invitation = InvitationFactory(organization=org, email="intended@example.org")
    someone_else = UserFactory(email="someone.else@example.org")
    c = client_for(someone_else)
    url = reverse("entities:invitation", args=[invitation.token])
    page = c.get(url)
    assert b"but you are signed in as" in page.content
    assert b"Accept and join" not in page.content
    response = c.post(url, {"action": "accept"})
    assert any("intended@example.org" in m for m in _messages(response))
    assert _role(someone_else, org) is None
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_invitation_accept_email_case_does_not_matter(org):
    invitation = InvitationFactory(organization=org, email="mixed@example.org")
    user = UserFactory(email="Mixed@Example.org")
    services.invitation_accept(invitation=invitation, user=user)
    assert _role(user, org) == MembershipRole.EDITOR


def test_invitation_unknown_token_is_404(client):
    assert client.get(reverse("entities:invitation", args=["no-such-token"])).status_code == 404


def test_invitation_shown_on_invitee_dashboard(client_for, org):
    invitation = InvitationFactory(organization=org, email="dash@example.org")
    user = UserFactory(email="dash@example.org")
    response = client_for(user).get(reverse("dashboard"))
    assert invitation.token.encode() in response.content


def test_invitation_for_person_without_account_then_signup(
    client, org, owner, django_capture_on_commit_callbacks
):
    """The invitee has no account: they sign up from the link, verify, then accept."""
    email = "newcomer@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organization=org, email=email, role=MembershipRole.EDITOR, by=owner
        )
    assert not User.objects.filter(email=email).exists()
    invitation_url = reverse("entities:invitation", args=[invitation.token])

    page = client.get(invitation_url)
    signup_link = re.search(r'href="([^"]*/accounts/signup/\?next=[^"]*)"', page.content.decode())
    assert signup_link, "the invitation page links to sign-up"
    signup_url = signup_link.group(1).replace("&amp;", "&")
    form_page = client.get(signup_url)
    assert form_page.context["form"].initial.get("email") == email

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            signup_url,
            {
                "email": email,
                "full_name": "Test Person",
                "password1": "a long passphrase 42",
                "password2": "a long passphrase 42",
                "accept_privacy": "on",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email=email)
    assert "_auth_user_id" not in client.session  # not signed in before verifying
    confirmation = next(m for m in mail.outbox if email in m.to)
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", confirmation.body)
    assert link, confirmation.body
    response = client.post(link.group(1))
    assert response.status_code == 302
    assert response.url == invitation_url  # back to the invitation, signed in
    assert client.session["_auth_user_id"] == str(user.pk)

    response = client.post(invitation_url, {"action": "accept"})
    assert response.status_code == 302
    assert _role(user, org) == MembershipRole.EDITOR
