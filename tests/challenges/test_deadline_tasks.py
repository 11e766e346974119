"""The beat tasks: closing at the deadline and reminders, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from challenges import tasks
from challenges.enums import BidState, ChallengeState
from challenges.models import ChallengeTransition, DeadlineReminder

from .factories import draft_bid, listed_challenge, submitted_bid

pytestmark = pytest.mark.django_db


def test_close_due_challenges_moves_past_deadline_to_evaluation_once():
    challenge = listed_challenge()
    bid = submitted_bid(challenge)
    draft = draft_bid(challenge)
    with time_machine.travel(challenge.deadline + dt.timedelta(seconds=1)):
        assert tasks.close_due_challenges() == 1
        assert tasks.close_due_challenges() == 0
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.EVALUATION
    assert ChallengeTransition.objects.filter(challenge=challenge, action="close").count() == 1
    bid.refresh_from_db()
    draft.refresh_from_db()
    assert bid.state == BidState.UNDER_REVIEW
    assert draft.state == BidState.DRAFT


def test_close_due_challenges_leaves_open_challenges_alone():
    challenge = listed_challenge()
    with time_machine.travel(challenge.deadline - dt.timedelta(seconds=1)):
        assert tasks.close_due_challenges() == 0
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.LISTED


def test_deadline_reminders_are_sent_once_each(django_capture_on_commit_callbacks):
    challenge = listed_challenge(deadline=timezone.now() + dt.timedelta(days=10))
    bid = draft_bid(challenge)
    submitted_bid(challenge)  # a submitted bid needs no reminder
    applicant_emails = {m.user.email for m in bid.applicant.memberships.all()}
    mail.outbox.clear()
    with (
        time_machine.travel(challenge.deadline - dt.timedelta(days=6)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.send_deadline_reminders() == 1
        assert tasks.send_deadline_reminders() == 0
    assert {m.to[0] for m in mail.outbox} == applicant_emails
    with (
        time_machine.travel(challenge.deadline - dt.timedelta(hours=12)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.send_deadline_reminders() == 1
        assert tasks.send_deadline_reminders() == 0
    assert set(DeadlineReminder.objects.values_list("kind", flat=True)) == {"7d", "1d"}
    assert len(mail.outbox) == 2 * len(applicant_emails)
