"""Reopening the lead decision after an upheld appeal, and deciding again."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from challenges.enums import BidState, ChallengeState
from challenges.models import BidTransition, ChallengeTransition
from challenges.rules import can_view_bid
from entities.models import User
from evaluation import appeals, reopening, services
from evaluation.enums import AppealState, EventAction
from evaluation.models import Appeal, Decision, EvaluationEvent, SupersededDecision
from notifications.models import Notification

GROUNDS = (
    "Two reviewers scored our data plan without reading the annex on the local data "
    "agreements; the ranking rests on that mistake."
)
RESPONSE = "The annex was indeed not considered by two reviewers; we will decide again."
REASON = "The upheld appeal showed the ranking was flawed; the office decides afresh."
OVERRIDE = "Decided in a test before the full quorum."


@pytest.fixture
def decided(operator, scenario):
    services.decision_create(
        challenge=scenario.challenge,
        bid=scenario.bids[0],
        rationale="The best bid by a clear margin.",
        quorum_override=OVERRIDE,
        by=operator,
    )
    scenario.refresh()
    return scenario


def _appeal(s, *, uphold: bool | None = True) -> Appeal:
    appeal = appeals.appeal_file(bid=s.bids[1], grounds=GROUNDS, by=s.applicants[1])
    if uphold is not None:
        appeals.appeal_decide(appeal=appeal, uphold=uphold, response=RESPONSE, by=s.operator)
    appeal.refresh_from_db()
    return appeal


@pytest.mark.django_db
def test_reopen_decision_after_upheld_appeal_resets_states_keeps_record_and_tells_everyone(
    decided, operator, django_capture_on_commit_callbacks
):
    appeal = _appeal(decided)
    old = Decision.objects.get()
    assert can_view_bid(decided.demand_owner, decided.bids[0])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        record = reopening.decision_reopen(challenge=decided.challenge, reason=REASON, by=operator)
    decided.refresh()
    assert decided.challenge.state == ChallengeState.EVALUATION
    assert [b.state for b in decided.bids] == [BidState.UNDER_REVIEW, BidState.UNDER_REVIEW]
    # The old decision is kept for the record, with who, when and why.
    assert not Decision.objects.exists()
    assert record.bid_id == old.bid_id and record.rationale == old.rationale
    assert record.decided_at == old.decided_at and record.quorum_override == OVERRIDE
    assert record.superseded_by == operator and record.reason == REASON
    # The demand entity saw the bid because it was selected; no longer.
    owner = User.objects.get(pk=decided.demand_owner.pk)  # a fresh permission cache
    assert not can_view_bid(owner, decided.bids[0])
    appeal.refresh_from_db()
    assert appeal.state == AppealState.RESOLVED and appeal.response == RESPONSE
    # History: the challenge's and each bid's transitions, the evaluation history.
    line = ChallengeTransition.objects.filter(challenge=decided.challenge).latest("pk")
    assert (line.action, line.from_state, line.to_state, line.reason) == (
        "reopen_decision",
        ChallengeState.LEAD_ASSIGNED,
        ChallengeState.EVALUATION,
        REASON,
    )
    back = BidTransition.objects.filter(action="reconsider", reason=REASON)
    assert set(back.values_list("bid_id", flat=True)) == {b.pk for b in decided.bids}
    actions = set(EvaluationEvent.objects.values_list("action", flat=True))
    assert {EventAction.DECISION_REOPENED, EventAction.APPEAL_RESOLVED} <= actions
    # Everyone concerned: both bidders and the demand entity.
    told = set(
        Notification.objects.filter(event="decision.reopened").values_list(
            "recipient__email", flat=True
        )
    )
    assert {decided.applicants[0].email, decided.applicants[1].email} <= told
    assert decided.demand_owner.email in told
    assert any(REASON in m.body for m in mail.outbox)


@pytest.mark.django_db
def test_decision_after_reopening_is_recorded_again_and_bidders_get_new_feedback(
    decided, operator, django_capture_on_commit_callbacks
):
    _appeal(decided)
    reopening.decision_reopen(challenge=decided.challenge, reason=REASON, by=operator)
    with pytest.raises(ValidationError, match="submitted reviews"):
        services.decision_create(
            challenge=decided.challenge, bid=decided.bids[1], rationale="Now B.", by=operator
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_create(
            challenge=decided.challenge,
            bid=decided.bids[1],
            rationale="The appellant's bid, once the annex is read.",
            quorum_override=OVERRIDE,
            by=operator,
        )
    decided.refresh()
    assert decided.challenge.state == ChallengeState.LEAD_ASSIGNED
    assert (decided.bids[0].state, decided.bids[1].state) == (
        BidState.NOT_SELECTED,
        BidState.SELECTED,
    )
    assert Decision.objects.get().bid == decided.bids[1]
    assert SupersededDecision.objects.get().bid == decided.bids[0]
    # The former winner is told again that it was not selected this time.
    assert Notification.objects.filter(
        event="decision.not_selected", object_id=str(decided.bids[0].pk)
    ).exists()
    # No appeal blocks the validation any more.
    assert appeals.blocking_appeals(decided.challenge) == []


@pytest.mark.django_db
def test_reopen_refused_without_upheld_appeal_changes_nothing(decided, operator):
    with pytest.raises(ValidationError, match="upheld"):
        reopening.decision_reopen(challenge=decided.challenge, reason=REASON, by=operator)
    _appeal(decided, uphold=None)
    with pytest.raises(ValidationError, match="waiting for an answer"):
        reopening.decision_reopen(challenge=decided.challenge, reason=REASON, by=operator)
    appeal = Appeal.objects.get()
    appeals.appeal_decide(appeal=appeal, uphold=False, response=RESPONSE, by=operator)
    with pytest.raises(ValidationError, match="upheld"):
        reopening.decision_reopen(challenge=decided.challenge, reason=REASON, by=operator)
    decided.refresh()
    assert decided.challenge.state == ChallengeState.LEAD_ASSIGNED
    assert Decision.objects.exists() and not SupersededDecision.objects.exists()


@pytest.mark.django_db
def test_reopen_refused_for_non_operator_without_reason_and_after_validation_started(
    decided, operator
):
    _appeal(decided)
    for user in (decided.applicants[1], decided.demand_owner):
        with pytest.raises(ValidationError, match="Only the programme office"):
            reopening.decision_reopen(challenge=decided.challenge, reason=REASON, by=user)
        assert not reopening.can_reopen_decision(user, decided.challenge)
    with pytest.raises(ValidationError, match="Explain why"):
        reopening.decision_reopen(challenge=decided.challenge, reason="  ", by=operator)
    assert reopening.can_reopen_decision(operator, decided.challenge)
    # The validation cannot start while the appeal is upheld; pretend it did (older data).
    decided.challenge.state = ChallengeState.IN_VALIDATION
    decided.challenge.save(update_fields=["state"])
    assert not reopening.can_reopen_decision(operator, decided.challenge)
    with pytest.raises(ValidationError, match="cannot be changed this way"):
        reopening.decision_reopen(challenge=decided.challenge, reason=REASON, by=operator)
    assert Decision.objects.exists() and Appeal.objects.get().state == AppealState.UPHELD


@pytest.mark.django_db
def test_reopen_page_asks_for_confirmation_then_reopens(client_for, decided, operator):
    _appeal(decided)
    url = reverse("evaluation:reopen_decision", args=[decided.challenge.pk])
    c = client_for(operator)
    page = reverse("evaluation:operator_challenge", args=[decided.challenge.pk])
    assert url in c.get(page).content.decode()
    html = c.post(url, {"reason": "Unfair."}).content.decode()
    assert "Explain why" in html and Decision.objects.exists()
    html = c.post(url, {"reason": REASON}).content.decode()
    assert "Reopen this decision?" in html and Decision.objects.exists()
    appeal_page = reverse("evaluation:appeal", args=[decided.bids[1].pk])
    assert url in c.get(appeal_page).content.decode()
    assert url not in client_for(decided.applicants[1]).get(appeal_page).content.decode()
    response = c.post(url, {"reason": REASON, "confirm": "yes"})
    assert response.status_code == 302 and not Decision.objects.exists()
    decided.refresh()
    assert decided.challenge.state == ChallengeState.EVALUATION
    html = c.get(page).content.decode()
    assert "Earlier decisions" in html and REASON in html
    assert "The programme office reopened the decision" in c.get(appeal_page).content.decode()
    # The bidder's page says the decision was reopened.
    bid_page = client_for(decided.applicants[0]).get(
        reverse("challenges:bid_detail", args=[decided.bids[0].pk])
    )
    assert "decision was reopened" in bid_page.content.decode()


@pytest.mark.django_db
def test_reopen_page_is_not_found_for_others_and_refuses_without_upheld_appeal(
    client_for, decided, operator
):
    url = reverse("evaluation:reopen_decision", args=[decided.challenge.pk])
    assert client_for(decided.applicants[1]).get(url).status_code == 404
    response = client_for(operator).post(url, {"reason": REASON, "confirm": "yes"}, follow=True)
    assert "upheld" in response.content.decode() and Decision.objects.exists()
