"""The API's cast: a decided challenge (public result), tokens, and a JSON client."""

from __future__ import annotations

import pytest

from api import services as token_services
from challenges.models import ChallengeKPI
from evaluation import services
from tests.evaluation.conftest import assign, build_scenario, review
from tests.factories import ReviewerFactory

RATIONALE = "Chosen over the runner-up for its field-trial plan."
SECRET_REVIEWER = "Rosa Secretreviewer"


@pytest.fixture
def decided(operator):
    """A challenge whose first bid is selected as lead after a scored review."""
    s = build_scenario(operator=operator)
    from portal.demo import builders

    builders.panel_seated(s.challenge, [], by=operator)
    ChallengeKPI.objects.create(
        challenge=s.challenge, metric="Precision", target="≥ 90 %", baseline="60 %", order=1
    )
    seat = assign(s, ReviewerFactory(full_name=SECRET_REVIEWER))
    review(seat, s.bids[0], 9, comment="Superb plan.")
    review(seat, s.bids[1], 4, comment="Weak data plan.")
    services.decision_create(
        challenge=s.challenge,
        bid=s.bids[0],
        rationale=RATIONALE,
        quorum_override="Decided in a test before the full quorum.",
        by=operator,
    )
    s.refresh()
    return s


@pytest.fixture
def make_token():
    """make_token(user, organization, days=30) → the secret of a new token."""

    def make(user, organization, days: int = 30) -> str:
        _token, secret = token_services.token_create(
            user=user, organization=organization, name="Script", lifetime_days=days
        )
        return secret

    return make


@pytest.fixture
def api_get(client):
    """api_get(path, token=None, **query) → the response (JSON API under /api/v1)."""

    def get(path: str, token: str | None = None, **query):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return client.get(f"/api/v1{path}", query, headers=headers)

    return get
