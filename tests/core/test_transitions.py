"""The transition engine: tables, who may, guards, history, observers, bulk transitions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from challenges.enums import BidState, ChallengeState
from challenges.lifecycle import BID, CHALLENGE
from challenges.models import Bid, BidTransition
from core import transitions
from core.transitions import AlreadyDone, Emit, TransitionError, row
from tests.challenges.factories import draft_bid, listed_challenge
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _bids_under_review(n: int) -> list[Bid]:
    challenge = listed_challenge()
    bids = [draft_bid(challenge) for _ in range(n)]
    Bid.objects.filter(pk__in=[b.pk for b in bids]).update(state=BidState.UNDER_REVIEW)
    return list(Bid.objects.filter(pk__in=[b.pk for b in bids]).order_by("pk"))


def test_a_table_refuses_an_action_defined_twice():
    with pytest.raises(ValueError, match="defined twice"):
        BID.extend([row("submit", [BidState.DRAFT], BidState.SUBMITTED, "owner", "x")])


def test_permits_checks_the_state_and_who_may():
    bid = _bids_under_review(1)[0]
    operator = UserFactory(is_staff=True)
    member = bid.applicant.memberships.first().user
    assert BID.permits("not_select", operator, bid)
    assert not BID.permits("not_select", member, bid)  # not an operator
    assert not BID.permits("submit", member, bid)  # not from under review
    assert not BID.permits("no-such-action", operator, bid)


def test_who_may_is_checked_before_the_state_and_names_the_refusal():
    bid = _bids_under_review(1)[0]
    stranger = UserFactory()
    with pytest.raises(TransitionError) as info:
        BID.apply(bid, "submit", by=stranger)
    assert "may not" in " ".join(info.value.messages)
    bid.refresh_from_db()
    assert bid.state == BidState.UNDER_REVIEW


def test_a_repeated_action_is_already_done_and_writes_nothing():
    bid = _bids_under_review(1)[0]
    operator = UserFactory(is_staff=True)
    BID.apply(bid, "not_select", by=operator)
    with pytest.raises(AlreadyDone):
        BID.apply(bid, "not_select", by=operator)
    assert BidTransition.objects.filter(bid=bid).count() == 1


def test_a_missing_reason_uses_the_rows_prompt_and_field():
    with pytest.raises(TransitionError) as info:
        CHALLENGE.apply(listed_challenge(), "cancel", by=UserFactory(is_staff=True), reason=" ")
    assert "reason" in info.value.message_dict


def test_observers_see_every_change_inside_the_transaction():
    seen = []

    def observer(changes):
        seen.extend((c.machine.name, c.action, c.from_state, c.to_state) for c in changes)

    transitions.observe_all(observer)
    try:
        bids = _bids_under_review(3)
        BID.apply_many(bids, "not_select", by=UserFactory(is_staff=True))
        BID.apply(_bids_under_review(1)[0], "select", by=UserFactory(is_staff=True))
    finally:
        transitions.OBSERVERS.remove(observer)
    assert seen.count(("bid", "not_select", "under_review", "not_selected")) == 3
    assert ("bid", "select", "under_review", "selected") in seen


def test_apply_many_writes_states_history_and_historical_rows_in_bulk():
    bids = _bids_under_review(4)
    operator = UserFactory(is_staff=True)
    BID.apply_many(bids, "not_select", by=operator)
    assert set(Bid.objects.filter(pk__in=[b.pk for b in bids]).values_list("state", flat=True)) == {
        BidState.NOT_SELECTED
    }
    logs = BidTransition.objects.filter(bid__in=bids)
    assert logs.count() == 4
    assert {(log.from_state, log.to_state, log.actor_id) for log in logs} == {
        (BidState.UNDER_REVIEW, BidState.NOT_SELECTED, operator.pk)
    }
    reasons = [h.history_change_reason for h in Bid.history.filter(id__in=[b.pk for b in bids])]
    assert reasons.count("not_select: under_review → not_selected") == 4


def test_apply_many_takes_the_same_queries_for_3_and_30_rows():
    operator = UserFactory(is_staff=True)

    def count(n: int) -> int:
        bids = _bids_under_review(n)
        with CaptureQueriesContext(connection) as queries:
            BID.apply_many(bids, "not_select", by=operator, fan_out=lambda changes: None)
        return len(queries)

    assert count(3) == count(30)


def test_apply_many_refuses_rows_in_the_wrong_state_and_changes_none():
    bids = _bids_under_review(3)
    Bid.objects.filter(pk=bids[1].pk).update(state=BidState.WITHDRAWN)
    with pytest.raises(TransitionError):
        BID.apply_many(bids, "not_select", by=UserFactory(is_staff=True))
    assert Bid.objects.filter(state=BidState.NOT_SELECTED).count() == 0


def test_events_of_a_row_go_to_its_audience(monkeypatch):
    sent = []
    monkeypatch.setattr(
        CHALLENGE, "notify", lambda people, event, obj, ctx: sent.append((event, list(people)))
    )
    challenge = listed_challenge()
    CHALLENGE.on("cancel", emits=[Emit("challenge.cancelled", lambda change: ["x@example.org"])])
    try:
        CHALLENGE.apply(challenge, "cancel", by=UserFactory(is_staff=True), reason="Budget cut.")
    finally:
        old = CHALLENGE["cancel"]
        CHALLENGE.transitions["cancel"] = transitions.Transition(
            **{**old.__dict__, "emits": old.emits[:-1]}
        )
    assert ("challenge.cancelled", ["x@example.org"]) in sent
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.CANCELLED
