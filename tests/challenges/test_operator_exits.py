"""Operators' side exits: cancel a challenge, rule a bid ineligible — with reasons and e-mails."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from challenges import tasks
from challenges.enums import BidState, ChallengeState

from .factories import listed_challenge, submitted_bid

pytestmark = pytest.mark.django_db


def test_operator_cancels_a_challenge_stuck_in_evaluation_without_bids(
    client_for, operator, django_capture_on_commit_callbacks
):
    challenge = listed_challenge()
    with time_machine.travel(challenge.deadline + dt.timedelta(minutes=1)):
        tasks.close_due_challenges()
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.EVALUATION
    url = reverse("challenges:cancel", args=[challenge.pk])
    page = client_for(operator).get(url).content.decode()
    assert "Cancel the challenge" in page
    empty = client_for(operator).post(url, {"reason": ""})
    assert empty.status_code == 200
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.EVALUATION
    with django_capture_on_commit_callbacks(execute=True):
        client_for(operator).post(url, {"reason": "No bids were received."})
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.CANCELLED
    assert challenge.transitions.get(action="cancel").reason == "No bids were received."
    assert any("No bids were received." in m.body for m in mail.outbox)


def test_operator_marks_a_bid_ineligible_and_the_applicant_is_told(
    client_for, operator, django_capture_on_commit_callbacks
):
    challenge = listed_challenge()
    bid = submitted_bid(challenge)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(operator).post(
            reverse("challenges:bid_ineligible", args=[bid.pk]), {"reason": "Forged certificate."}
        )
    bid.refresh_from_db()
    assert bid.state == BidState.INELIGIBLE
    applicant_emails = {m.user.email for m in bid.applicant.memberships.all()}
    assert applicant_emails <= {m.to[0] for m in mail.outbox}
    assert any("Forged certificate." in m.body for m in mail.outbox)


@pytest.mark.parametrize("url_name", ["cancel", "bid_ineligible"])
def test_operator_exits_are_404_for_everyone_else(client_for, outsider, url_name):
    challenge = listed_challenge()
    bid = submitted_bid(challenge)
    applicant = bid.applicant.memberships.first().user
    target = challenge.pk if url_name == "cancel" else bid.pk
    for user in (outsider, applicant):
        response = client_for(user).post(
            reverse(f"challenges:{url_name}", args=[target]), {"reason": "x"}
        )
        assert response.status_code == 404
    challenge.refresh_from_db()
    bid.refresh_from_db()
    assert challenge.state == ChallengeState.LISTED and bid.state == BidState.SUBMITTED


def test_error_pages_are_styled_and_translated(client, settings):
    response = client.get("/challenges/999999/")
    page = response.content.decode()
    assert response.status_code == 404 and "Page not found" in page and "Browse challenges" in page
    from django.test import RequestFactory
    from django.views.defaults import server_error

    rendered = server_error(RequestFactory().get("/")).content.decode()
    assert "Nothing you submitted has been lost" in rendered


def test_error_page_for_a_refused_object_is_the_sites_own_even_with_debug(client, settings):
    settings.DEBUG = True
    page = client.get("/challenges/999999/").content.decode()
    assert "Page not found" in page and "URLconf" not in page
