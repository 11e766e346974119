"""Operators vet submitted challenges: publish, return for changes, reject — with e-mails."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from challenges import lifecycle
from challenges.enums import ChallengeState
from entities.enums import MembershipRole
from tests.factories import UserFactory, add_member

from .factories import ChallengeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(django_capture_on_commit_callbacks):
    challenge = ChallengeFactory()
    owner = UserFactory(email="asean.owner@example.org")
    add_member(challenge.organization, owner, MembershipRole.OWNER)
    editor = UserFactory(email="asean.editor@example.org")
    add_member(challenge.organization, editor, MembershipRole.EDITOR)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition_challenge(challenge, "submit", by=editor)
    mail.outbox.clear()
    return challenge


def _decide(client, challenge, action, reason="", capture=None):
    url = reverse("challenges:vetting_decide", args=[challenge.pk])
    if capture is None:
        return client.post(url, {"action": action, "reason": reason})
    with capture(execute=True):
        return client.post(url, {"action": action, "reason": reason})


def test_vetting_queue_lists_submitted_challenges_for_operators(client_for, operator, submitted):
    response = client_for(operator).get(reverse("challenges:vetting"))
    assert response.status_code == 200
    assert submitted.title in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "member", "outsider"])
def test_vetting_pages_are_404_for_non_operators(client, client_for, submitted, outsider, who):
    member = submitted.organization.memberships.first().user
    c = {"anonymous": client, "member": client_for(member), "outsider": client_for(outsider)}[who]
    for url in (
        reverse("challenges:vetting"),
        reverse("challenges:vetting_decide", args=[submitted.pk]),
    ):
        response = c.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 404
    response = c.post(
        reverse("challenges:vetting_decide", args=[submitted.pk]), {"action": "publish"}
    )
    submitted.refresh_from_db()
    assert submitted.state == ChallengeState.SUBMITTED


def test_vetting_publish_lists_the_challenge_and_emails_every_member(
    client_for, operator, submitted, django_capture_on_commit_callbacks
):
    response = _decide(
        client_for(operator), submitted, "publish", capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == ChallengeState.LISTED and submitted.published_at
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["asean.editor@example.org", "asean.owner@example.org"]
    assert all(submitted.title in m.subject for m in mail.outbox)
    assert reverse("challenges:detail", args=[submitted.pk]) in mail.outbox[0].body


def test_vetting_return_needs_a_comment_and_shows_it_to_the_owner(
    client_for, operator, submitted, django_capture_on_commit_callbacks
):
    response = _decide(client_for(operator), submitted, "return", reason="")
    assert response.status_code == 200
    assert "Tell the owner what to change" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == ChallengeState.SUBMITTED
    _decide(
        client_for(operator),
        submitted,
        "return",
        reason="Add the data access terms.",
        capture=django_capture_on_commit_callbacks,
    )
    submitted.refresh_from_db()
    assert submitted.state == ChallengeState.DRAFT
    assert submitted.vetting_comment == "Add the data access terms."
    assert any("Add the data access terms." in m.body for m in mail.outbox)
    owner = submitted.organization.memberships.get(role="owner").user
    page = client_for(owner).get(reverse("challenges:edit", args=[submitted.pk])).content.decode()
    assert "Add the data access terms." in page


def test_vetting_reject_records_the_reason_in_the_history(
    client_for, operator, submitted, django_capture_on_commit_callbacks
):
    _decide(
        client_for(operator),
        submitted,
        "reject",
        reason="Out of scope this round.",
        capture=django_capture_on_commit_callbacks,
    )
    submitted.refresh_from_db()
    assert submitted.state == ChallengeState.REJECTED
    log = submitted.transitions.get(action="reject")
    assert log.actor == operator and log.reason == "Out of scope this round."
    owner = submitted.organization.memberships.get(role="owner").user
    page = client_for(owner).get(reverse("challenges:detail", args=[submitted.pk])).content.decode()
    assert "Out of scope this round." in page and "History" in page
    assert len(mail.outbox) == 2


def test_vetting_a_challenge_that_is_not_submitted_changes_nothing(client_for, operator):
    challenge = ChallengeFactory()
    response = _decide(client_for(operator), challenge, "publish")
    assert response.status_code == 200
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.DRAFT
