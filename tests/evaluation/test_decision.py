"""Lead selection: the confirmation step, exactly once, the state changes and the e-mails."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.urls import reverse

from challenges.enums import BidState, ChallengeState
from challenges.models import BidTransition, ChallengeTransition
from evaluation import services
from evaluation.models import Decision, EvaluationEvent, Panel

from .conftest import assign, build_scenario, review

RATIONALE = "Ranked first by every reviewer, with the strongest field-trial plan."


def _reviewed(scenario, reviewers):
    seats = [assign(scenario, r) for r in reviewers]
    review(
        seats[0],
        scenario.bids[0],
        9,
        comment="Strong plan for bid zero",
        overall="Zero overall remark",
    )
    review(seats[1], scenario.bids[0], 7, comment="Good team for bid zero")
    review(
        seats[0],
        scenario.bids[1],
        4,
        comment="Weak data plan for bid one",
        overall="One overall remark",
    )
    review(seats[1], scenario.bids[1], 6, comment="Fine cooperation for bid one")
    return seats


@pytest.mark.django_db
def test_select_the_lead_with_confirmation_and_emails(
    client_for, operator, reviewer_a, reviewer_b, scenario, django_capture_on_commit_callbacks
):
    _reviewed(scenario, [reviewer_a, reviewer_b])
    Panel.objects.filter(challenge=scenario.challenge).update(min_reviews=2)
    winner, loser = scenario.bids
    c = client_for(operator)
    url = reverse("evaluation:decide", args=[scenario.challenge.pk])
    page = c.get(url).content.decode()
    assert winner.applicant.legal_name in page
    # Step 1: the form shows a confirmation; nothing is decided yet.
    response = c.post(url, {"bid": winner.pk, "rationale": RATIONALE})
    body = response.content.decode()
    assert "Confirm the selection" in body
    assert loser.applicant.legal_name in body
    assert not Decision.objects.exists()
    # Step 2: confirmed.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            url, {"bid": winner.pk, "rationale": RATIONALE, "confirm": "yes"}, follow=True
        )
    assert "is selected as the lead" in response.content.decode()
    decision = Decision.objects.get()
    assert (
        decision.bid == winner
        and decision.rationale == RATIONALE
        and decision.decided_by == operator
    )
    assert [row["bid"] for row in decision.ranking] == [winner.pk, loser.pk]
    scenario.refresh()
    assert scenario.challenge.state == ChallengeState.LEAD_ASSIGNED
    assert winner.state == BidState.SELECTED and loser.state == BidState.NOT_SELECTED
    assert ChallengeTransition.objects.filter(
        challenge=scenario.challenge, action="assign_lead", reason=RATIONALE
    ).exists()
    assert BidTransition.objects.filter(bid=winner, action="select").exists()
    assert BidTransition.objects.filter(bid=loser, action="not_select").exists()
    assert EvaluationEvent.objects.filter(action="lead_selected", bid=winner).exists()
    # The demand entity now sees the selected bid (not the other one).
    demand = client_for(scenario.demand_owner)
    page = demand.get(reverse("challenges:bid_detail", args=[winner.pk]))
    assert page.status_code == 200
    assert "This bid was selected as the lead" in page.content.decode()
    assert "invited as a partner" not in page.content.decode()
    assert demand.get(reverse("challenges:bid_detail", args=[loser.pk])).status_code == 404

    # E-mails: each bidder only its own feedback; no reviewer names; the demand side is told.
    by_address = {}
    for message in mail.outbox:
        for address in message.to:
            by_address.setdefault(address, []).append(message)
    winner_mail = by_address[scenario.applicants[0].email]
    loser_mail = by_address[scenario.applicants[1].email]
    assert len(winner_mail) == 1 and len(loser_mail) == 1
    win_text = winner_mail[0].body + "".join(str(a[0]) for a in winner_mail[0].alternatives)
    lose_text = loser_mail[0].body + "".join(str(a[0]) for a in loser_mail[0].alternatives)
    assert "selected" in winner_mail[0].subject.lower()
    assert "Strong plan for bid zero" in win_text and "Zero overall remark" in win_text
    assert "Weak data plan for bid one" not in win_text and "One overall remark" not in win_text
    assert "Weak data plan for bid one" in lose_text and "Fine cooperation for bid one" in lose_text
    assert "Strong plan for bid zero" not in lose_text
    assert winner.applicant.legal_name not in lose_text
    assert "Technical solution" in lose_text and "8.0" in win_text  # (9 + 7) / 2
    for text in (win_text, lose_text):
        assert reviewer_a.full_name not in text and reviewer_b.full_name not in text
        assert reviewer_a.email not in text and reviewer_b.email not in text
    assert scenario.demand_owner.email in by_address


@pytest.mark.django_db
def test_second_selection_is_refused_and_nothing_changes(
    client_for, operator, reviewer_a, reviewer_b, scenario
):
    _reviewed(scenario, [reviewer_a, reviewer_b])
    winner, loser = scenario.bids
    services.decision_create(
        challenge=scenario.challenge,
        bid=winner,
        rationale=RATIONALE,
        quorum_override="Decided in a test before the full quorum.",
        by=operator,
    )
    transitions = BidTransition.objects.count()
    with pytest.raises(ValidationError, match="already been selected"):
        services.decision_create(
            challenge=scenario.challenge,
            bid=loser,
            rationale=RATIONALE,
            quorum_override="Decided in a test before the full quorum.",
            by=operator,
        )
    response = client_for(operator).post(
        reverse("evaluation:decide", args=[scenario.challenge.pk]),
        {"bid": loser.pk, "rationale": RATIONALE, "confirm": "yes"},
        follow=True,
    )
    assert "only be selected while the challenge is under evaluation" in response.content.decode()
    scenario.refresh()
    assert Decision.objects.get().bid == winner
    assert loser.state == BidState.NOT_SELECTED
    assert BidTransition.objects.count() == transitions


@pytest.mark.django_db
def test_selection_needs_an_operator_a_rationale_and_a_bid_under_review(operator, owner, scenario):
    bid = scenario.bids[0]
    with pytest.raises(ValidationError):
        services.decision_create(
            challenge=scenario.challenge, bid=bid, rationale=RATIONALE, by=owner
        )
    with pytest.raises(ValidationError, match="rationale"):
        services.decision_create(
            challenge=scenario.challenge,
            bid=bid,
            rationale="   ",
            quorum_override="Decided in a test before the full quorum.",
            by=operator,
        )
    other = build_scenario(operator=operator)
    with pytest.raises(ValidationError, match="bids under review"):
        services.decision_create(
            challenge=scenario.challenge,
            bid=other.bids[0],
            rationale=RATIONALE,
            quorum_override="Decided in a test before the full quorum.",
            by=operator,
        )
    assert not Decision.objects.exists()
    scenario.refresh()
    assert scenario.challenge.state == ChallengeState.EVALUATION


@pytest.mark.django_db
def test_short_rationale_is_refused_by_the_form(client_for, operator, scenario):
    response = client_for(operator).post(
        reverse("evaluation:decide", args=[scenario.challenge.pk]),
        {"bid": scenario.bids[0].pk, "rationale": "ok", "confirm": "yes"},
    )
    assert "20 characters or more" in response.content.decode()
    assert not Decision.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_exactly_once_under_two_concurrent_connections(operator):
    scenario = build_scenario(operator=operator)
    services.panel_create(challenge=scenario.challenge, by=operator)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def select(bid):
        close_old_connections()
        try:
            barrier.wait(timeout=10)
            results.append(
                services.decision_create(
                    challenge=scenario.challenge,
                    bid=bid,
                    rationale=RATIONALE,
                    quorum_override="Decided in a test before the full quorum.",
                    by=operator,
                )
            )
        except ValidationError as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=select, args=(bid,)) for bid in scenario.bids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    decisions = [r for r in results if isinstance(r, Decision)]
    errors = [r for r in results if isinstance(r, ValidationError)]
    assert len(decisions) == 1 and len(errors) == 1, results
    assert "already been selected" in " ".join(errors[0].messages)
    assert Decision.objects.count() == 1
    scenario.refresh()
    selected = [b for b in scenario.bids if b.state == BidState.SELECTED]
    assert len(selected) == 1 and selected[0].pk == decisions[0].bid_id
    assert scenario.challenge.state == ChallengeState.LEAD_ASSIGNED
    assert (
        ChallengeTransition.objects.filter(
            challenge=scenario.challenge, action="assign_lead"
        ).count()
        == 1
    )
