"""Shared helpers of the query-count tests: a challenge in evaluation at a given size."""

from __future__ import annotations

from tests.evaluation.conftest import Scenario, assign, build_scenario, review
from tests.factories import ReviewerFactory


def reviewed_scenario(operator, *, bids: int, reviewers: int = 3) -> tuple[Scenario, list]:
    """A challenge in evaluation with `bids` bids, each scored by every reviewer (the
    default three meet the panel's default review quorum)."""
    from portal.demo import builders

    scenario = build_scenario(operator=operator, bids=bids)
    builders.panel_seated(scenario.challenge, [], by=operator)
    seats = [assign(scenario, ReviewerFactory()) for _ in range(reviewers)]
    for index, bid in enumerate(scenario.bids):
        for seat in seats:
            review(seat, bid, 3 + (index % 7), comment=f"Comment on bid {index}")
    return scenario, seats


def statements(captured) -> int:
    """Queries of a captured block, without the savepoints of the test's own transaction.

    In a test, the request's outermost `atomic()` is a SAVEPOINT inside the
    test transaction; in production it is BEGIN/COMMIT, which Django does
    not log as queries.
    """
    return sum(
        1 for q in captured.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    )
