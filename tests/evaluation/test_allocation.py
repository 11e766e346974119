"""Reviewer allocation: loads, the suggestion page, confirmation, access and reviewer status."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluation import rules, selectors, services
from evaluation.enums import EventAction
from evaluation.models import BidAllocation, EvaluationEvent
from evaluation.selectors.desk import allocation_plan, reviewer_loads, work_status
from tests.factories import ReviewerFactory

from .conftest import assign, build_scenario, review


def _panel_of(scenario, n):
    return [assign(scenario, ReviewerFactory()) for _ in range(n)]


def test_work_status_follows_the_reviewers_work():
    assert work_status(expected=2, submitted=0, drafts=0, conflicts=0) == "assigned"
    assert work_status(expected=2, submitted=0, drafts=0, conflicts=1) == "conflict"
    assert work_status(expected=2, submitted=1, drafts=0, conflicts=0) == "in_progress"
    assert work_status(expected=2, submitted=0, drafts=1, conflicts=1) == "in_progress"
    assert work_status(expected=2, submitted=1, drafts=0, conflicts=1) == "submitted"
    assert work_status(expected=2, submitted=2, drafts=0, conflicts=0) == "submitted"


@pytest.mark.django_db
def test_plan_gives_each_bid_the_quorum_and_spreads_the_load(operator):
    scenario = build_scenario(operator=operator, bids=3)
    services.panel_create(challenge=scenario.challenge, by=operator)
    seats = _panel_of(scenario, 4)
    services.panel_quorum_set(challenge=scenario.challenge, minimum=2, by=operator)
    plan = allocation_plan(scenario.challenge)
    per_bid = {b.pk: 0 for b in scenario.bids}
    for _seat, bid in plan.result.pairs:
        per_bid[bid] += 1
    assert set(per_bid.values()) == {2}
    loads = sorted(plan.result.load(s.pk) for s in seats)
    assert loads[-1] - loads[0] <= 1 and sum(loads) == 6


@pytest.mark.django_db
def test_declared_conflicts_are_never_suggested(operator, scenario):
    seats = _panel_of(scenario, 3)
    services.conflict_declare(
        assignment=seats[0],
        bid=scenario.bids[0],
        has_conflict=True,
        explanation="Former colleague of the lead researcher.",
        by=seats[0].reviewer,
    )
    plan = allocation_plan(scenario.challenge)
    assert (seats[0].pk, scenario.bids[0].pk) not in plan.result.pairs
    assert plan.cell(seats[0].pk, scenario.bids[0].pk) == "conflict"
    # With quorum 3 and only two reviewers free of conflict, the bid is reported short.
    assert [(bid.pk, n) for bid, n in plan.short] == [(scenario.bids[0].pk, 1)]
    with pytest.raises(ValidationError, match="conflict of interest"):
        services.allocation_confirm(
            challenge=scenario.challenge, pairs=[(seats[0].pk, scenario.bids[0].pk)], by=operator
        )
    assert not BidAllocation.objects.exists()


@pytest.mark.django_db
def test_confirmed_allocation_limits_what_each_reviewer_sees(
    operator, scenario, django_capture_on_commit_callbacks
):
    seats = _panel_of(scenario, 2)
    first, second = scenario.bids
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.allocation_confirm(
            challenge=scenario.challenge, pairs=[(seats[0].pk, first.pk)], by=operator
        )
    assert rules.can_declare_conflict(seats[0].reviewer, first)
    assert not rules.can_declare_conflict(seats[0].reviewer, second)
    assert not rules.can_declare_conflict(seats[1].reviewer, first)
    visible = set(selectors.reviewer_bids(seats[0].reviewer).values_list("pk", flat=True))
    assert visible == {first.pk}
    assert selectors.reviewer_assignments(seats[0].reviewer).get().bid_count == 1
    assert [m.to for m in mail.outbox] == [[seats[0].reviewer.email]]
    assert EvaluationEvent.objects.filter(action=EventAction.ALLOCATION_CONFIRMED).count() == 1
    # Confirming the same pair again changes nothing.
    assert (
        services.allocation_confirm(
            challenge=scenario.challenge, pairs=[(seats[0].pk, first.pk)], by=operator
        )
        == []
    )


@pytest.mark.django_db
def test_without_allocation_every_reviewer_sees_every_bid(operator, scenario):
    seats = _panel_of(scenario, 1)
    assert all(rules.can_declare_conflict(seats[0].reviewer, b) for b in scenario.bids)


@pytest.mark.django_db
def test_loads_count_work_on_other_panels(operator, scenario):
    seat = assign(scenario, ReviewerFactory())
    other = build_scenario(operator=operator, bids=3)
    services.panel_create(challenge=other.challenge, by=operator)
    assign(other, seat.reviewer)
    review(seat, scenario.bids[0], 8)
    (load,) = reviewer_loads(scenario.challenge)
    assert load.panels == 2
    assert load.expected_all == 5 and load.expected_here == 2
    assert load.submitted_all == 1 and load.status == "in_progress"


@pytest.mark.django_db
def test_allocation_page_confirms_the_suggestion(client_for, operator, scenario):
    seats = _panel_of(scenario, 3)
    c = client_for(operator)
    url = reverse("evaluation:allocation", args=[scenario.challenge.pk])
    html = c.get(url).content.decode()
    assert "Suggested assignments" in html and html.count("suggested</td>") == 6
    pairs = [f"{s.pk}:{b.pk}" for s in seats for b in scenario.bids]
    c.post(url, {"pair": pairs})
    assert BidAllocation.objects.count() == 6
    html = c.get(reverse("evaluation:operator_challenge", args=[scenario.challenge.pk]))
    assert f'href="{url}"' in html.content.decode()
    # Once confirmed, nothing new is suggested and the button is disabled.
    html = c.get(url).content.decode()
    assert "suggested</td>" not in html and html.count("assigned</td>") == 6


@pytest.mark.django_db
def test_allocation_page_refuses_bad_input_and_strangers(client_for, operator, scenario):
    _panel_of(scenario, 1)
    url = reverse("evaluation:allocation", args=[scenario.challenge.pk])
    client_for(operator).post(url, {"pair": ["x:1", "3"]})
    client_for(operator).post(url, {"pair": ["999:999"]})
    assert not BidAllocation.objects.exists()
    assert client_for(scenario.demand_owner).get(url).status_code == 404


@pytest.mark.django_db
def test_submit_review_asks_for_confirmation_first(client_for, scenario):
    from evaluation.models import Review

    seat = assign(scenario, ReviewerFactory())
    bid = scenario.bids[0]
    services.conflict_declare(
        assignment=seat, bid=bid, has_conflict=False, explanation="", by=seat.reviewer
    )
    c = client_for(seat.reviewer)
    url = reverse("review:evaluation_bidtoreview_change", args=[bid.pk])
    data = {f"score_{cr.pk}": 7 for cr in selectors.rubric(scenario.challenge)}
    data["overall_comment"] = "A sound plan."
    html = c.post(url, {**data, "action": "submit"}).content.decode()
    assert "Submit your review now?" in html and 'id="review-total"' in html
    review_row = Review.objects.get(assignment=seat, bid=bid)
    assert not review_row.is_submitted  # saved as a draft, nothing locked yet
    c.post(url, {**data, "action": "submit", "confirm_submit": "yes"})
    review_row.refresh_from_db()
    assert review_row.is_submitted
