"""Odd input never produces a server error, and reading a page never writes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entities.enums import MembershipRole
from evaluation import services
from evaluation.models import Decision, MilestoneValidation, Review
from tests.factories import add_member

from .conftest import assign, review

pytestmark = pytest.mark.django_db


def test_garbage_ids_and_posts_in_the_review_panel(client_for, reviewer_a, scenario):
    assign(scenario, reviewer_a)
    c = client_for(reviewer_a)
    for url in (
        "/review/evaluation/bidtoreview/abc/change/",
        "/review/evaluation/bidtoreview/-1/change/",
        "/review/evaluation/bidtoreview/99999999999999999999/change/",
        "/review/evaluation/reviewerassignment/%00/change/",
        "/review/evaluation/bidtoreview/?challenge=abc",
        "/review/evaluation/bidtoreview/?o=99",
        "/review/nonsense/",
    ):
        assert c.get(url).status_code < 500, url
    bid_url = reverse("review:evaluation_bidtoreview_change", args=[scenario.bids[0].pk])
    for data in (
        {},
        {"action": "nonsense"},
        {"action": "declare"},
        {"action": "declare", "coi-has_conflict": "maybe"},
        {"action": "submit", "score_1": "1e9"},
        {"action": "late_conflict"},
    ):
        assert c.post(bid_url, data).status_code < 500, data
    assert not Review.objects.exists()


def test_garbage_posts_on_operator_pages(client_for, operator, scenario):
    c = client_for(operator)
    pk = scenario.challenge.pk
    for url, data in (
        (
            reverse("evaluation:decide", args=[pk]),
            {"bid": "x", "rationale": "y" * 30, "confirm": "yes"},
        ),
        (
            reverse("evaluation:decide", args=[pk]),
            {"bid": 999999, "rationale": "y" * 30, "confirm": "yes"},
        ),
        (reverse("evaluation:rubric", args=[pk]), {"criteria-TOTAL_FORMS": "x"}),
        (reverse("evaluation:rubric", args=[pk]), {}),
        (reverse("evaluation:reviewer_assign", args=[pk]), {"reviewer": "x"}),
        (reverse("evaluation:reviewer_invite", args=[pk]), {"email": "not an address"}),
        (reverse("evaluation:reviewer_remove", args=[pk, 999999]), {}),
        (reverse("evaluation:operator_challenge", args=[999999]), {}),
    ):
        assert c.post(url, data).status_code < 500, (url, data)
    assert not Decision.objects.exists()


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _get_writes_nothing(client, url: str, status: int | None = None) -> None:
    with CaptureQueriesContext(connection) as ctx:
        code = client.get(url).status_code
        assert code == status if status else code < 400, url
    written = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith(WRITES)
        # A download of a confidential export is recorded in the audit trail, by design.
        and not q["sql"].startswith('INSERT INTO "core_auditentry"')
    ]
    assert written == [], url


def test_no_evaluation_page_writes_on_get(client_for, operator, reviewer_a, reviewer_b, scenario):
    seat = assign(scenario, reviewer_a)
    assign(scenario, reviewer_b)
    first, second = scenario.bids
    review(seat, first, 7)
    # reviewer_b now belongs to a competitor: a conflict that is not recorded yet.
    add_member(second.applicant, reviewer_b, MembershipRole.VIEWER)
    invited = services.reviewer_invite(
        challenge=scenario.challenge, email="someone.new@example.net", by=operator
    )
    pk = scenario.challenge.pk
    reviewer_pages = [
        "/review/",
        "/review/evaluation/bidtoreview/",
        "/review/evaluation/reviewerassignment/",
        reverse("review:evaluation_reviewerassignment_change", args=[seat.pk]),
        reverse("review:evaluation_bidtoreview_change", args=[first.pk]),
        reverse("review:evaluation_bidtoreview_change", args=[second.pk]),
    ]
    seat_page = reverse("review:evaluation_reviewerassignment_change", args=[seat.pk])
    for user in (reviewer_a, reviewer_b):
        c = client_for(user)
        for url in reviewer_pages:
            # reviewer_a's panel seat is not reviewer_b's: a 404 for them.
            mine = user == reviewer_a or url != seat_page
            _get_writes_nothing(c, url, None if mine else 404)
    op = client_for(operator)
    for url in (
        reverse("evaluation:operator_index"),
        reverse("evaluation:operator_challenge", args=[pk]),
        reverse("evaluation:rubric", args=[pk]),
        reverse("evaluation:decide", args=[pk]),
        reverse("evaluation:ranking_export", args=[pk, "csv"]),
        reverse("evaluation:reviewer_remove", args=[pk, seat.pk]),
        reverse("evaluation:invitation", args=[invited.token]),
    ):
        _get_writes_nothing(op, url)
    _get_writes_nothing(
        client_for(scenario.demand_owner), reverse("evaluation:nominate", args=[pk])
    )
    services.decision_create(
        challenge=scenario.challenge,
        bid=first,
        rationale="Clearly the best bid.",
        quorum_override="Decided in a test before the full quorum.",
        by=operator,
    )
    _get_writes_nothing(op, reverse("evaluation:validation_start", args=[pk]))
    services.validation_start(challenge=scenario.challenge, by=operator)
    item = MilestoneValidation.objects.filter(challenge=scenario.challenge).first()
    lead = client_for(scenario.applicants[0])
    for url in (
        reverse("evaluation:validation", args=[pk]),
        reverse("evaluation:milestone_report", args=[item.pk]),
        reverse("dashboard"),
    ):
        _get_writes_nothing(lead, url)
    _get_writes_nothing(op, reverse("evaluation:sign_off", args=[pk]))
