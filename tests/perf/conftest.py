"""Shared helpers of the query-count tests: a challenge in evaluation at a given size."""

from __future__ import annotations

from tests.evaluation.conftest import Scenario, assign, build_scenario, review
from tests.factories import ReviewerFactory


def reviewed_scenario(operator, *, bids: int, reviewers: int = 2) -> tuple[Scenario, list]:
    """A challenge in evaluation with `bids` bids, each scored by every reviewer."""
    from portal.demo import builders

    scenario = build_scenario(operator=operator, bids=bids)
    builders.panel_seated(scenario.challenge, [], by=operator)
    seats = [assign(scenario, ReviewerFactory()) for _ in range(reviewers)]
    for index, bid in enumerate(scenario.bids):
        for seat in seats:
            review(seat, bid, 3 + (index % 7), comment=f"Comment on bid {index}")
    return scenario, seats
