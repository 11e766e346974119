"""The review quorum: the lead decision is refused below it unless a reason is written down."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from challenges.enums import ChallengeState
from challenges.lifecycle import CHALLENGE, TransitionError
from evaluation import services
from evaluation.allocation import quorum_gaps
from evaluation.enums import EventAction
from evaluation.models import Decision, EvaluationEvent, Panel
from evaluation.selectors.quorum import quorum_state

from .conftest import assign, review

RATIONALE = "Ranked first by every reviewer, with the strongest field-trial plan."
OVERRIDE = "The funding window of the demand entity closes this week; waiting is not possible."


def _two_reviews_each(scenario, reviewers):
    seats = [assign(scenario, r) for r in reviewers]
    for seat in seats:
        for bid in scenario.bids:
            review(seat, bid, 7)
    return seats


def test_quorum_gaps_names_only_bids_below_the_minimum():
    gaps = quorum_gaps({1: 3, 2: 1}, [1, 2, 3], 3)
    assert [(g.bid_id, g.reviews, g.missing) for g in gaps] == [(2, 1, 2), (3, 0, 3)]


@pytest.mark.django_db
def test_panel_quorum_defaults_to_three(scenario):
    assert Panel.objects.get(challenge=scenario.challenge).min_reviews == 3
    state = quorum_state(scenario.challenge)
    assert state.minimum == 3 and not state.met
    assert {line.bid.pk for line in state.short} == {b.pk for b in scenario.bids}


@pytest.mark.django_db
def test_decision_below_quorum_is_refused_naming_the_bids(operator, scenario):
    with pytest.raises(ValidationError) as exc:
        services.decision_create(
            challenge=scenario.challenge, bid=scenario.bids[0], rationale=RATIONALE, by=operator
        )
    message = " ".join(exc.value.messages)
    for bid in scenario.bids:
        assert f"{bid.applicant.legal_name} (0/3)" in message
    assert not Decision.objects.exists()
    scenario.refresh()
    assert scenario.challenge.state == ChallengeState.EVALUATION


@pytest.mark.django_db
def test_the_transition_row_refuses_below_quorum_without_a_reason(operator, scenario):
    with pytest.raises(TransitionError, match="short of the 3 submitted reviews"):
        CHALLENGE.apply(scenario.challenge, "assign_lead", by=operator, reason=RATIONALE)


@pytest.mark.django_db
def test_decision_at_quorum_needs_no_override(operator, reviewer_a, reviewer_b, scenario):
    _two_reviews_each(scenario, [reviewer_a, reviewer_b])
    services.panel_quorum_set(challenge=scenario.challenge, minimum=2, by=operator)
    decision = services.decision_create(
        challenge=scenario.challenge, bid=scenario.bids[0], rationale=RATIONALE, by=operator
    )
    assert decision.quorum_override == "" and decision.short_of_reviews == []
    assert EvaluationEvent.objects.filter(action=EventAction.QUORUM_CHANGED).exists()
    assert not EvaluationEvent.objects.filter(action=EventAction.QUORUM_OVERRIDDEN).exists()


@pytest.mark.django_db
def test_override_is_recorded_and_sent_to_the_demand_entity(
    operator, reviewer_a, scenario, django_capture_on_commit_callbacks
):
    _two_reviews_each(scenario, [reviewer_a])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.decision_create(
            challenge=scenario.challenge,
            bid=scenario.bids[0],
            rationale=RATIONALE,
            quorum_override=OVERRIDE,
            by=operator,
        )
    assert decision.quorum_override == OVERRIDE
    assert [line["reviews"] for line in decision.short_of_reviews] == [1, 1]
    event = EvaluationEvent.objects.get(action=EventAction.QUORUM_OVERRIDDEN)
    assert event.reason == OVERRIDE and scenario.bids[1].applicant.legal_name in event.subject
    owner_mail = [m for m in mail.outbox if scenario.demand_owner.email in m.to]
    assert any("below the review quorum" in m.subject and OVERRIDE in m.body for m in owner_mail)


@pytest.mark.django_db
def test_demand_entity_sees_the_override_on_the_validation_page(client_for, operator, scenario):
    services.decision_create(
        challenge=scenario.challenge,
        bid=scenario.bids[0],
        rationale=RATIONALE,
        quorum_override=OVERRIDE,
        by=operator,
    )
    page = client_for(scenario.demand_owner).get(
        reverse("evaluation:validation", args=[scenario.challenge.pk])
    )
    html = page.content.decode()
    assert "Decided below the review quorum" in html and OVERRIDE in html


@pytest.mark.django_db
def test_decide_page_shows_quorum_and_requires_a_reason(client_for, operator, scenario):
    c = client_for(operator)
    url = reverse("evaluation:decide", args=[scenario.challenge.pk])
    html = c.get(url).content.decode()
    assert "Review quorum" in html and "3 reviews missing" in html
    # Without a reason the form stays (no confirmation step).
    html = c.post(url, {"bid": scenario.bids[0].pk, "rationale": RATIONALE}).content.decode()
    assert "Confirm the selection" not in html
    assert "why the decision cannot wait" in html
    # With a reason: the confirmation repeats it, then the decision keeps it.
    data = {"bid": scenario.bids[0].pk, "rationale": RATIONALE, "quorum_override": OVERRIDE}
    html = c.post(url, data).content.decode()
    assert "Confirm the selection" in html and OVERRIDE in html
    c.post(url, {**data, "confirm": "yes"})
    assert Decision.objects.get().quorum_override == OVERRIDE


@pytest.mark.django_db
def test_quorum_form_rejects_bad_values_and_changes_nothing(client_for, operator, scenario):
    url = reverse("evaluation:panel_quorum", args=[scenario.challenge.pk])
    client_for(operator).post(url, {"min_reviews": "0"})
    client_for(operator).post(url, {"min_reviews": "abc"})
    assert Panel.objects.get(challenge=scenario.challenge).min_reviews == 3
    client_for(operator).post(url, {"min_reviews": "5"})
    assert Panel.objects.get(challenge=scenario.challenge).min_reviews == 5
    assert quorum_state(scenario.challenge).minimum == 5


@pytest.mark.django_db
def test_quorum_form_is_404_for_non_operators(client_for, scenario):
    url = reverse("evaluation:panel_quorum", args=[scenario.challenge.pk])
    response = client_for(scenario.demand_owner).post(url, {"min_reviews": "1"})
    assert response.status_code == 404
    assert Panel.objects.get(challenge=scenario.challenge).min_reviews == 3


@pytest.mark.django_db
def test_decide_page_lists_only_the_bids_short_of_the_quorum(client_for, operator, scenario):
    # Enough reviews of the first bid only: it meets the quorum, the others do not.
    for _ in range(quorum_state(scenario.challenge).minimum):
        review(assign(scenario), scenario.bids[0], 7)
    html = (
        client_for(operator)
        .get(reverse("evaluation:decide", args=[scenario.challenge.pk]))
        .content.decode()
    )
    total = len(scenario.bids)
    assert f"1 of {total} bids meet the quorum." in html
    table = html.split('class="card quorum"')[1].split("</section>")[0]
    assert scenario.bids[0].applicant.legal_name not in table
    assert scenario.bids[1].applicant.legal_name in table


@pytest.mark.django_db
@pytest.mark.parametrize("override", ["   ", "because", "x" * 19])
def test_a_blank_or_token_override_is_refused_by_the_service(operator, scenario, override):
    with pytest.raises(ValidationError) as exc:
        services.decision_create(
            challenge=scenario.challenge,
            bid=scenario.bids[0],
            rationale=RATIONALE,
            by=operator,
            quorum_override=override,
        )
    assert "quorum_override" in exc.value.message_dict
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_decide_page_refuses_a_token_override_before_confirming(client_for, operator, scenario):
    c = client_for(operator)
    url = reverse("evaluation:decide", args=[scenario.challenge.pk])
    data = {"bid": scenario.bids[0].pk, "rationale": RATIONALE, "quorum_override": "because"}
    html = c.post(url, data).content.decode()
    assert "Confirm the selection" not in html
    assert "at least 20 characters" in html
    assert not Decision.objects.exists()
