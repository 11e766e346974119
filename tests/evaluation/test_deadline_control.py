"""Deadline control: the programme office closes bidding early or extends the deadline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from challenges import deadlines
from challenges.enums import BidState, ChallengeState
from challenges.models import ChallengeTransition
from entities.enums import MembershipRole
from tests.challenges.factories import draft_bid, listed_challenge, submitted_bid
from tests.factories import OrganizationFactory, UserFactory, add_member

REASON = "The demand entity asked for two more weeks after the holiday."


def _listed_with_bids():
    challenge = listed_challenge()
    drafter = UserFactory(full_name="Drafting Lead")
    org = OrganizationFactory(capabilities=True)
    add_member(org, drafter, MembershipRole.EDITOR)
    draft = draft_bid(challenge, org, by=drafter)
    submitted = submitted_bid(challenge, OrganizationFactory(capabilities=True))
    return challenge, draft, submitted, drafter


@pytest.mark.django_db
def test_extend_moves_the_deadline_records_it_and_emails_drafters(
    operator, django_capture_on_commit_callbacks
):
    challenge, _draft, _submitted, drafter = _listed_with_bids()
    old = challenge.deadline
    new = old + dt.timedelta(days=14)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deadlines.challenge_deadline_extend(
            challenge=challenge, deadline=new, reason=REASON, by=operator
        )
    challenge.refresh_from_db()
    assert challenge.deadline == new and challenge.state == ChallengeState.LISTED
    line = ChallengeTransition.objects.get(challenge=challenge, action="extend_deadline")
    assert line.reason == REASON
    assert challenge.history.first().deadline == new
    to_drafter = [m for m in mail.outbox if drafter.email in m.to]
    assert to_drafter and "New deadline" in to_drafter[0].subject and REASON in to_drafter[0].body


@pytest.mark.django_db
def test_extend_refuses_an_earlier_or_past_deadline(operator):
    challenge, *_ = _listed_with_bids()
    old = challenge.deadline
    for bad in (old - dt.timedelta(hours=1), timezone.now() - dt.timedelta(days=1)):
        with pytest.raises(ValidationError):
            deadlines.challenge_deadline_extend(
                challenge=challenge, deadline=bad, reason=REASON, by=operator
            )
    challenge.refresh_from_db()
    assert challenge.deadline == old


@pytest.mark.django_db
def test_only_operators_move_deadlines(owner):
    challenge, *_ = _listed_with_bids()
    with pytest.raises(ValidationError, match="Only the programme office"):
        deadlines.challenge_close_early(challenge=challenge, reason=REASON, by=owner)
    with pytest.raises(ValidationError):
        deadlines.challenge_close_early(challenge=challenge, reason="", by=owner)


@pytest.mark.django_db
def test_close_early_starts_review_and_tells_drafters(operator, django_capture_on_commit_callbacks):
    challenge, draft, submitted, drafter = _listed_with_bids()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deadlines.challenge_close_early(challenge=challenge, reason=REASON, by=operator)
    challenge.refresh_from_db()
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert challenge.state == ChallengeState.EVALUATION
    assert challenge.deadline <= timezone.now()
    assert submitted.state == BidState.UNDER_REVIEW and draft.state == BidState.DRAFT
    assert (
        ChallengeTransition.objects.get(challenge=challenge, action="close_early").reason == REASON
    )
    assert any("closed early" in m.subject for m in mail.outbox if drafter.email in m.to)


@pytest.mark.django_db
def test_deadline_page_confirms_then_extends(client_for, operator):
    challenge, *_ = _listed_with_bids()
    c = client_for(operator)
    url = reverse("evaluation:deadline", args=[challenge.pk])
    new = timezone.localtime(challenge.deadline + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    data = {"action": "extend", "deadline": new, "reason": REASON}
    html = c.post(url, data).content.decode()
    assert "Extend the deadline to" in html
    challenge.refresh_from_db()
    old = challenge.deadline
    c.post(url, {**data, "confirm": "yes"})
    challenge.refresh_from_db()
    assert challenge.deadline > old
    # The public challenge page shows the new deadline.
    page = c.get(reverse("challenges:detail", args=[challenge.pk])).content.decode()
    assert f'data-countdown="{timezone.localtime(challenge.deadline).isoformat()}"' in page


@pytest.mark.django_db
def test_deadline_page_rejects_bad_input(client_for, operator):
    challenge, *_ = _listed_with_bids()
    old = challenge.deadline
    c = client_for(operator)
    url = reverse("evaluation:deadline", args=[challenge.pk])
    html = c.post(url, {"action": "extend", "reason": REASON, "confirm": "yes"}).content.decode()
    assert "Choose the new deadline." in html
    html = c.post(url, {"action": "close", "reason": "x", "confirm": "yes"}).content.decode()
    assert "10 characters or more" in html
    c.post(url, {"action": "bogus", "reason": REASON, "confirm": "yes"})
    challenge.refresh_from_db()
    assert challenge.deadline == old and challenge.state == ChallengeState.LISTED


@pytest.mark.django_db
def test_deadline_page_is_404_for_others(client_for, owner):
    challenge, *_ = _listed_with_bids()
    assert (
        client_for(owner).get(reverse("evaluation:deadline", args=[challenge.pk])).status_code
        == 404
    )
