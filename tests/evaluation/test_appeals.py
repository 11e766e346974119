"""Appeals: filed once, within the window, by a bidder not selected; answered with reasons."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from challenges.enums import BidState, ChallengeState
from evaluation import appeals, services
from evaluation.enums import AppealState, EventAction
from evaluation.models import Appeal, Decision, EvaluationEvent

GROUNDS = (
    "Two reviewers scored our data plan without reading the annex on the local data "
    "agreements; the ranking rests on that mistake."
)
RESPONSE = "The annex was indeed not considered by two reviewers; we will decide again."


@pytest.fixture
def decided(operator, scenario):
    services.decision_create(
        challenge=scenario.challenge,
        bid=scenario.bids[0],
        rationale="The best bid by a clear margin.",
        quorum_override="Decided in a test before the full quorum.",
        by=operator,
    )
    scenario.refresh()
    return scenario


def _loser(s):
    return s.bids[1], s.applicants[1]


@pytest.mark.django_db
def test_bidder_not_selected_files_one_appeal_everyone_concerned_is_told(
    decided, django_capture_on_commit_callbacks
):
    bid, user = _loser(decided)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeal = appeals.appeal_file(bid=bid, grounds=GROUNDS, by=user)
    assert appeal.state == AppealState.FILED
    assert EvaluationEvent.objects.filter(action=EventAction.APPEAL_FILED, bid=bid).exists()
    recipients = {address for m in mail.outbox for address in m.to}
    assert decided.operator.email in recipients and decided.demand_owner.email in recipients
    with pytest.raises(ValidationError, match="once"):
        appeals.appeal_file(bid=bid, grounds=GROUNDS, by=user)
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
def test_appeal_refused_after_the_window_for_the_winner_and_for_strangers(decided, settings):
    bid, user = _loser(decided)
    winner, winner_user = decided.bids[0], decided.applicants[0]
    with pytest.raises(ValidationError, match="not selected"):
        appeals.appeal_file(bid=winner, grounds=GROUNDS, by=winner_user)
    with pytest.raises(ValidationError, match="Only editors"):
        appeals.appeal_file(bid=bid, grounds=GROUNDS, by=winner_user)
    settings.APPEAL_WINDOW_DAYS = 14
    late = Decision.objects.get().decided_at + dt.timedelta(days=15)
    with pytest.raises(ValidationError, match="appeal period ended"):
        appeals.appeal_file(bid=bid, grounds=GROUNDS, by=user, now=late)
    with pytest.raises(ValidationError, match="50 characters"):
        appeals.appeal_file(bid=bid, grounds="Unfair.", by=user)
    assert not Appeal.objects.exists()


@pytest.mark.django_db
def test_upheld_appeal_is_recorded_does_not_change_the_selection_and_blocks_validation(
    decided, operator, django_capture_on_commit_callbacks
):
    bid, user = _loser(decided)
    appeal = appeals.appeal_file(bid=bid, grounds=GROUNDS, by=user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeals.appeal_decide(appeal=appeal, uphold=True, response=RESPONSE, by=operator)
    appeal.refresh_from_db()
    assert appeal.state == AppealState.UPHELD and appeal.response == RESPONSE
    assert EvaluationEvent.objects.get(action=EventAction.APPEAL_UPHELD).reason == RESPONSE
    decided.refresh()
    assert decided.bids[0].state == BidState.SELECTED and bid.state == BidState.NOT_SELECTED
    recipients = {address for m in mail.outbox for address in m.to}
    assert {user.email, decided.demand_owner.email, decided.applicants[0].email} <= recipients
    with pytest.raises(ValidationError, match="appeal is open or upheld"):
        services.validation_start(challenge=decided.challenge, by=operator)
    with pytest.raises(ValidationError):
        appeals.appeal_decide(appeal=appeal, uphold=False, response=RESPONSE, by=operator)


@pytest.mark.django_db
def test_rejected_appeal_needs_reasons_and_lets_validation_start(decided, operator):
    bid, user = _loser(decided)
    appeal = appeals.appeal_file(bid=bid, grounds=GROUNDS, by=user)
    with pytest.raises(ValidationError):
        appeals.appeal_decide(appeal=appeal, uphold=False, response="  ", by=operator)
    with pytest.raises(ValidationError, match="Only the programme office"):
        appeals.appeal_decide(appeal=appeal, uphold=False, response=RESPONSE, by=user)
    appeals.appeal_decide(appeal=appeal, uphold=False, response=RESPONSE, by=operator)
    services.validation_start(challenge=decided.challenge, by=operator)
    decided.refresh()
    assert decided.challenge.state == ChallengeState.IN_VALIDATION


@pytest.mark.django_db
def test_appeal_pages_file_confirm_and_answer(client_for, decided, operator):
    bid, user = _loser(decided)
    url = reverse("evaluation:appeal", args=[bid.pk])
    c = client_for(user)
    html = c.post(url, {"grounds": GROUNDS}).content.decode()
    assert "File this appeal?" in html and not Appeal.objects.exists()
    c.post(url, {"grounds": GROUNDS, "confirm": "yes"})
    appeal = Appeal.objects.get()
    # The demand entity sees it; another bidder's member does not (404).
    assert GROUNDS in client_for(decided.demand_owner).get(url).content.decode()
    other = client_for(decided.applicants[0])
    assert other.get(url).status_code == 404
    op = client_for(operator)
    html = op.post(url, {"outcome": "reject", "response": RESPONSE}).content.decode()
    assert "Reject this appeal?" in html
    op.post(url, {"outcome": "reject", "response": RESPONSE, "confirm": "yes"})
    appeal.refresh_from_db()
    assert appeal.state == AppealState.REJECTED
    assert RESPONSE in c.get(url).content.decode()


@pytest.mark.django_db
def test_appeal_page_bad_input_changes_nothing(client_for, decided, operator):
    bid, user = _loser(decided)
    url = reverse("evaluation:appeal", args=[bid.pk])
    html = client_for(user).post(url, {"grounds": "no", "confirm": "yes"}).content.decode()
    assert "at least 50 characters" in html
    assert client_for(user).get(reverse("evaluation:appeal", args=[999999])).status_code == 404
    assert not Appeal.objects.exists()
    assert timezone.now()  # the page itself never wrote anything
