"""Panels: set-up with the default rubric, assigning, inviting, removing and nominating reviewers."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from entities.enums import MembershipRole
from entities.models import User
from evaluation import services
from evaluation.enums import AssignmentStatus
from evaluation.models import Criterion, EvaluationEvent, Panel, ReviewerAssignment
from tests.factories import ReviewerFactory, UserFactory, add_member, give_second_factor

from .conftest import assign, build_scenario, review

pytestmark = pytest.mark.django_db


def op_url(challenge) -> str:
    return reverse("evaluation:operator_challenge", args=[challenge.pk])


def test_panel_set_up_with_the_default_rubric(client_for, operator):
    s = build_scenario(operator=operator)
    c = client_for(operator)
    body = c.get(op_url(s.challenge)).content.decode()
    assert "Set up the panel" in body
    c.post(reverse("evaluation:panel_create", args=[s.challenge.pk]))
    panel = Panel.objects.get(challenge=s.challenge)
    rows = list(
        Criterion.objects.filter(challenge=s.challenge).values_list("name", "weight", "max_score")
    )
    assert rows == [
        ("Technical solution", 30, 10),
        ("Team and capability", 20, 10),
        ("Feasibility and milestones", 20, 10),
        ("Fit with the demand scenario and data", 20, 10),
        ("Cooperation and sustainability", 10, 10),
    ]
    # Idempotent.
    assert services.panel_create(challenge=s.challenge, by=operator) == panel
    assert Criterion.objects.filter(challenge=s.challenge).count() == 5
    assert (
        EvaluationEvent.objects.filter(challenge=s.challenge, action="panel_created").count() == 1
    )


def test_only_operators_manage_panels(client_for, owner, reviewer, scenario):
    for user in (owner, reviewer, scenario.demand_owner):
        c = client_for(user)
        assert c.get(reverse("evaluation:operator_index")).status_code == 404
        assert c.get(op_url(scenario.challenge)).status_code == 404
        assert (
            c.post(
                reverse("evaluation:reviewer_invite", args=[scenario.challenge.pk]),
                {"email": "x@example.org"},
            ).status_code
            == 404
        )
    assert not ReviewerAssignment.objects.exists()
    with pytest.raises(ValidationError):
        services.reviewer_assign(challenge=scenario.challenge, reviewer=reviewer, by=owner)


def test_assign_an_existing_reviewer_by_the_form(
    client_for, operator, reviewer_a, scenario, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    c = client_for(operator)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(
            reverse("evaluation:reviewer_assign", args=[scenario.challenge.pk]),
            {"reviewer": reviewer_a.pk},
        )
    seat = ReviewerAssignment.objects.get(reviewer=reviewer_a)
    assert seat.status == AssignmentStatus.ACTIVE
    assert [m.to for m in mail.outbox] == [[reviewer_a.email]]
    assert "/review/" in mail.outbox[0].body
    body = c.get(op_url(scenario.challenge)).content.decode()
    assert reviewer_a.full_name in body
    # Twice: refused, clearly.
    with pytest.raises(ValidationError, match="already on the panel"):
        services.reviewer_assign(challenge=scenario.challenge, reviewer=reviewer_a, by=operator)


def test_invite_someone_with_an_account_assigns_them_and_grants_reviewer_access(operator, scenario):
    member = UserFactory(email="expert@university.example")
    assert not member.is_reviewer
    seat = services.reviewer_invite(
        challenge=scenario.challenge, email="Expert@University.example", by=operator
    )
    member.refresh_from_db()
    assert seat.reviewer == member and seat.status == AssignmentStatus.ACTIVE
    assert member.is_reviewer and not member.is_staff


def test_invite_by_email_then_sign_up_gives_reviewer_access_only(
    client, client_for, operator, scenario, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(operator).post(
            reverse("evaluation:reviewer_invite", args=[scenario.challenge.pk]),
            {"email": "new.expert@example.net"},
        )
    seat = ReviewerAssignment.objects.get(invited_email="new.expert@example.net")
    assert seat.status == AssignmentStatus.INVITED and seat.reviewer is None
    assert [m.to for m in mail.outbox] == [["new.expert@example.net"]]
    link = reverse("evaluation:invitation", args=[seat.token])
    assert link in mail.outbox[0].body
    # Inviting the same address again is refused.
    with pytest.raises(ValidationError, match="already waiting"):
        services.reviewer_invite(
            challenge=scenario.challenge, email="new.expert@example.net", by=operator
        )

    # The landing page works before the account exists.
    body = client.get(link).content.decode()
    assert scenario.challenge.title in body
    assert "Create an account" in body
    signup = re.search(r'href="([^"]*signup[^"]*email=[^"]*)"', body).group(1).replace("&amp;", "&")
    assert "email=new.expert%40example.net" in signup
    # Sign-up, then the address is confirmed: the invitation is accepted.
    user = User.objects.create_user(email="new.expert@example.net", password="s3cret-Pass-42")
    address = EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    seat.refresh_from_db()
    user.refresh_from_db()
    assert seat.reviewer == user and seat.status == AssignmentStatus.ACTIVE
    assert user.is_reviewer and not user.is_staff and not user.memberships.exists()
    client.force_login(user)
    # A new reviewer sets up a second factor first (portal/mfa.py), then sees the panel.
    assert client.get("/review/").url.startswith("/accounts/2fa/")
    give_second_factor(user)
    assert scenario.challenge.title in client.get("/review/").content.decode()
    assert client.get(reverse("evaluation:operator_index")).status_code == 404


def test_invitation_accepted_on_the_landing_page(client_for, operator, scenario):
    seat = services.reviewer_invite(
        challenge=scenario.challenge, email="late.expert@example.net", by=operator
    )
    wrong = UserFactory(email="someone.else@example.net")
    c = client_for(wrong)
    link = reverse("evaluation:invitation", args=[seat.token])
    assert "but you are signed in as" in c.get(link).content.decode()
    c.post(link)
    seat.refresh_from_db()
    assert seat.status == AssignmentStatus.INVITED
    invitee = UserFactory(email="late.expert@example.net")
    response = client_for(invitee).post(link, follow=True)
    # Now a reviewer, the invitee sets up a second factor before seeing the panel.
    assert response.request["PATH_INFO"] == "/accounts/2fa/"
    seat.refresh_from_db()
    assert seat.reviewer == invitee and seat.status == AssignmentStatus.ACTIVE
    give_second_factor(invitee)
    assert "You have accepted this invitation" in client_for(invitee).get(link).content.decode()
    assert "already been answered" in c.get(link).content.decode()
    assert client_for(invitee).get("/nonsense-token-check/").status_code == 404
    assert (
        client_for(invitee).get(reverse("evaluation:invitation", args=["nope"])).status_code == 404
    )


def test_remove_a_reviewer_with_confirmation(
    client_for, operator, reviewer_a, scenario, django_capture_on_commit_callbacks
):
    seat = assign(scenario, reviewer_a)
    mail.outbox.clear()
    c = client_for(operator)
    url = reverse("evaluation:reviewer_remove", args=[scenario.challenge.pk, seat.pk])
    assert "Take" in c.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        c.post(url, {"reason": "Unavailable"})
    seat.refresh_from_db()
    assert seat.status == AssignmentStatus.REMOVED
    assert [m.to for m in mail.outbox] == [[reviewer_a.email]]
    assert EvaluationEvent.objects.filter(action="reviewer_removed", reason="Unavailable").exists()
    # Re-assigning reactivates the same seat.
    again = assign(scenario, reviewer_a)
    assert again.pk == seat.pk and again.status == AssignmentStatus.ACTIVE


def test_demand_manager_nominates_one_member(
    client_for, operator, scenario, django_capture_on_commit_callbacks
):
    challenge = scenario.challenge
    colleague = UserFactory(full_name="Nina Nominee")
    add_member(challenge.organization, colleague, MembershipRole.EDITOR)
    url = reverse("evaluation:nominate", args=[challenge.pk])
    c = client_for(scenario.demand_owner)
    membership = colleague.memberships.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        c.post(url, {"member": membership.pk})
    seat = ReviewerAssignment.objects.get(reviewer=colleague)
    assert seat.nominated_by == challenge.organization and seat.status == AssignmentStatus.ACTIVE
    colleague.refresh_from_db()
    assert colleague.is_reviewer
    recipients = sorted(a for m in mail.outbox for a in m.to)
    assert colleague.email in recipients and operator.email in recipients
    assert "Your nominee" in c.get(url).content.decode()
    # A second nomination is refused.
    other = UserFactory()
    add_member(challenge.organization, other, MembershipRole.VIEWER)
    with pytest.raises(ValidationError, match="already nominated"):
        services.reviewer_nominate(challenge=challenge, member=other, by=scenario.demand_owner)
    assert not ReviewerAssignment.objects.filter(reviewer=other).exists()


def test_nomination_is_for_owners_and_managers_of_the_demand_entity_only(
    client_for, scenario, reviewer_a
):
    challenge = scenario.challenge
    editor = UserFactory()
    add_member(challenge.organization, editor, MembershipRole.EDITOR)
    url = reverse("evaluation:nominate", args=[challenge.pk])
    for user in (editor, scenario.applicants[0], reviewer_a):
        assert client_for(user).get(url).status_code == 404
    outsider = ReviewerFactory()
    with pytest.raises(ValidationError):
        services.reviewer_nominate(challenge=challenge, member=outsider, by=editor)
    with pytest.raises(ValidationError, match="member of your organization"):
        services.reviewer_nominate(challenge=challenge, member=outsider, by=scenario.demand_owner)
    assert not ReviewerAssignment.objects.exists()


def test_panel_cannot_change_after_the_decision(operator, reviewer_a, scenario):
    seat = assign(scenario, reviewer_a)
    review(seat, scenario.bids[0], 7)
    services.decision_create(
        challenge=scenario.challenge,
        bid=scenario.bids[0],
        rationale="Clearly the best bid overall.",
        quorum_override="Decided in a test before the full quorum.",
        by=operator,
    )
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.reviewer_assign(
            challenge=scenario.challenge, reviewer=ReviewerFactory(), by=operator
        )
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.reviewer_remove(assignment=seat, by=operator)
