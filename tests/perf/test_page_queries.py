"""Every list page runs the same number of queries at two data sizes, and at most ten.

They guard the constant, not the speed (the benchmark measures speed).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from challenges.enums import ChallengeState
from tests.challenges.factories import ChallengeFactory

from .conftest import reviewed_scenario, statements

pytestmark = pytest.mark.django_db
MAX_QUERIES = 10


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm: session, language, lazily created rows
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return statements(ctx)


def _listed(n: int) -> list:
    now = timezone.now()
    made = []
    for i in range(n):
        made.append(
            ChallengeFactory(
                kpis=False,
                state=ChallengeState.LISTED,
                published_at=now - dt.timedelta(minutes=i),
                title=f"Flood early warning {i}",
            )
        )
    return made


PUBLIC_PAGES = (
    reverse("challenges:list"),
    reverse("challenges:list") + "?page=2",
    reverse("challenges:list") + "?q=flood",
    reverse("challenges:list") + "?country=TH&mode=technology_transfer",
    reverse("challenges:list") + "?sort=deadline&status=open",
    reverse("evaluation:results"),
)


def _public_counts(client: Client) -> dict[str, int]:
    return {url: _queries(client, url) for url in PUBLIC_PAGES}


def test_public_pages_queries_are_constant(client_for, operator):
    _listed(14)
    small = _public_counts(Client())
    signed_in = _public_counts(client_for(operator))
    _listed(30)
    assert _public_counts(Client()) == small
    assert _public_counts(client_for(operator)) == signed_in
    assert max(small.values()) <= MAX_QUERIES, small
    assert max(signed_in.values()) <= MAX_QUERIES, signed_in


def test_challenge_detail_queries_are_constant():
    first, *_ = _listed(2)
    url = reverse("challenges:detail", args=[first.pk])
    before = _queries(Client(), url)
    for _ in range(4):
        ChallengeFactory(organization=first.organization)  # more KPIs and drafts around
    assert _queries(Client(), url) == before <= MAX_QUERIES


# The operator's challenge page also shows the review quorum, every reviewer's load and
# allocation, appeals and earlier decisions (issue 15): constant in the number of bids,
# but above the issue-11 target of 10 queries (README "Performance at programme scale").
BUDGET = {"ranking": 21}


def _evaluation_counts(client_for, operator, bids: int) -> dict[str, int]:
    scenario, seats = reviewed_scenario(operator, bids=bids)
    challenge = scenario.challenge
    operator_client = client_for(operator)
    reviewer = client_for(seats[0].reviewer)
    member = client_for(scenario.demand_owner)
    return {
        "ranking": _queries(
            operator_client, reverse("evaluation:operator_challenge", args=[challenge.pk])
        ),
        "decide": _queries(operator_client, reverse("evaluation:decide", args=[challenge.pk])),
        "operator_index": _queries(operator_client, reverse("evaluation:operator_index")),
        "vetting": _queries(operator_client, reverse("challenges:vetting")),
        "review_index": _queries(reviewer, "/review/"),
        "review_bids": _queries(reviewer, "/review/evaluation/bidtoreview/"),
        "dashboard": _queries(member, reverse("dashboard")),
        "inbox": _queries(member, reverse("notifications:inbox")),
    }


def test_evaluation_and_member_pages_queries_are_constant(client_for, operator):
    small = _evaluation_counts(client_for, operator, 2)
    large = _evaluation_counts(client_for, operator, 5)
    assert small == large
    too_many = {page: n for page, n in large.items() if n > BUDGET.get(page, MAX_QUERIES)}
    assert not too_many, too_many
