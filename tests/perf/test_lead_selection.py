"""Lead selection: a constant number of queries whatever the number of bids; e-mails fan out."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from challenges.enums import BidState
from challenges.models import Bid, BidTransition
from evaluation import services

from .conftest import reviewed_scenario, statements

pytestmark = pytest.mark.django_db
MAX_QUERIES = 50


def _decide(operator, bids: int) -> tuple[int, object]:
    scenario, _ = reviewed_scenario(operator, bids=bids)
    winner = scenario.bids[0]
    with CaptureQueriesContext(connection) as ctx:
        services.decision_create(
            challenge=scenario.challenge, bid=winner, rationale="Best plan.", by=operator
        )
    return statements(ctx), scenario


def test_lead_selection_queries_are_constant_in_the_number_of_bids(operator):
    small, _ = _decide(operator, 3)
    large, scenario = _decide(operator, 7)
    assert small == large, (small, large)
    assert large <= MAX_QUERIES
    losers = Bid.objects.filter(challenge=scenario.challenge, state=BidState.NOT_SELECTED)
    assert losers.count() == 6
    # One history line per losing bid, written in bulk.
    assert BidTransition.objects.filter(bid__in=losers, action="not_select").count() == 6


def test_lead_selection_feedback_reaches_every_losing_bidder_once(
    operator, django_capture_on_commit_callbacks
):
    scenario, _ = reviewed_scenario(operator, bids=4)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_create(
            challenge=scenario.challenge,
            bid=scenario.bids[0],
            rationale="Best plan.",
            by=operator,
        )
    for index, bid in enumerate(scenario.bids[1:], start=1):
        told = sorted(m.to[0] for m in mail.outbox if f"Comment on bid {index}" in m.body)
        members = sorted(m.user.email for m in bid.applicant.memberships.select_related("user"))
        assert told == members, index  # each member once, only its own bid's feedback
    # The task is idempotent: run again, nobody is told twice.
    from evaluation.tasks import send_decision_feedback

    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        send_decision_feedback([b.pk for b in scenario.bids[1:]])
    assert len(mail.outbox) == before
